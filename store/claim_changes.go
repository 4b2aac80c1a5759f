package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/citecheck/citecheck"
)

// A copy of a document's claims kept in memory (the server's shared view) is brought up to
// date from the claims written since it was read, found through their history: every write of
// a claim or its evidence appends to claim_events in the same transaction, and the events' ids
// only grow in the order the writes commit (one writer at a time), so the newest id seen by a
// read transaction marks exactly the writes that read holds.
const (
	selectClaimMark       = `SELECT COALESCE(MAX(id), 0) FROM claim_events WHERE document_id = ?`
	selectChangedClaimIDs = `SELECT DISTINCT claim_id FROM claim_events WHERE document_id = ? AND id > ?
ORDER BY claim_id`
	selectChangedClaims = `SELECT ` + claimColumns + claimFrom + `
WHERE c.document_id = ? AND c.deleted_at IS NULL
	AND c.id IN (SELECT claim_id FROM claim_events WHERE document_id = ? AND id > ?)
ORDER BY c.start, c."end", c.id`
)

// ClaimsState is every live claim of a document as one read transaction saw them, in text
// order, with the document's stamp and the mark of the claims' history at that moment.
type ClaimsState struct {
	Stamp  DocumentStamp
	Mark   int64 // the newest entry of the document's claim history: where ClaimChangesSince starts
	Claims []citecheck.Claim
}

// ClaimChanges is what a document's claims went through since a mark, read in one transaction.
type ClaimChanges struct {
	Stamp DocumentStamp
	Mark  int64 // the newest entry of the history now
	Count int   // the document's live claims now
	// IDs is every claim with an entry in the history since the mark (created, changed,
	// reviewed, deleted, restored, evidence added or removed), ascending.
	IDs []int64
	// Claims is those of them that are live now, with their evidence, in text order.
	Claims []citecheck.Claim
}

// ClaimChangesSince reads the claims of a document written since mark (a ClaimsState's or an
// earlier ClaimChanges' Mark), unless more than limit claims changed (then IDs is longer than
// limit and Claims is not read: reading all of them is cheaper). A write that leaves no entry in
// the history (an UPDATE typed into the sqlite3 shell) is not among them: the stamp moves while
// the mark stays, which the caller can tell.
func (s *Store) ClaimChangesSince(ctx context.Context, documentID, mark int64, limit int) (ClaimChanges, error) {
	var ch ClaimChanges
	err := s.readClaimsState(ctx, documentID, &ch.Stamp, &ch.Mark, func(tx *sql.Tx, n int) error {
		ch.Count = n
		if ch.Mark == mark {
			return nil
		}
		var err error
		if ch.IDs, err = changedClaimIDs(ctx, tx, documentID, mark); err != nil || len(ch.IDs) > limit {
			return err
		}
		ch.Claims, err = changedClaims(ctx, tx, documentID, mark, len(ch.IDs))
		return err
	})
	return ch, err
}

// readClaimsState reads a document's stamp, the mark of its claims' history and its count of
// live claims in one read transaction, then calls read inside it with that count.
func (s *Store) readClaimsState(ctx context.Context, documentID int64, stamp *DocumentStamp, mark *int64,
	read func(tx *sql.Tx, n int) error) error {
	tx, err := s.readTx(ctx)
	if err != nil {
		return fmt.Errorf("store: claims of document %d: %w", documentID, err)
	}
	defer tx.Rollback() //nolint:errcheck // a read transaction has nothing to keep
	*stamp, err = documentStamp(ctx, tx, documentID)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("document %d not found", documentID)
	}
	if err != nil {
		return fmt.Errorf("store: stamp of document %d: %w", documentID, err)
	}
	if err := tx.QueryRowContext(ctx, selectClaimMark, documentID).Scan(mark); err != nil {
		return fmt.Errorf("store: claim history of document %d: %w", documentID, err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, selectClaimCount, documentID).Scan(&n); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: claim count of document %d: %w", documentID, err)
	}
	if err := read(tx, n); err != nil {
		return fmt.Errorf("store: claims of document %d: %w", documentID, err)
	}
	return nil
}

// changedClaimIDs lists the claims of a document with an entry in the history after mark.
func changedClaimIDs(ctx context.Context, tx *sql.Tx, documentID, mark int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, selectChangedClaimIDs, documentID, mark)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// changedClaims reads the live claims among those changedClaimIDs lists, with their evidence.
func changedClaims(ctx context.Context, tx *sql.Tx, documentID, mark int64, size int) ([]citecheck.Claim, error) {
	return readClaims(ctx, tx, size, selectChangedClaims, documentID, documentID, mark)
}
