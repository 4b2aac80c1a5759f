package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/citecheck/citecheck"
)

// Deleting puts a document or a claim into the trash (migration 0012): deleted_at and
// deleted_by are set and every read treats the row as gone; restoring clears them; PurgeTrash
// removes what has waited longer than the retention.
const (
	trashClaim = `UPDATE claims SET deleted_at = ?, deleted_by = ?, with_document = 0
WHERE id = ? AND deleted_at IS NULL`
	trashDocumentClaims = `UPDATE claims SET deleted_at = ?, deleted_by = ?, with_document = 1
WHERE document_id = ? AND deleted_at IS NULL`
	trashDocument = `UPDATE documents SET deleted_at = ?, deleted_by = ? WHERE id = ? AND deleted_at IS NULL`
	// untrashClaim takes the version step as its first argument: 0 after writeClaim has taken it.
	untrashClaim = `UPDATE claims SET deleted_at = NULL, deleted_by = NULL, with_document = 0, version = version + ?
WHERE id = ?`
	untrashDocument       = `UPDATE documents SET deleted_at = NULL, deleted_by = NULL WHERE id = ?`
	untrashDocumentClaims = `UPDATE claims SET deleted_at = NULL, deleted_by = NULL, with_document = 0, version = version + 1
WHERE document_id = ? AND with_document = 1`
	selectClaimsTrashedWith = `SELECT id FROM claims WHERE document_id = ? AND with_document = 1 ORDER BY id`
	// trashedDocumentIDs is the set of documents in the trash, answered from the small partial
	// index documents_trashed, never from the rows with their texts.
	trashedDocumentIDs = `(SELECT id FROM documents WHERE deleted_at IS NOT NULL)`
	selectTrashedClaim = `SELECT ` + claimColumns + `, c.deleted_at, c.deleted_by, du.name, c.with_document,
	c.document_id IN ` + trashedDocumentIDs + `, d.title` + claimFrom + `
JOIN users du ON du.id = c.deleted_by
JOIN documents d ON d.id = c.document_id
WHERE c.id = ? AND c.deleted_at IS NOT NULL`
	trashedDocumentColumns = `SELECT d.id, d.title, d.deleted_at, d.deleted_by, u.name,
	(SELECT COUNT(*) FROM claims c WHERE c.document_id = d.id AND c.with_document = 1)
FROM documents d JOIN users u ON u.id = d.deleted_by`
	selectTrashedDocument  = trashedDocumentColumns + ` WHERE d.id = ? AND d.deleted_at IS NOT NULL`
	selectTrashedDocuments = trashedDocumentColumns + ` WHERE d.deleted_at IS NOT NULL
ORDER BY d.deleted_at DESC, d.id DESC LIMIT ?`
	selectTrashedClaims = `SELECT c.id, c.document_id, d.title, c.quote, c.status, c.deleted_at, c.deleted_by, u.name,
	c.document_id IN ` + trashedDocumentIDs + `
FROM claims c JOIN documents d ON d.id = c.document_id JOIN users u ON u.id = c.deleted_by
WHERE c.deleted_at IS NOT NULL AND c.with_document = 0
ORDER BY c.deleted_at DESC, c.id DESC LIMIT ?`
	purgeDocuments       = `DELETE FROM documents WHERE deleted_at IS NOT NULL AND deleted_at <= ?`
	purgeClaims          = `DELETE FROM claims WHERE deleted_at IS NOT NULL AND deleted_at <= ?`
	insertDocumentEvent  = `INSERT INTO document_events (document_id, at, user_id, action) VALUES (?, ?, ?, ?)`
	selectDocumentEvents = `SELECT e.at, u.name, e.action FROM document_events e JOIN users u ON u.id = e.user_id
WHERE e.document_id = ? ORDER BY e.id`
)

// TrashListLimit bounds each list of the trash (documents, claims): the newest deletions.
const TrashListLimit = 500

