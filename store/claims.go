package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/citecheck/citecheck"
)

const (
	claimColumns = `c.id, c.document_id, c.start, c."end", c.quote, c.prefix, c.suffix, c.refs,
	c.status, c.note, c.review, c.review_comment, rv.name, c.reviewed_at,
	c.created_by, cu.name, c.created_at, c.updated_by, uu.name, c.updated_at, c.version`
	claimFrom = `
FROM claims c
JOIN users cu ON cu.id = c.created_by
JOIN users uu ON uu.id = c.updated_by
LEFT JOIN users rv ON rv.id = c.reviewed_by`
	selectClaim = `SELECT ` + claimColumns + claimFrom + `
WHERE c.id = ?`
	// selectClaims takes the document id, then each filter twice: an empty status or review and
	// a ref of 0 match everything.
	selectClaims = `SELECT ` + claimColumns + claimFrom + `
WHERE c.document_id = ?
	AND (? = '' OR c.status = ?)
	AND (? = '' OR c.review = ?)
	AND (? = 0 OR EXISTS (SELECT 1 FROM json_each(c.refs) WHERE json_each.value = ?))
ORDER BY c.start, c."end", c.id`
	selectDocumentExists = `SELECT COUNT(*) FROM documents WHERE id = ?`
	insertClaim          = `INSERT INTO claims (document_id, start, "end", quote, prefix, suffix, refs,
	status, note, review, review_comment, reviewed_by, reviewed_at,
	created_by, created_at, updated_by, updated_at, version)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', NULL, NULL, ?, ?, ?, ?, 1)`
	updateClaim = `UPDATE claims SET start = ?, "end" = ?, quote = ?, prefix = ?, suffix = ?, refs = ?,
	status = ?, note = ?, review = ?, review_comment = ?, reviewed_by = ?, reviewed_at = ?,
	updated_by = ?, updated_at = ?, version = ?
WHERE id = ? AND version = ?`
	selectUserIDByName  = `SELECT id FROM users WHERE name = ?`
	deleteClaim         = `DELETE FROM claims WHERE id = ?`
	selectClaimDocument = `SELECT document_id FROM claims WHERE id = ?`
)

