package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/citecheck/citecheck"
)

const (
	evidenceColumns = `e.id, e.claim_id, e.source_id, s.ref, e.start, e."end", e.quote, e.prefix, e.suffix,
	e.stance, e.note, e.created_by, u.name, e.created_at`
	evidenceFrom = `
FROM evidence e
JOIN sources s ON s.id = e.source_id
JOIN users u ON u.id = e.created_by`
	// selectEvidence answers only evidence of a live claim: a claim in the trash takes its
	// evidence with it.
	selectEvidence = `SELECT ` + evidenceColumns + evidenceFrom + `
WHERE e.id = ? AND EXISTS (SELECT 1 FROM claims c WHERE c.id = e.claim_id AND c.deleted_at IS NULL)`
	// selectEvidenceOfClaims takes a JSON array of claim ids, so that the evidence of a whole list
	// of claims comes in one query.
	selectEvidenceOfClaims = `SELECT ` + evidenceColumns + evidenceFrom + `
WHERE e.claim_id IN (SELECT value FROM json_each(?))
ORDER BY e.claim_id, e.id`
	insertEvidence = `INSERT INTO evidence (claim_id, source_id, start, "end", quote, prefix, suffix, stance, note,
	created_by, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	deleteEvidence = `DELETE FROM evidence WHERE id = ?`
)

// AddEvidence stores evidence that the caller has built with citecheck.NewEvidence (ClaimID,
// SourceID, Start, End, Quote, Prefix, Suffix, Stance, Note, CreatedByID) and changes its claim
// in the same transaction: an approved or rejected claim goes back to pending, the claim's
// version goes up and its last editor becomes by, and the claim's history records an
// "evidence-added" event with the passage and any review it undid. It returns the evidence and
// the claim as stored. An unknown claim or source is not found.
func (s *Store) AddEvidence(ctx context.Context, e *citecheck.Evidence) (*citecheck.Evidence, *citecheck.Claim, error) {
	var out *citecheck.Evidence
	var claim *citecheck.Claim
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := formatTime(s.now())
		res, err := insertRow(ctx, tx, insertEvidence, e.ClaimID, e.SourceID, e.Start, e.End, e.Quote, e.Prefix,
			e.Suffix, string(e.Stance), e.Note, e.CreatedByID, now)
		if isForeignKeyViolation(err) {
			return notFound("claim %d or source %d not found", e.ClaimID, e.SourceID)
		}
		if err != nil {
			return fmt.Errorf("store: add evidence: %w", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("store: add evidence: %w", err)
		}
		if out, err = evidenceByID(ctx, tx, id); err != nil {
			return err
		}
		change := citecheck.FieldChange{From: nil, To: citecheck.EvidenceChange(out)}
		claim, err = s.changeForEvidence(ctx, tx, e.ClaimID, e.CreatedByID, now, citecheck.ActionEvidenceAdded, change)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return out, claim, nil
}

// Evidence returns one piece of evidence.
func (s *Store) Evidence(ctx context.Context, id int64) (*citecheck.Evidence, error) {
	return evidenceByID(ctx, s.reader, id)
}

// RemoveEvidence deletes evidence by the user by, after authorize (which sees the evidence as
// it is in the transaction) allows it; authorize's error aborts and is returned as is. Like
// AddEvidence it sends a reviewed claim back to pending, bumps the claim's version and records
// an "evidence-removed" event in the same transaction. It returns the claim as stored.
func (s *Store) RemoveEvidence(ctx context.Context, id, by int64, authorize func(*citecheck.Evidence) error) (*citecheck.Claim, error) {
	var claim *citecheck.Claim
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		e, err := evidenceByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := authorize(e); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, deleteEvidence, id); err != nil {
			return fmt.Errorf("store: remove evidence %d: %w", id, err)
		}
		change := citecheck.FieldChange{From: citecheck.EvidenceChange(e), To: nil}
		claim, err = s.changeForEvidence(ctx, tx, e.ClaimID, by, formatTime(s.now()), citecheck.ActionEvidenceRemoved, change)
		return err
	})
	if err != nil {
		return nil, err
	}
	return claim, nil
}

// changeForEvidence records on a claim that its evidence changed: the review reopens, the
// version goes up, by becomes the last editor, and the history gets the event.
func (s *Store) changeForEvidence(ctx context.Context, tx *sql.Tx, claimID, by int64, now, action string,
	change citecheck.FieldChange) (*citecheck.Claim, error) {
	c, err := claimByID(ctx, tx, claimID)
	if err != nil {
		return nil, err
	}
	before := copyClaim(c)
	citecheck.ReopenReview(c)
	changes := citecheck.DiffClaims(before, c)
	changes["evidence"] = change
	if err := writeClaim(ctx, tx, c.ID, c.Version, by, now, c); err != nil {
		return nil, err
	}
	if err := recordEvent(ctx, tx, c.ID, c.DocumentID, now, by, action, changes); err != nil {
		return nil, err
	}
	return claimByID(ctx, tx, claimID)
}

// evidenceByID loads one piece of evidence through q.
func evidenceByID(ctx context.Context, q queryer, id int64) (*citecheck.Evidence, error) {
	e, err := scanEvidence(q.QueryRowContext(ctx, selectEvidence, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("evidence %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: evidence %d: %w", id, err)
	}
	return e, nil
}

// loadEvidence sets the Evidence of every claim, oldest first, with one query for all of them;
// a claim without any gets an empty list, never nil.
func loadEvidence(ctx context.Context, q queryer, claims ...*citecheck.Claim) error {
	if len(claims) == 0 {
		return nil
	}
	ids := make([]int64, len(claims))
	at := make(map[int64]*citecheck.Claim, len(claims))
	for i, c := range claims {
		ids[i] = c.ID
		at[c.ID] = c
		c.Evidence = []citecheck.Evidence{}
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return fmt.Errorf("store: evidence of claims: %w", err)
	}
	rows, err := q.QueryContext(ctx, selectEvidenceOfClaims, string(list))
	if err != nil {
		return fmt.Errorf("store: evidence of claims: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvidence(rows)
		if err != nil {
			return fmt.Errorf("store: evidence of claims: %w", err)
		}
		if c := at[e.ClaimID]; c != nil {
			c.Evidence = append(c.Evidence, *e)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: evidence of claims: %w", err)
	}
	return nil
}

// scanEvidence reads evidenceColumns.
func scanEvidence(row rowScanner) (*citecheck.Evidence, error) {
	var (
		e          citecheck.Evidence
		stance, at string
	)
	if err := row.Scan(&e.ID, &e.ClaimID, &e.SourceID, &e.Ref, &e.Start, &e.End, &e.Quote, &e.Prefix, &e.Suffix,
		&stance, &e.Note, &e.CreatedByID, &e.CreatedBy, &at); err != nil {
		return nil, err
	}
	e.Stance = citecheck.Stance(stance)
	t, err := parseTime(at)
	if err != nil {
		return nil, err
	}
	e.CreatedAt = t
	return &e, nil
}