// DeleteClaim moves one claim to the trash, by the user by. The same transaction appends a
// "deleted" event with the claim's last state, so its history says who deleted it and what it
// was. A claim already in the trash is not found.
func (s *Store) DeleteClaim(ctx context.Context, id, by int64) error {
	return s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		c, err := claimByID(ctx, tx, id)
		if err != nil {
			return err
		}
		at := formatTime(s.now())
		if err := recordDeletion(ctx, tx, c, at, by, false); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, trashClaim, at, by, id); err != nil {
			return fmt.Errorf("store: delete claim %d: %w", id, err)
		}
		return nil
	})
}

// DeleteDocument moves a document to the trash, by the user by, and its live claims with it.
// The same transaction appends a "deleted" event for each of those claims (with "with_document")
// and one to the document's own history.
func (s *Store) DeleteDocument(ctx context.Context, id, by int64) error {
	return s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, selectDocumentExists, id).Scan(&n); err != nil {
			return fmt.Errorf("store: delete document %d: %w", id, err)
		}
		if n == 0 {
			return notFound("document %d not found", id)
		}
		claims, err := claimsOf(ctx, tx, id)
		if err != nil {
			return fmt.Errorf("store: delete document %d: %w", id, err)
		}
		at := formatTime(s.now())
		for i := range claims {
			if err := recordDeletion(ctx, tx, &claims[i], at, by, true); err != nil {
				return err
			}
		}
		for _, q := range []string{trashDocumentClaims, trashDocument} {
			if _, err := tx.ExecContext(ctx, q, at, by, id); err != nil {
				return fmt.Errorf("store: delete document %d: %w", id, err)
			}
		}
		return recordDocumentEvent(ctx, tx, id, at, by, citecheck.ActionDeleted)
	})
}

// recordDeletion appends the "deleted" event of a claim going to the trash: its last state,
// and whether it went with its document.
func recordDeletion(ctx context.Context, tx *sql.Tx, c *citecheck.Claim, at string, by int64, withDocument bool) error {
	changes := citecheck.DiffClaims(c, nil)
	if withDocument {
		changes["with_document"] = citecheck.FieldChange{From: nil, To: true}
	}
	return recordEvent(ctx, tx, c.ID, c.DocumentID, at, by, citecheck.ActionDeleted, changes)
}

// recordDocumentEvent appends one entry to a document's own history.
func recordDocumentEvent(ctx context.Context, tx *sql.Tx, id int64, at string, by int64, action string) error {
	if _, err := tx.ExecContext(ctx, insertDocumentEvent, id, at, by, action); err != nil {
		return fmt.Errorf("store: history of document %d: %w", id, err)
	}
	return nil
}

// TrashedClaim returns a claim in the trash as it was deleted, with what the trash knows of it;
// a claim that is not in the trash is not found.
func (s *Store) TrashedClaim(ctx context.Context, id int64) (*citecheck.Claim, citecheck.Trashed, error) {
	return trashedClaim(ctx, s.reader, id)
}

func trashedClaim(ctx context.Context, q queryer, id int64) (*citecheck.Claim, citecheck.Trashed, error) {
	t := citecheck.Trashed{Kind: citecheck.TrashClaim}
	var at string
	c, err := scanClaim(q.QueryRowContext(ctx, selectTrashedClaim, id),
		&at, &t.DeletedByID, &t.DeletedBy, &t.WithDocument, &t.DocumentTrashed, &t.Title)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, t, notFound("claim %d is not in the trash", id)
	}
	if err != nil {
		return nil, t, fmt.Errorf("store: trashed claim %d: %w", id, err)
	}
	if t.DeletedAt, err = parseTime(at); err != nil {
		return nil, t, err
	}
	t.ID, t.DocumentID, t.Quote, t.Status = c.ID, c.DocumentID, c.Quote, c.Status
	return c, t, nil
}

