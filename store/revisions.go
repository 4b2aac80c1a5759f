package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/citecheck/citecheck"
)

const (
	insertRevisionRow = `INSERT INTO revisions (document_id, number, text, text_sha256, length, citations,
	reference_list, anchors, created_by, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	revisionColumns = `r.number, r.length, r.text_sha256, r.anchors, r.created_by, u.name, r.created_at`
	selectRevisions = `SELECT ` + revisionColumns + `
FROM revisions r JOIN users u ON u.id = r.created_by
WHERE r.document_id = ? AND r.document_id NOT IN ` + trashedDocumentIDs + `
ORDER BY r.number`
	selectRevision = `SELECT ` + revisionColumns + `, r.text, r.citations, r.reference_list
FROM revisions r JOIN users u ON u.id = r.created_by
WHERE r.document_id = ? AND r.number = ? AND r.document_id NOT IN ` + trashedDocumentIDs
	selectRevisionClaims = `SELECT data FROM revision_claims WHERE document_id = ? AND number = ?`
	insertRevisionClaim  = `INSERT INTO revision_claims (document_id, number, claim_id, data) VALUES (?, ?, ?, ?)`
	// selectClaimVersions lists the claims anchored in a revision: an imported orphan carries
	// the revision it was imported into but has no place in it.
	selectClaimVersions = `SELECT id, version FROM claims WHERE document_id = ? AND revision = ? AND anchor <> 'orphaned'
	AND deleted_at IS NULL`
	updateDocumentText = `UPDATE documents SET text = ?, text_sha256 = ?, length = ?, citations = ?,
	reference_list = ?, revision = ?
WHERE id = ?`
	// reanchorClaim writes a re-anchored claim; the reviewer and review time are cleared when
	// the first argument is true (a fuzzy claim sent back to pending), else kept.
	reanchorClaim = `UPDATE claims SET start = ?, "end" = ?, quote = ?, prefix = ?, suffix = ?,
	review = ?, review_comment = ?,
	reviewed_by = CASE WHEN ? THEN NULL ELSE reviewed_by END,
	reviewed_at = CASE WHEN ? THEN NULL ELSE reviewed_at END,
	revision = ?, anchor = ?, anchor_score = ?, old_quote = ?, version = version + 1
WHERE id = ? AND version = ?`
)

// insertRevision writes revision d.Revision of document d.ID with d's text, created by
// d.CreatedByID at d.CreatedAt; citations and refs are the encoded columns.
func insertRevision(ctx context.Context, tx *sql.Tx, d *citecheck.Document, citations string, refs any, counts citecheck.AnchorCounts) error {
	cj, err := json.Marshal(counts)
	if err != nil {
		return fmt.Errorf("store: revision: %w", err)
	}
	_, err = tx.ExecContext(ctx, insertRevisionRow, d.ID, d.Revision, d.Text, d.TextSHA256, d.Length,
		citations, refs, string(cj), d.CreatedByID, formatTime(d.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: revision %d of document %d: %w", d.Revision, d.ID, err)
	}
	// Every text a document takes (created, imported, revised) is written as a revision, so
	// this is where the search index gets the new text's passages.
	return indexPassages(ctx, tx, citecheck.SearchDocument, d.ID, d.ID, d.Text)
}

// Revisions lists the revisions of a document, oldest first, without their texts.
func (s *Store) Revisions(ctx context.Context, documentID int64) ([]citecheck.RevisionSummary, error) {
	rows, err := s.reader.QueryContext(ctx, selectRevisions, documentID)
	if err != nil {
		return nil, fmt.Errorf("store: revisions of document %d: %w", documentID, err)
	}
	defer rows.Close()
	out := []citecheck.RevisionSummary{}
	for rows.Next() {
		r, err := scanRevisionSummary(rows)
		if err != nil {
			return nil, fmt.Errorf("store: revisions of document %d: %w", documentID, err)
		}
		out = append(out, *r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: revisions of document %d: %w", documentID, err)
	}
	if len(out) == 0 { // every document has its first revision
		return nil, notFound("document %d not found", documentID)
	}
	return out, nil
}

func scanRevisionSummary(row rowScanner, extra ...any) (*citecheck.RevisionSummary, error) {
	var (
		r                citecheck.RevisionSummary
		anchors, created string
	)
	if err := row.Scan(append([]any{&r.Number, &r.Length, &r.TextSHA256, &anchors, &r.CreatedByID,
		&r.CreatedBy, &created}, extra...)...); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(anchors), &r.Anchors); err != nil {
		return nil, fmt.Errorf("anchors of revision %d: %w", r.Number, err)
	}
	t, err := parseTime(created)
	if err != nil {
		return nil, err
	}
	r.CreatedAt = t
	return &r, nil
}

// Revision returns revision n of a document with its text, citations and reference list.
func (s *Store) Revision(ctx context.Context, documentID int64, n int) (*citecheck.Revision, error) {
	var (
		r         citecheck.Revision
		citations string
		refs      sql.NullString
	)
	sum, err := scanRevisionSummary(s.reader.QueryRowContext(ctx, selectRevision, documentID, n),
		&r.Text, &citations, &refs)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("document %d has no revision %d", documentID, n)
	}
	if err != nil {
		return nil, fmt.Errorf("store: revision %d of document %d: %w", n, documentID, err)
	}
	r.RevisionSummary = *sum
	if err := json.Unmarshal([]byte(citations), &r.Citations); err != nil {
		return nil, fmt.Errorf("store: revision %d of document %d: %w", n, documentID, err)
	}
	if r.Citations == nil {
		r.Citations = []citecheck.Citation{}
	}
	if refs.Valid {
		if err := json.Unmarshal([]byte(refs.String), &r.References); err != nil {
			return nil, fmt.Errorf("store: revision %d of document %d: %w", n, documentID, err)
		}
	}
	return &r, nil
}

// RevisionClaims returns the claims of a superseded revision n as they were when it was
// superseded, in text order; none for the current revision, whose claims are the live ones.
func (s *Store) RevisionClaims(ctx context.Context, documentID int64, n int) ([]citecheck.Claim, error) {
	rows, err := s.reader.QueryContext(ctx, selectRevisionClaims, documentID, n)
	if err != nil {
		return nil, fmt.Errorf("store: claims of revision %d of document %d: %w", n, documentID, err)
	}
	defer rows.Close()
	out := []citecheck.Claim{}
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("store: claims of revision %d of document %d: %w", n, documentID, err)
		}
		var c citecheck.Claim
		if err := json.Unmarshal([]byte(data), &c); err != nil {
			return nil, fmt.Errorf("store: claims of revision %d of document %d: %w", n, documentID, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: claims of revision %d of document %d: %w", n, documentID, err)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		if a.End != b.End {
			return a.End < b.End
		}
		return a.ID < b.ID
	})
	return out, nil
}

// Revise is a new revision of a document's text, worked out by the caller from the document at
// revision Base: the new text in Doc (Text, TextSHA256, Length, Citations, References), the
// claims anchored in revision Base as they were read (Before) and as re-anchored into the new
// text (After, in the same order, as citecheck.ReviseClaims makes them), and the counts of
// their anchors.
type Revise struct {
	DocumentID    int64
	Base          int
	Doc           *citecheck.Document
	Before, After []citecheck.Claim
	Counts        citecheck.AnchorCounts
	By            int64
	// Restored are orphans of earlier revisions found again in the new text, as they were read
	// (RestoredBefore) and as re-anchored (RestoredAfter, in the same order): a revision that
	// restores a passage brings its orphans home.
	RestoredBefore, RestoredAfter []citecheck.Claim
}

// ReviseDocument makes r the document's current revision in one write transaction: the claims
// of revision Base are kept as they were in revision_claims, the new revision is stored and
// becomes the document's text, each claim of revision Base is written as re-anchored with its
// version one higher and a "reanchored" history event by r.By (its last editor stays who it
// was, as for a review). A claim orphaned by this revision comes in as citecheck.ReviseClaims
// made it, its review back to pending, and the event records that change. Orphans of earlier
// revisions found again (r.RestoredBefore, r.RestoredAfter) are written as re-anchored too,
// each only at the version it was read at, with its own "reanchored" event; other orphans are
// left as they are.
//
// If the document is no longer at revision Base, or its claims of revision Base are not exactly
// Before at their versions (one was added, changed or deleted meanwhile), the answer is a
// conflict and nothing changes. It returns the document as it now stands.
func (s *Store) ReviseDocument(ctx context.Context, r *Revise) (*citecheck.Document, error) {
	if len(r.Before) != len(r.After) {
		return nil, fmt.Errorf("store: revise document %d: %d claims before, %d after", r.DocumentID, len(r.Before), len(r.After))
	}
	citations := r.Doc.Citations
	if citations == nil {
		citations = []citecheck.Citation{}
	}
	cj, err := json.Marshal(citations)
	if err != nil {
		return nil, fmt.Errorf("store: revise document %d: %w", r.DocumentID, err)
	}
	refs, err := marshalReferences(r.Doc.References)
	if err != nil {
		return nil, err
	}
	now := s.now()
	at := formatTime(now)
	var out *citecheck.Document
	err = s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := documentRevision(ctx, tx, r.DocumentID, r.Base); err != nil {
			return err
		}
		if err := sameClaims(ctx, tx, r); err != nil {
			return err
		}
		snap, err := tx.PrepareContext(ctx, insertRevisionClaim)
		if err != nil {
			return fmt.Errorf("store: revise document %d: %w", r.DocumentID, err)
		}
		defer snap.Close()
		for i := range r.Before {
			c := r.Before[i]
			c.Checks = nil
			data, err := json.Marshal(&c)
			if err != nil {
				return fmt.Errorf("store: revise document %d: %w", r.DocumentID, err)
			}
			if _, err := snap.ExecContext(ctx, r.DocumentID, r.Base, c.ID, string(data)); err != nil {
				return fmt.Errorf("store: revise document %d: snapshot of claim %d: %w", r.DocumentID, c.ID, err)
			}
		}
		next := *r.Doc
		next.ID, next.Revision, next.CreatedByID, next.CreatedAt = r.DocumentID, r.Base+1, r.By, now
		if err := insertRevision(ctx, tx, &next, string(cj), refs, r.Counts); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, updateDocumentText, next.Text, next.TextSHA256, next.Length,
			string(cj), refs, next.Revision, r.DocumentID); err != nil {
			return fmt.Errorf("store: revise document %d: %w", r.DocumentID, err)
		}
		upd, err := tx.PrepareContext(ctx, reanchorClaim)
		if err != nil {
			return fmt.Errorf("store: revise document %d: %w", r.DocumentID, err)
		}
		defer upd.Close()
		if err := writeReanchored(ctx, tx, upd, r, r.Before, r.After, at); err != nil {
			return err
		}
		if err := writeReanchored(ctx, tx, upd, r, r.RestoredBefore, r.RestoredAfter, at); err != nil {
			return err
		}
		out, err = documentByID(ctx, tx, r.DocumentID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// writeReanchored writes each claim of before as re-anchored in after, at the version it was
// read at (else a conflict: it changed meanwhile), with a "reanchored" event by r.By.
func writeReanchored(ctx context.Context, tx *sql.Tx, upd *sql.Stmt, r *Revise, before, after []citecheck.Claim, at string) error {
	if len(before) != len(after) {
		return fmt.Errorf("store: revise document %d: %d claims before, %d after", r.DocumentID, len(before), len(after))
	}
	for i := range after {
		b, a := &before[i], &after[i]
		if b.ID != a.ID {
			return fmt.Errorf("store: revise document %d: claim %d re-anchored as %d", r.DocumentID, b.ID, a.ID)
		}
		clearReview := a.ReviewedBy == nil
		res, err := upd.ExecContext(ctx, a.Start, a.End, a.Quote, a.Prefix, a.Suffix,
			string(a.Review), a.ReviewComment, clearReview, clearReview,
			a.Revision, a.Anchor, a.AnchorScore, a.OldQuote, a.ID, b.Version)
		if err != nil {
			return fmt.Errorf("store: revise document %d: claim %d: %w", r.DocumentID, a.ID, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("store: revise document %d: claim %d: %w", r.DocumentID, a.ID, err)
		}
		if n != 1 {
			return citecheck.Errorf(citecheck.ECodeConflict,
				"claim %d of document %d changed while the revision was prepared; send the revision again", a.ID, r.DocumentID)
		}
		changes := citecheck.DiffClaims(b, a)
		addAnchorChanges(changes, b, a)
		changes["anchor_score"] = citecheck.FieldChange{From: b.AnchorScore, To: a.AnchorScore}
		if err := recordEvent(ctx, tx, a.ID, r.DocumentID, at, r.By, citecheck.ActionReanchored, changes); err != nil {
			return err
		}
	}
	return nil
}

// sameClaims checks in tx that the claims of revision r.Base are exactly r.Before at their
// versions.
func sameClaims(ctx context.Context, tx *sql.Tx, r *Revise) error {
	want := make(map[int64]int, len(r.Before))
	for _, c := range r.Before {
		want[c.ID] = c.Version
	}
	rows, err := tx.QueryContext(ctx, selectClaimVersions, r.DocumentID, r.Base)
	if err != nil {
		return fmt.Errorf("store: revise document %d: %w", r.DocumentID, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var (
			id      int64
			version int
		)
		if err := rows.Scan(&id, &version); err != nil {
			return fmt.Errorf("store: revise document %d: %w", r.DocumentID, err)
		}
		if v, ok := want[id]; !ok || v != version {
			return citecheck.Errorf(citecheck.ECodeConflict,
				"claim %d of document %d changed while the revision was prepared; send the revision again", id, r.DocumentID)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: revise document %d: %w", r.DocumentID, err)
	}
	if n != len(want) {
		return citecheck.Errorf(citecheck.ECodeConflict,
			"claims of document %d were deleted while the revision was prepared; send the revision again", r.DocumentID)
	}
	return nil
}
