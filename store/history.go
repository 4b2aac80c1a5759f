package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/citecheck/citecheck"
)

// The history is append-only: this file only inserts into claim_events and reads it, and the
// triggers of migration 0002 refuse any other change.
const (
	insertClaimEvent = `INSERT INTO claim_events (claim_id, document_id, at, user_id, action, changes)
VALUES (?, ?, ?, ?, ?, ?)`
	selectClaimEvents = `SELECT e.id, e.claim_id, e.document_id, e.at, u.name, e.action, e.changes
FROM claim_events e JOIN users u ON u.id = e.user_id
WHERE e.claim_id = ?
ORDER BY e.id`
	// selectReviewEvents is the reviews and undos of the claims named by a JSON array of ids,
	// with the new review and comment that each recorded (NULL where it left them as they were).
	selectReviewEvents = `SELECT e.id, e.claim_id, e.document_id, e.at, u.name, e.action,
	json_extract(e.changes, '$.review.to'), json_extract(e.changes, '$.review_comment.to')
FROM claim_events e JOIN users u ON u.id = e.user_id
WHERE e.claim_id IN (SELECT value FROM json_each(?)) AND e.action IN ('reviewed', 'review-undone')
ORDER BY e.claim_id, e.id`
)

// recordEvent appends one event to a claim's history inside the transaction of the change it
// records, so that a change and its record commit or roll back together.
func recordEvent(ctx context.Context, tx *sql.Tx, claimID, documentID int64, at string, by int64,
	action string, changes map[string]citecheck.FieldChange) error {
	if changes == nil {
		changes = map[string]citecheck.FieldChange{}
	}
	b, err := json.Marshal(changes)
	if err != nil {
		return fmt.Errorf("store: history of claim %d: %w", claimID, err)
	}
	if _, err := tx.ExecContext(ctx, insertClaimEvent, claimID, documentID, at, by, action, string(b)); err != nil {
		return fmt.Errorf("store: history of claim %d: %w", claimID, err)
	}
	return nil
}

// ClaimHistory returns the events of a claim, oldest first, with By set to the user's name. It
// works after the claim (or its document) is deleted; a claim without any event is not found.
// Changed values come back with the types citecheck.DiffClaims gives them: int for offsets,
// []int for refs, string for the rest, nil where a field did not exist.
func (s *Store) ClaimHistory(ctx context.Context, claimID int64) ([]citecheck.ClaimEvent, error) {
	rows, err := s.reader.QueryContext(ctx, selectClaimEvents, claimID)
	if err != nil {
		return nil, fmt.Errorf("store: history of claim %d: %w", claimID, err)
	}
	defer rows.Close()
	events := []citecheck.ClaimEvent{}
	for rows.Next() {
		e, err := scanClaimEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("store: history of claim %d: %w", claimID, err)
		}
		events = append(events, *e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: history of claim %d: %w", claimID, err)
	}
	if len(events) == 0 {
		return nil, notFound("claim %d not found", claimID)
	}
	return events, nil
}

// ReviewEvents answers the reviews and undos (citecheck.ActionReviewed, ActionReviewUndone) in
// the histories of the claims ids, oldest first, by claim id: what citecheck.LastRejection
// needs for a page of claims, in one query. Each event's Changes hold only the review and
// review_comment it recorded, which SQLite reads out of the stored JSON: a page of the panel
// asks for a hundred claims, and decoding their whole changes in Go cost more than the query.
func (s *Store) ReviewEvents(ctx context.Context, ids []int64) (map[int64][]citecheck.ClaimEvent, error) {
	out := map[int64][]citecheck.ClaimEvent{}
	if len(ids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("store: reviews of claims: %w", err)
	}
	rows, err := s.reader.QueryContext(ctx, selectReviewEvents, string(list))
	if err != nil {
		return nil, fmt.Errorf("store: reviews of claims: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			e               citecheck.ClaimEvent
			at              string
			review, comment sql.NullString
		)
		if err := rows.Scan(&e.ID, &e.ClaimID, &e.DocumentID, &at, &e.By, &e.Action, &review, &comment); err != nil {
			return nil, fmt.Errorf("store: reviews of claims: %w", err)
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("store: reviews of claims: event %d: %w", e.ID, err)
		}
		e.Changes = map[string]citecheck.FieldChange{}
		if review.Valid {
			e.Changes["review"] = citecheck.FieldChange{To: review.String}
		}
		if comment.Valid {
			e.Changes["review_comment"] = citecheck.FieldChange{To: comment.String}
		}
		out[e.ClaimID] = append(out[e.ClaimID], e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: reviews of claims: %w", err)
	}
	return out, nil
}

// scanClaimEvent reads the columns of selectClaimEvents.
func scanClaimEvent(row rowScanner) (*citecheck.ClaimEvent, error) {
	var (
		e           citecheck.ClaimEvent
		at, changes string
	)
	if err := row.Scan(&e.ID, &e.ClaimID, &e.DocumentID, &at, &e.By, &e.Action, &changes); err != nil {
		return nil, err
	}
	t, err := parseTime(at)
	if err != nil {
		return nil, err
	}
	e.At = t
	if e.Changes, err = decodeChanges(changes); err != nil {
		return nil, fmt.Errorf("event %d: %w", e.ID, err)
	}
	return &e, nil
}

// decodeChanges reads the stored changes back into the types DiffClaims produced, so that a
// change read from the history compares equal to the one that was recorded.
func decodeChanges(s string) (map[string]citecheck.FieldChange, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var raw map[string]struct {
		From any `json:"from"`
		To   any `json:"to"`
	}
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("changes: %w", err)
	}
	changes := make(map[string]citecheck.FieldChange, len(raw))
	for k, v := range raw {
		changes[k] = citecheck.FieldChange{From: fromJSON(v.From), To: fromJSON(v.To)}
	}
	return changes, nil
}

// fromJSON turns an integer json.Number into int and an array of integers into []int; anything
// else is returned as decoded.
func fromJSON(v any) any {
	switch v := v.(type) {
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return int(n)
		}
		return v
	case []any:
		ints := make([]int, 0, len(v))
		for _, x := range v {
			n, ok := fromJSON(x).(int)
			if !ok {
				return v
			}
			ints = append(ints, n)
		}
		return ints
	default:
		return v
	}
}
