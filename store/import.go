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

// insertImportedClaim writes an imported claim: its span, quote, context, refs, status, note
// and anchor from the file, and never its sign-off. It is pending with no reviewer, created and
// last changed by the importer at the import's time, version 1, in the document's current
// revision; imported is its provenance.
const insertImportedClaim = `INSERT INTO claims (document_id, start, "end", quote, prefix, suffix, refs,
	status, note, review, review_comment, reviewed_by, reviewed_at,
	created_by, created_at, updated_by, updated_at, version, revision, anchor, anchor_score, old_quote, imported)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', '', NULL, NULL, ?, ?, ?, ?, 1,
	(SELECT revision FROM documents WHERE id = ?), ?, ?, ?, ?)`

// restoreReview writes a review restored from a file onto a claim just imported.
const restoreReview = `UPDATE claims SET review = ?, review_comment = ?, reviewed_by = ?, reviewed_at = ?
WHERE id = ?`

// ImportDocument stores an imported document with its claims in one transaction, so that a
// failure leaves nothing behind. The document is stored as CreateDocument stores it, created by
// the importer by. Each claim keeps its span, quote, context, refs, status, note and anchor (an
// orphan stays an orphan); whatever it says of its review, reviewer, authors and times is not
// used: it is pending, created and last changed by the importer, now, at version 1. Its
// Imported (the file's word on those, as formats.PrepareImport keeps it) is stored with the
// importer and the time, and the claim's history gets a "created" event and an "imported" event
// with the file's values, both by the importer, in the same transaction. The claims are
// inserted in the order given.
func (s *Store) ImportDocument(ctx context.Context, d *citecheck.Document, claims []citecheck.Claim, by int64) (*citecheck.Document, error) {
	return s.importDocument(ctx, d, claims, nil, by, false)
}

// ImportDocumentSources is ImportDocument for a file that carries sources and evidence, as
// formats.PrepareSources checked them: in the same transaction, each source becomes a new
// source of the new document (its text, hash, method, URLs, title, status, content type and
// capture time as in the file; captured by the importer, since captured_by names a user of this
// server), and each claim's Evidence is stored re-pointed to the new claim and to the new id of
// the source whose file id it names, created by the importer now. Evidence naming a source id
// that sources lacks is refused (invalid) and nothing is stored.
func (s *Store) ImportDocumentSources(ctx context.Context, d *citecheck.Document, claims []citecheck.Claim,
	sources []citecheck.Capture, by int64) (*citecheck.Document, error) {
	return s.importDocument(ctx, d, claims, sources, by, false)
}

// RestoreDocumentSources is RestoreDocument with the sources and evidence of
// ImportDocumentSources.
func (s *Store) RestoreDocumentSources(ctx context.Context, d *citecheck.Document, claims []citecheck.Claim,
	sources []citecheck.Capture, by int64) (*citecheck.Document, error) {
	return s.importDocument(ctx, d, claims, sources, by, true)
}

// RestoreDocument is ImportDocument for a desk that moves to a new server, and the command
// line's alone: after each claim is imported, the review its file records is restored when
// citecheck.CheckRestoredReview allows it (a reviewer known here, enabled, an editor or admin,
// and not one of the claim's authors; a rejection with its comment), with a "restored" event by
// the importer. One review it refuses refuses the whole import, naming the claim, and nothing
// is stored.
func (s *Store) RestoreDocument(ctx context.Context, d *citecheck.Document, claims []citecheck.Claim, by int64) (*citecheck.Document, error) {
	return s.importDocument(ctx, d, claims, nil, by, true)
}