// UndeleteClaim takes a claim out of the trash, by the user by, in one write transaction:
// authorize sees the claim's trash entry as it is then (handlers pass citecheck.CheckRestore)
// and its error aborts. The claim must still be at version and its document at revision rev,
// else a conflict. placed, when not nil, is the claim re-anchored into revision rev (the
// document was revised while it lay in the trash), written as a revision writes it. The claim's
// version goes up, and a "restored" event records it with any re-anchoring. A document already
// at the bound on claims refuses it as it refuses a new claim.
func (s *Store) UndeleteClaim(ctx context.Context, id int64, version, rev int, placed *citecheck.Claim, by int64,
	authorize func(citecheck.Trashed) error) (*citecheck.Claim, error) {
	var out *citecheck.Claim
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		c, t, err := trashedClaim(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := authorize(t); err != nil {
			return err
		}
		if c.Version != version {
			return citecheck.Errorf(citecheck.ECodeConflict, "claim %d is at version %d, not %d", id, c.Version, version)
		}
		if _, err := documentRevision(ctx, tx, c.DocumentID, rev); err != nil {
			return err
		}
		if err := claimRoom(ctx, tx, c.DocumentID, 1); err != nil {
			return err
		}
		changes := map[string]citecheck.FieldChange{"deleted_at": {From: formatTime(t.DeletedAt), To: nil}}
		step := 1
		if placed != nil {
			step = 0
			if err := writeClaim(ctx, tx, id, version, c.UpdatedByID, formatTime(c.UpdatedAt), placed); err != nil {
				return err
			}
			for k, v := range citecheck.DiffClaims(c, placed) {
				changes[k] = v
			}
			addAnchorChanges(changes, c, placed)
		}
		if _, err := tx.ExecContext(ctx, untrashClaim, step, id); err != nil {
			return fmt.Errorf("store: restore claim %d: %w", id, err)
		}
		if out, err = claimByID(ctx, tx, id); err != nil {
			return err
		}
		return recordEvent(ctx, tx, id, c.DocumentID, formatTime(s.now()), by, citecheck.ActionRestored, changes)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// TrashedDocument returns what the trash knows of a document in it; a document that is not in
// the trash is not found.
func (s *Store) TrashedDocument(ctx context.Context, id int64) (citecheck.Trashed, error) {
	return trashedDocument(ctx, s.reader, id)
}

func trashedDocument(ctx context.Context, q queryer, id int64) (citecheck.Trashed, error) {
	t, err := scanTrashedDocument(q.QueryRowContext(ctx, selectTrashedDocument, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, notFound("document %d is not in the trash", id)
	}
	if err != nil {
		return t, fmt.Errorf("store: trashed document %d: %w", id, err)
	}
	return t, nil
}

func scanTrashedDocument(row rowScanner) (citecheck.Trashed, error) {
	t := citecheck.Trashed{Kind: citecheck.TrashDocument}
	var at string
	if err := row.Scan(&t.ID, &t.Title, &at, &t.DeletedByID, &t.DeletedBy, &t.Claims); err != nil {
		return t, err
	}
	t.DocumentID = t.ID
	var err error
	t.DeletedAt, err = parseTime(at)
	return t, err
}

// UndeleteDocument takes a document out of the trash, by the user by, with exactly the claims
// that went with it (a claim trashed on its own before stays in the trash), in one write
// transaction: authorize sees the trash entry as it is then and its error aborts. Each claim
// gets a "restored" event, the document one in its own history.
func (s *Store) UndeleteDocument(ctx context.Context, id, by int64, authorize func(citecheck.Trashed) error) error {
	return s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		t, err := trashedDocument(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := authorize(t); err != nil {
			return err
		}
		ids, err := int64s(ctx, tx, selectClaimsTrashedWith, id)
		if err != nil {
			return fmt.Errorf("store: restore document %d: %w", id, err)
		}
		at := formatTime(s.now())
		changes := map[string]citecheck.FieldChange{
			"deleted_at":    {From: formatTime(t.DeletedAt), To: nil},
			"with_document": {From: true, To: nil},
		}
		for _, cid := range ids {
			if err := recordEvent(ctx, tx, cid, id, at, by, citecheck.ActionRestored, changes); err != nil {
				return err
			}
		}
		for _, q := range []string{untrashDocumentClaims, untrashDocument} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return fmt.Errorf("store: restore document %d: %w", id, err)
			}
		}
		if err := indexTexts(ctx, tx, selectDocumentTexts, id); err != nil {
			return err
		}
		return recordDocumentEvent(ctx, tx, id, at, by, citecheck.ActionRestored)
	})
}