// CreateClaim stores a claim that the caller has checked against its document (DocumentID,
// Start, End, Quote, Prefix, Suffix, Refs, Status, Note, CreatedByID). The store sets the ID,
// review pending, version 1, the times and the names. An unknown document is not found.
func (s *Store) CreateClaim(ctx context.Context, c *citecheck.Claim) (*citecheck.Claim, error) {
	refs, err := marshalRefs(c.Refs)
	if err != nil {
		return nil, err
	}
	status := c.Status
	if status == "" {
		status = citecheck.StatusUnverified
	}
	now := formatTime(s.now())
	var out *citecheck.Claim
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, selectDocumentExists, c.DocumentID).Scan(&n); err != nil {
			return fmt.Errorf("store: create claim: %w", err)
		}
		if n == 0 {
			return notFound("document %d not found", c.DocumentID)
		}
		res, err := tx.ExecContext(ctx, insertClaim, c.DocumentID, c.Start, c.End, c.Quote, c.Prefix,
			c.Suffix, refs, string(status), c.Note, string(citecheck.ReviewPending),
			c.CreatedByID, now, c.CreatedByID, now)
		if err != nil {
			return fmt.Errorf("store: create claim: %w", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("store: create claim: %w", err)
		}
		out, err = claimByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Claim returns one claim.
func (s *Store) Claim(ctx context.Context, id int64) (*citecheck.Claim, error) {
	return claimByID(ctx, s.reader, id)
}

// Claims lists the claims of a document in text order (start, end, id), narrowed by f: its
// status, its review, and a ref that the claim's refs must contain.
func (s *Store) Claims(ctx context.Context, documentID int64, f citecheck.ClaimFilter) ([]citecheck.Claim, error) {
	rows, err := s.reader.QueryContext(ctx, selectClaims, documentID,
		string(f.Status), string(f.Status), string(f.Review), string(f.Review), f.Ref, f.Ref)
	if err != nil {
		return nil, fmt.Errorf("store: claims of document %d: %w", documentID, err)
	}
	defer rows.Close()
	claims := []citecheck.Claim{}
	for rows.Next() {
		c, err := scanClaim(rows)
		if err != nil {
			return nil, fmt.Errorf("store: claims of document %d: %w", documentID, err)
		}
		claims = append(claims, *c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: claims of document %d: %w", documentID, err)
	}
	return claims, nil
}

// UpdateClaim changes a claim in one write transaction. The claim must be at version, else the
// answer is a conflict and nothing changes. mutate then edits the loaded claim; its error aborts
// the transaction and is returned as is. Every mutable column is written back (span, quote,
// context, refs, status, note, review, review comment, reviewer and review time), with by as the
// last editor and the version one higher. ReviewedBy is a user name, resolved to its id here.
// The claim is returned as stored.
func (s *Store) UpdateClaim(ctx context.Context, id int64, version int, by int64, mutate func(c *citecheck.Claim) error) (*citecheck.Claim, error) {
	var out *citecheck.Claim
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		c, err := claimByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.Version != version {
			return citecheck.Errorf(citecheck.ECodeConflict, "claim %d is at version %d, not %d", id, c.Version, version)
		}
		if err := mutate(c); err != nil {
			return err
		}
		if err := writeClaim(ctx, tx, id, version, by, formatTime(s.now()), c); err != nil {
			return err
		}
		out, err = claimByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// writeClaim writes the mutable columns of c over the claim id at version. It is the seam where
// the claim_events history row will be written in the same transaction.
func writeClaim(ctx context.Context, tx *sql.Tx, id int64, version int, by int64, now string, c *citecheck.Claim) error {
	refs, err := marshalRefs(c.Refs)
	if err != nil {
		return err
	}
	var reviewedBy, reviewedAt any
	if c.ReviewedBy != nil {
		var uid int64
		err := tx.QueryRowContext(ctx, selectUserIDByName, *c.ReviewedBy).Scan(&uid)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("user %q not found", *c.ReviewedBy)
		}
		if err != nil {
			return fmt.Errorf("store: update claim %d: reviewer: %w", id, err)
		}
		reviewedBy = uid
	}
	if c.ReviewedAt != nil {
		reviewedAt = formatTime(*c.ReviewedAt)
	}
	res, err := tx.ExecContext(ctx, updateClaim, c.Start, c.End, c.Quote, c.Prefix, c.Suffix, refs,
		string(c.Status), c.Note, string(c.Review), c.ReviewComment, reviewedBy, reviewedAt,
		by, now, version+1, id, version)
	if err != nil {
		return fmt.Errorf("store: update claim %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: update claim %d: %w", id, err)
	}
	if n != 1 {
		// The write lock is held since the claim was read, so this means a bug, not a race.
		return fmt.Errorf("store: update claim %d: %d rows changed, want 1", id, n)
	}
	return nil
}

// DeleteClaim removes one claim.
func (s *Store) DeleteClaim(ctx context.Context, id int64) error {
	res, err := s.writer.ExecContext(ctx, deleteClaim, id)
	if err != nil {
		return fmt.Errorf("store: delete claim %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: delete claim %d: %w", id, err)
	}
	if n == 0 {
		return notFound("claim %d not found", id)
	}
	return nil
}

// ClaimDocumentID returns the document a claim belongs to, for handlers that need the text
// before they load or change the claim.
func (s *Store) ClaimDocumentID(ctx context.Context, claimID int64) (int64, error) {
	var id int64
	err := s.reader.QueryRowContext(ctx, selectClaimDocument, claimID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("claim %d not found", claimID)
	}
	if err != nil {
		return 0, fmt.Errorf("store: claim %d: %w", claimID, err)
	}
	return id, nil
}

// claimByID loads one claim through q, the reader pool or a write transaction.
func claimByID(ctx context.Context, q queryer, id int64) (*citecheck.Claim, error) {
	c, err := scanClaim(q.QueryRowContext(ctx, selectClaim, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("claim %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: claim %d: %w", id, err)
	}
	return c, nil
}

// scanClaim reads claimColumns.
func scanClaim(row rowScanner) (*citecheck.Claim, error) {
	var (
		c                      citecheck.Claim
		refs, status, review   string
		reviewedBy, reviewedAt sql.NullString
		createdAt, updatedAt   string
	)
	err := row.Scan(&c.ID, &c.DocumentID, &c.Start, &c.End, &c.Quote, &c.Prefix, &c.Suffix, &refs,
		&status, &c.Note, &review, &c.ReviewComment, &reviewedBy, &reviewedAt,
		&c.CreatedByID, &c.CreatedBy, &createdAt, &c.UpdatedByID, &c.UpdatedBy, &updatedAt, &c.Version)
	if err != nil {
		return nil, err
	}
	c.Status = citecheck.Status(status)
	c.Review = citecheck.Review(review)
	if err := json.Unmarshal([]byte(refs), &c.Refs); err != nil {
		return nil, fmt.Errorf("refs of claim %d: %w", c.ID, err)
	}
	if c.Refs == nil {
		c.Refs = []int{}
	}
	if reviewedBy.Valid {
		c.ReviewedBy = &reviewedBy.String
	}
	if reviewedAt.Valid {
		t, err := parseTime(reviewedAt.String)
		if err != nil {
			return nil, err
		}
		c.ReviewedAt = &t
	}
	for _, f := range []struct {
		dst *time.Time
		src string
	}{{&c.CreatedAt, createdAt}, {&c.UpdatedAt, updatedAt}} {
		t, err := parseTime(f.src)
		if err != nil {
			return nil, err
		}
		*f.dst = t
	}
	return &c, nil
}

// marshalRefs turns refs into the stored JSON array; no refs is [], never null.
func marshalRefs(refs []int) (string, error) {
	if refs == nil {
		refs = []int{}
	}
	b, err := json.Marshal(refs)
	if err != nil {
		return "", fmt.Errorf("store: refs: %w", err)
	}
	return string(b), nil
}