func (s *Store) importDocument(ctx context.Context, d *citecheck.Document, claims []citecheck.Claim,
	sources []citecheck.Capture, by int64, restore bool) (*citecheck.Document, error) {
	in := *d
	in.CreatedByID = by
	var out *citecheck.Document
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if out, err = s.insertDocument(ctx, tx, &in); err != nil {
			return err
		}
		stored, err := s.insertClaims(ctx, tx, out.ID, claims, by)
		if err != nil {
			return err
		}
		if err := s.insertImportedEvidence(ctx, tx, out.ID, claims, stored, sources, by); err != nil {
			return err
		}
		if !restore {
			return nil
		}
		return s.restoreReviews(ctx, tx, stored, by)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateClaims stores new claims of a document in one transaction, each created by by at the
// store's time and pending review, with a "created" history event each (and an "imported"
// event for a claim with provenance): how annotations imported from another tool arrive. A
// claim whose Revision is set (the revision whose text it was anchored in) makes a revision
// made meanwhile a conflict, as for CreateClaim. It returns the claims as stored, in the order
// given.
func (s *Store) CreateClaims(ctx context.Context, documentID int64, claims []citecheck.Claim, by int64) ([]citecheck.Claim, error) {
	var out []citecheck.Claim
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rev, err := documentRevision(ctx, tx, documentID, 0)
		if err != nil {
			return err
		}
		for i := range claims {
			if want := claims[i].Revision; want != 0 && want != rev {
				_, err := documentRevision(ctx, tx, documentID, want) // the conflict, with its message
				return err
			}
		}
		out, err = s.insertClaims(ctx, tx, documentID, claims, by)
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
	res, err := insertRow(ctx, tx, insertDocument, d.Title, d.Text, d.TextSHA256, d.Length,
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

// insertClaims writes claims of a document in tx, each pending and created by by, with its
// "created" event and, when it has provenance, its "imported" event.
func (s *Store) insertClaims(ctx context.Context, tx *sql.Tx, documentID int64, claims []citecheck.Claim, by int64) ([]citecheck.Claim, error) {
	if err := claimRoom(ctx, tx, documentID, len(claims)); err != nil {
		return nil, err
	}
	now := s.now()
	at := formatTime(now)
	var byName string
	if err := tx.QueryRowContext(ctx, selectUserName, by).Scan(&byName); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, notFound("user %d not found", by)
		}
		return nil, fmt.Errorf("store: import claims: %w", err)
	}
	out := make([]citecheck.Claim, 0, len(claims))
	for i := range claims {
		c := &claims[i]
		if err := citecheck.CheckClaim(c); err != nil {
			return nil, err
		}
		args, err := importedRow(documentID, c, byName, by, now)
		if err != nil {
			return nil, err
		}
		res, err := insertRow(ctx, tx, insertImportedClaim, args...)
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
		if err := recordEvent(ctx, tx, id, documentID, at, by,
			citecheck.ActionCreated, citecheck.DiffClaims(nil, stored)); err != nil {
			return nil, err
		}
		if stored.Imported != nil {
			if err := recordEvent(ctx, tx, id, documentID, at, by, citecheck.ActionImported,
				citecheck.ProvenanceChanges(stored.Imported, stored)); err != nil {
				return nil, err
			}
		}
		out = append(out, *stored)
	}
	return out, nil
}

// importedRow is the arguments of insertImportedClaim for one claim of a document.
func importedRow(documentID int64, c *citecheck.Claim, byName string, by int64, now time.Time) ([]any, error) {
	refs, err := marshalRefs(c.Refs)
	if err != nil {
		return nil, err
	}
	status, anchor, score := c.Status, c.Anchor, c.AnchorScore
	if status == "" {
		status = citecheck.StatusUnverified
	}
	if anchor == "" {
		anchor, score = string(citecheck.AnchorExact), 1
	}
	var imported any
	if c.Imported != nil {
		p := *c.Imported
		p.ImportedBy, p.ImportedAt = byName, now
		b, err := json.Marshal(&p)
		if err != nil {
			return nil, fmt.Errorf("store: import claim: provenance: %w", err)
		}
		imported = string(b)
	}
	at := formatTime(now)
	return []any{documentID, c.Start, c.End, c.Quote, c.Prefix, c.Suffix, refs, string(status), c.Note,
		by, at, by, at, documentID, anchor, score, c.OldQuote, imported}, nil
}

// restoreReviews restores in tx the review each imported claim's provenance records, when
// citecheck.CheckRestoredReview allows it, with a "restored" event by by.
func (s *Store) restoreReviews(ctx context.Context, tx *sql.Tx, claims []citecheck.Claim, by int64) error {
	at := formatTime(s.now())
	for i := range claims {
		c := &claims[i]
		if c.Imported == nil {
			continue
		}
		var reviewer *citecheck.User
		if name := c.Imported.ReviewedBy; name != "" {
			var hash []byte
			u, err := scanUser(tx.QueryRowContext(ctx, selectUserByName, name), &hash)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("store: restore review of claim %d: %w", c.ID, err)
			}
			reviewer = u
		}
		ok, err := citecheck.CheckRestoredReview(c, reviewer)
		var refused *citecheck.Error
		if errors.As(err, &refused) {
			return &citecheck.Error{Code: refused.Code, Field: fmt.Sprintf("claims[%d].review", i),
				Message: fmt.Sprintf("claim %s (number %d in the file): %s", c.Imported.SourceID, i+1, refused.Message)}
		}
		if !ok {
			continue
		}
		reviewedAt := s.now()
		if c.Imported.ReviewedAt != nil {
			reviewedAt = *c.Imported.ReviewedAt
		}
		if _, err := tx.ExecContext(ctx, restoreReview, string(c.Imported.Review), c.Imported.ReviewComment,
			reviewer.ID, formatTime(reviewedAt), c.ID); err != nil {
			return fmt.Errorf("store: restore review of claim %d: %w", c.ID, err)
		}
		after, err := claimByID(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		changes := citecheck.DiffClaims(c, after)
		changes["reviewed_by"] = citecheck.FieldChange{From: nil, To: reviewer.Name}
		if err := recordEvent(ctx, tx, c.ID, c.DocumentID, at, by, citecheck.ActionRestored, changes); err != nil {
			return err
		}
		*c = *after
	}
	return nil
}

// insertImportedEvidence writes in tx the sources of an imported document and the evidence of
// its claims (claims as the file gave them, stored as insertClaims stored them, in the same
// order), each piece re-pointed from the file's source id to the new one.
func (s *Store) insertImportedEvidence(ctx context.Context, tx *sql.Tx, documentID int64, claims, stored []citecheck.Claim,
	sources []citecheck.Capture, by int64) error {
	newID := make(map[int64]int64, len(sources))
	now := formatTime(s.now())
	for i := range sources {
		c := &sources[i]
		at := now
		if !c.CapturedAt.IsZero() {
			at = formatTime(c.CapturedAt)
		}
		var status any
		if c.HTTPStatus != nil {
			status = *c.HTTPStatus
		}
		res, err := insertRow(ctx, tx, insertCapture, documentID, c.Ref, c.URL, c.FinalURL, c.Title, c.Text,
			c.TextSHA256, c.Length, string(c.Method), status, c.ContentType, by, at)
		if err != nil {
			return fmt.Errorf("store: import source %d: %w", i+1, err)
		}
		if newID[c.ID], err = res.LastInsertId(); err != nil {
			return fmt.Errorf("store: import source %d: %w", i+1, err)
		}
		if err := indexPassages(ctx, tx, citecheck.SearchSource, newID[c.ID], documentID, c.Text); err != nil {
			return err
		}
	}
	for i := range claims {
		for j, e := range claims[i].Evidence {
			src, ok := newID[e.SourceID]
			if !ok {
				return citecheck.FieldErrorf(citecheck.ECodeInvalid, fmt.Sprintf("claims[%d].evidence[%d].source_id", i, j),
					"evidence names source %d, which the file does not carry", e.SourceID)
			}
			res, err := insertRow(ctx, tx, insertEvidence, stored[i].ID, src, e.Start, e.End, e.Quote, e.Prefix,
				e.Suffix, string(e.Stance), e.Note, by, now)
			if err != nil {
				return fmt.Errorf("store: import evidence of claim %d: %w", i+1, err)
			}
			if err := recordImportedEvidence(ctx, tx, res, &claims[i].Evidence[j], &stored[i], now, by); err != nil {
				return err
			}
		}
	}
	return nil
}

// recordImportedEvidence gives imported evidence, just inserted (res), its evidence-added event
// on claim c, with what the file said of it (citecheck.ImportedEvidenceChanges).
func recordImportedEvidence(ctx context.Context, tx *sql.Tx, res sql.Result, file *citecheck.Evidence, c *citecheck.Claim, now string, by int64) error {
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("store: import evidence of claim %d: %w", c.ID, err)
	}
	e, err := evidenceByID(ctx, tx, id)
	if err != nil {
		return err
	}
	format := ""
	if c.Imported != nil {
		format = c.Imported.FromFormat
	}
	return recordEvent(ctx, tx, c.ID, c.DocumentID, now, by, citecheck.ActionEvidenceAdded,
		citecheck.ImportedEvidenceChanges(file, e, format))
}