// int64s runs a query of one integer column through q.
func int64s(ctx context.Context, q queryer, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Trash lists what the trash holds, newest deletion first, at most TrashListLimit of each kind,
// with each item's purge time after retention. Claims that went with their document are not
// listed on their own: the document's entry counts them.
func (s *Store) Trash(ctx context.Context, retention time.Duration) (citecheck.Trash, error) {
	out := citecheck.Trash{Documents: []citecheck.Trashed{}, Claims: []citecheck.Trashed{}}
	rows, err := s.reader.QueryContext(ctx, selectTrashedDocuments, TrashListLimit)
	if err != nil {
		return out, fmt.Errorf("store: trash: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTrashedDocument(rows)
		if err != nil {
			return out, fmt.Errorf("store: trash: %w", err)
		}
		t.PurgeAt = t.DeletedAt.Add(retention)
		out.Documents = append(out.Documents, t)
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("store: trash: %w", err)
	}
	crows, err := s.reader.QueryContext(ctx, selectTrashedClaims, TrashListLimit)
	if err != nil {
		return out, fmt.Errorf("store: trash: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		t := citecheck.Trashed{Kind: citecheck.TrashClaim}
		var at, status string
		if err := crows.Scan(&t.ID, &t.DocumentID, &t.Title, &t.Quote, &status, &at, &t.DeletedByID,
			&t.DeletedBy, &t.DocumentTrashed); err != nil {
			return out, fmt.Errorf("store: trash: %w", err)
		}
		t.Status = citecheck.Status(status)
		if t.DeletedAt, err = parseTime(at); err != nil {
			return out, fmt.Errorf("store: trash: %w", err)
		}
		t.PurgeAt = t.DeletedAt.Add(retention)
		out.Claims = append(out.Claims, t)
	}
	return out, crows.Err()
}

// PurgeTrash removes for good every document and claim that has waited in the trash longer than
// retention by the store's clock, a document with everything it holds. Their history stays. It
// returns how many documents and claims (beside those that went with a document) it removed.
func (s *Store) PurgeTrash(ctx context.Context, retention time.Duration) (docs, claims int, err error) {
	err = s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		at := formatTime(s.now().Add(-retention))
		res, err := tx.ExecContext(ctx, purgeDocuments, at)
		if err != nil {
			return fmt.Errorf("store: purge the trash: %w", err)
		}
		n, _ := res.RowsAffected()
		docs = int(n)
		if res, err = tx.ExecContext(ctx, purgeClaims, at); err != nil {
			return fmt.Errorf("store: purge the trash: %w", err)
		}
		n, _ = res.RowsAffected()
		claims = int(n)
		return nil
	})
	return docs, claims, err
}

// DocumentHistory returns a document's own history (deleted, restored, references-changed),
// oldest first; empty for a document that never went to the trash nor had its list changed.
func (s *Store) DocumentHistory(ctx context.Context, id int64) ([]citecheck.DocumentEvent, error) {
	rows, err := s.reader.QueryContext(ctx, selectDocumentEvents, id)
	if err != nil {
		return nil, fmt.Errorf("store: history of document %d: %w", id, err)
	}
	defer rows.Close()
	out := []citecheck.DocumentEvent{}
	for rows.Next() {
		var e citecheck.DocumentEvent
		var at string
		if err := rows.Scan(&at, &e.By, &e.Action); err != nil {
			return nil, fmt.Errorf("store: history of document %d: %w", id, err)
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
