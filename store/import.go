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

// insertImportedClaim writes every column of a claim, as an import brings them.
const insertImportedClaim = `INSERT INTO claims (document_id, start, "end", quote, prefix, suffix, refs,
	status, note, review, review_comment, reviewed_by, reviewed_at,
	created_by, created_at, updated_by, updated_at, version, revision)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, (SELECT revision FROM documents WHERE id = ?))`

// ImportDocument stores an imported document with its claims in one transaction, so that a
// failure leaves nothing behind. The document is stored as CreateDocument stores it, created by
// the importer by. Each claim keeps its span, quote, context, refs, status, note, review and
// review comment; its creator, last editor and reviewer are the users of those names when they
// exist here, else the importer for the creator and last editor and nobody for the reviewer. Its
// times are kept when the file has them, else set to now; its version is 1. Each claim gets a
// "created" history event by the importer, in the same transaction. The claims are inserted in
// the order given.
func (s *Store) ImportDocument(ctx context.Context, d *citecheck.Document, claims []citecheck.Claim, by int64) (*citecheck.Document, error) {
	in := *d
	in.CreatedByID = by
	var out *citecheck.Document
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if out, err = s.insertDocument(ctx, tx, &in); err != nil {
			return err
		}
		_, err = s.insertClaims(ctx, tx, out.ID, claims, by)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateClaims stores new claims of a document in one transaction, each created by by at the
// store's time and pending review, with a "created" history event each: how annotations
// imported from another tool arrive. It returns the claims as stored, in the order given.
func (s *Store) CreateClaims(ctx context.Context, documentID int64, claims []citecheck.Claim, by int64) ([]citecheck.Claim, error) {
	fresh := make([]citecheck.Claim, len(claims))
	for i, c := range claims {
		c.Review, c.ReviewComment, c.ReviewedBy, c.ReviewedAt = citecheck.ReviewPending, "", nil, nil
		c.CreatedBy, c.UpdatedBy = "", ""
		c.CreatedAt, c.UpdatedAt = time.Time{}, time.Time{}
		fresh[i] = c
	}
	var out []citecheck.Claim
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, selectDocumentExists, documentID).Scan(&n); err != nil {
			return fmt.Errorf("store: create claims: %w", err)
		}
		if n == 0 {
			return notFound("document %d not found", documentID)
		}
		var err error
		out, err = s.insertClaims(ctx, tx, documentID, fresh, by)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// insertDocument writes a document in tx and returns it with its id, creator name and time.
func (s *Store) insertDocument(ctx context.Context, tx *sql.Tx, d *citecheck.Document) (*citecheck.Document, error) {
	out := *d
	if out.Citations == nil {
		out.Citations = []citecheck.Citation{}
	}
	cj, err := json.Marshal(out.Citations)
	if err != nil {
		return nil, fmt.Errorf("store: import document: citations: %w", err)
	}
	refs, err := marshalReferences(d.References)
	if err != nil {
		return nil, err
	}
	out.CreatedAt = s.now()
	if err := tx.QueryRowContext(ctx, selectUserName, d.CreatedByID).Scan(&out.CreatedBy); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, notFound("user %d not found", d.CreatedByID)
		}
		return nil, fmt.Errorf("store: import document: %w", err)
	}
	res, err := tx.ExecContext(ctx, insertDocument, d.Title, d.Text, d.TextSHA256, d.Length,
		string(cj), refs, d.CreatedByID, formatTime(out.CreatedAt))
	if err != nil {
		return nil, fmt.Errorf("store: import document: %w", err)
	}
	if out.ID, err = res.LastInsertId(); err != nil {
		return nil, fmt.Errorf("store: import document: %w", err)
	}
	out.Revision = 1
	if err := insertRevision(ctx, tx, &out, string(cj), refs, citecheck.AnchorCounts{}); err != nil {
		return nil, err
	}
	return &out, nil
}

// insertClaims writes claims of a document in tx, each with its "created" event by by.
func (s *Store) insertClaims(ctx context.Context, tx *sql.Tx, documentID int64, claims []citecheck.Claim, by int64) ([]citecheck.Claim, error) {
	now := s.now()
	users := userResolver{tx: tx, ids: map[string]sql.NullInt64{}}
	out := make([]citecheck.Claim, 0, len(claims))
	for i := range claims {
		c := &claims[i]
		row, err := importedRow(ctx, &users, c, by, now)
		if err != nil {
			return nil, err
		}
		res, err := tx.ExecContext(ctx, insertImportedClaim, append(append([]any{documentID}, row...), documentID)...)
		if err != nil {
			return nil, fmt.Errorf("store: import claim %d: %w", i+1, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return nil, fmt.Errorf("store: import claim %d: %w", i+1, err)
		}
		stored, err := claimByID(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if err := recordEvent(ctx, tx, id, documentID, formatTime(now), by,
			citecheck.ActionCreated, citecheck.DiffClaims(nil, stored)); err != nil {
			return nil, err
		}
		out = append(out, *stored)
	}
	return out, nil
}

// importedRow is the columns of insertImportedClaim after document_id for one claim.
func importedRow(ctx context.Context, users *userResolver, c *citecheck.Claim, by int64, now time.Time) ([]any, error) {
	refs, err := marshalRefs(c.Refs)
	if err != nil {
		return nil, err
	}
	status, review := c.Status, c.Review
	if status == "" {
		status = citecheck.StatusUnverified
	}
	if review == "" {
		review = citecheck.ReviewPending
	}
	createdBy, err := users.idOr(ctx, c.CreatedBy, by)
	if err != nil {
		return nil, err
	}
	updatedBy, err := users.idOr(ctx, c.UpdatedBy, by)
	if err != nil {
		return nil, err
	}
	var reviewedBy, reviewedAt any
	if c.ReviewedBy != nil {
		id, err := users.id(ctx, *c.ReviewedBy)
		if err != nil {
			return nil, err
		}
		if id.Valid {
			reviewedBy = id.Int64
		}
	}
	if c.ReviewedAt != nil && !c.ReviewedAt.IsZero() {
		reviewedAt = formatTime(*c.ReviewedAt)
	}
	createdAt := now
	if !c.CreatedAt.IsZero() {
		createdAt = c.CreatedAt
	}
	updatedAt := createdAt
	if !c.UpdatedAt.IsZero() {
		updatedAt = c.UpdatedAt
	}
	return []any{c.Start, c.End, c.Quote, c.Prefix, c.Suffix, refs, string(status), c.Note,
		string(review), c.ReviewComment, reviewedBy, reviewedAt,
		createdBy, formatTime(createdAt), updatedBy, formatTime(updatedAt)}, nil
}

// userResolver looks user names up once per transaction.
type userResolver struct {
	tx  *sql.Tx
	ids map[string]sql.NullInt64
}

// id returns the id of the user named name, or an invalid NullInt64 when there is none.
func (u *userResolver) id(ctx context.Context, name string) (sql.NullInt64, error) {
	if id, ok := u.ids[name]; ok {
		return id, nil
	}
	var id sql.NullInt64
	if name != "" {
		err := u.tx.QueryRowContext(ctx, selectUserIDByName, name).Scan(&id)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return id, fmt.Errorf("store: user %q: %w", name, err)
		}
	}
	u.ids[name] = id
	return id, nil
}

// idOr returns the id of the user named name, or def when there is none.
func (u *userResolver) idOr(ctx context.Context, name string, def int64) (int64, error) {
	id, err := u.id(ctx, name)
	if err != nil || !id.Valid {
		return def, err
	}
	return id.Int64, nil
}
