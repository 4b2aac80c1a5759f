package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/citecheck/citecheck"
)

// The discussion under a claim (migration 0016).
const (
	selectLiveClaimDocument = `SELECT document_id FROM claims WHERE id = ? AND deleted_at IS NULL`
	insertComment           = `INSERT INTO claim_comments (claim_id, document_id, user_id, body, created_at)
VALUES (?, ?, ?, ?, ?)`
	commentColumns = `m.id, m.claim_id, m.document_id, m.body, u.name, m.created_at`
	selectComments = `SELECT ` + commentColumns + `
FROM claim_comments m JOIN users u ON u.id = m.user_id
WHERE m.claim_id = ? ORDER BY m.id`
	countComments = `SELECT claim_id, COUNT(*) FROM claim_comments
WHERE claim_id IN (SELECT value FROM json_each(?)) GROUP BY claim_id`
	// selectNewComments is what a user (?1) has not seen of the discussions they take part in:
	// comments by others after the last one they saw, on live claims of live documents that they
	// created, last changed, reviewed or commented on themselves.
	selectNewComments = `SELECT ` + commentColumns + `, d.title
FROM claim_comments m
JOIN users u ON u.id = m.user_id
JOIN claims c ON c.id = m.claim_id AND c.deleted_at IS NULL
JOIN documents d ON d.id = m.document_id AND d.deleted_at IS NULL
WHERE m.user_id != ?1
	AND m.id > COALESCE((SELECT seen FROM comment_reads WHERE user_id = ?1), 0)
	AND (c.created_by = ?1 OR c.updated_by = ?1 OR c.reviewed_by = ?1
		OR EXISTS (SELECT 1 FROM claim_comments o WHERE o.user_id = ?1 AND o.claim_id = m.claim_id))
ORDER BY m.id DESC
LIMIT ?2`
	upsertCommentsSeen = `INSERT INTO comment_reads (user_id, seen) VALUES (?, ?)
ON CONFLICT (user_id) DO UPDATE SET seen = CASE WHEN excluded.seen > comment_reads.seen THEN excluded.seen ELSE comment_reads.seen END`
)

// AddComment adds the comment body (already citecheck.NormalizeComment'd) by the user by to
// the discussion of a claim that is not in the trash, and records it as a "commented" event of
// the claim's history in the same transaction, so that it is announced live.
func (s *Store) AddComment(ctx context.Context, claimID, by int64, body string) (*citecheck.Comment, error) {
	var out *citecheck.Comment
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var docID int64
		err := tx.QueryRowContext(ctx, selectLiveClaimDocument, claimID).Scan(&docID)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("claim %d not found", claimID)
		}
		if err != nil {
			return fmt.Errorf("store: comment on claim %d: %w", claimID, err)
		}
		now := formatTime(s.now())
		res, err := insertRow(ctx, tx, insertComment, claimID, docID, by, body, now)
		if err != nil {
			return fmt.Errorf("store: comment on claim %d: %w", claimID, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("store: comment on claim %d: %w", claimID, err)
		}
		change := map[string]citecheck.FieldChange{"comment": {From: nil, To: body}}
		if err := recordEvent(ctx, tx, claimID, docID, now, by, citecheck.ActionCommented, change); err != nil {
			return err
		}
		comments, err := scanComments(tx.QueryContext(ctx, `SELECT `+commentColumns+`
FROM claim_comments m JOIN users u ON u.id = m.user_id WHERE m.id = ?`, id))
		if err != nil || len(comments) != 1 {
			return fmt.Errorf("store: comment on claim %d: read back: %w", claimID, err)
		}
		out = &comments[0].Comment
		return nil
	})
	return out, err
}

// Comments lists the discussion of a claim, oldest first (empty for a claim without any).
func (s *Store) Comments(ctx context.Context, claimID int64) ([]citecheck.Comment, error) {
	notices, err := scanComments(s.reader.QueryContext(ctx, selectComments, claimID))
	if err != nil {
		return nil, fmt.Errorf("store: comments of claim %d: %w", claimID, err)
	}
	out := make([]citecheck.Comment, len(notices))
	for i := range notices {
		out[i] = notices[i].Comment
	}
	return out, nil
}

// CommentCounts answers how many comments each of the claims ids has, by claim id (claims
// without comments are absent), in one query for a page of the panel.
func (s *Store) CommentCounts(ctx context.Context, ids []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(ids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("store: count comments: %w", err)
	}
	rows, err := s.reader.QueryContext(ctx, countComments, string(list))
	if err != nil {
		return nil, fmt.Errorf("store: count comments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("store: count comments: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// NewCommentsFor lists up to limit comments that the user has not yet seen on the claims they
// take part in (they created, last changed or reviewed the claim, or commented on it), newest
// first, each with its document's title. The user's own comments are never new to them.
func (s *Store) NewCommentsFor(ctx context.Context, userID int64, limit int) ([]citecheck.CommentNotice, error) {
	out, err := scanComments(s.reader.QueryContext(ctx, selectNewComments, userID, limit))
	if err != nil {
		return nil, fmt.Errorf("store: new comments for user %d: %w", userID, err)
	}
	return out, nil
}

// MarkCommentsSeen records that the user has seen every comment up to the id upTo; it never
// moves the mark back.
func (s *Store) MarkCommentsSeen(ctx context.Context, userID, upTo int64) error {
	if _, err := s.exec(ctx, upsertCommentsSeen, userID, upTo); err != nil {
		return fmt.Errorf("store: mark comments seen for user %d: %w", userID, err)
	}
	return nil
}

// scanComments reads comment rows (commentColumns, then a document title if the query has one).
func scanComments(rows *sql.Rows, err error) ([]citecheck.CommentNotice, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := []citecheck.CommentNotice{}
	for rows.Next() {
		var n citecheck.CommentNotice
		var at string
		dest := []any{&n.ID, &n.ClaimID, &n.DocumentID, &n.Body, &n.By, &at}
		if len(cols) > len(dest) {
			dest = append(dest, &n.DocumentTitle)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if n.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
