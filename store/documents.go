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
	insertDocument = `INSERT INTO documents (title, text, text_sha256, length, citations, reference_list, created_by, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	updateReferences = `UPDATE documents SET reference_list = ? WHERE id = ? AND deleted_at IS NULL`
	selectReferences = `SELECT reference_list, length FROM documents WHERE id = ? AND deleted_at IS NULL`
	selectUserName   = `SELECT name FROM users WHERE id = ?`
	selectDocument   = `SELECT d.id, d.title, d.text, d.text_sha256, d.length, d.citations, d.reference_list,
	d.created_by, u.name, d.created_at, d.revision
FROM documents d JOIN users u ON u.id = d.created_by
WHERE d.id = ? AND d.deleted_at IS NULL`
	// selectDocumentSummaries lists documents newest first with one row per (status, review)
	// pair of their claims, so the counts come from the same single query; a document without
	// claims has one row with NULL status and review and a count of 0.
	selectDocumentSummaries = `SELECT d.id, d.title, d.length, u.name, d.created_at,
	c.status, c.review, COUNT(c.id)
FROM documents d
JOIN users u ON u.id = d.created_by
LEFT JOIN claims c ON c.document_id = d.id AND c.deleted_at IS NULL
WHERE d.deleted_at IS NULL
GROUP BY d.id, u.name, c.status, c.review
ORDER BY d.created_at DESC, d.id DESC`
	// selectDocumentStamp is answered from the documents_changes index and the claim_counts
	// primary key alone.
	selectDocumentStamp = `SELECT d.changes, d.revision, d.text_sha256, COALESCE(cc.changes, 0)
FROM documents d INDEXED BY documents_changes
LEFT JOIN claim_counts cc ON cc.document_id = d.id
WHERE d.id = ? AND d.deleted_at IS NULL`
)

// CreateDocument stores a document that the caller has normalised, hashed and parsed (Title,
// Text, TextSHA256, Length, Citations, CreatedByID). It returns a copy with ID, CreatedAt and
// CreatedBy set.
func (s *Store) CreateDocument(ctx context.Context, d *citecheck.Document) (*citecheck.Document, error) {
	citations := d.Citations
	if citations == nil {
		citations = []citecheck.Citation{}
	}
	cj, err := json.Marshal(citations)
	if err != nil {
		return nil, fmt.Errorf("store: create document: citations: %w", err)
	}
	refs, err := marshalReferences(d.References)
	if err != nil {
		return nil, err
	}
	out := *d
	out.Citations = citations
	out.CreatedAt = s.now()
	err = s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, selectUserName, d.CreatedByID).Scan(&out.CreatedBy); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("user %d not found", d.CreatedByID)
			}
			return fmt.Errorf("store: create document: %w", err)
		}
		res, err := insertRow(ctx, tx, insertDocument, d.Title, d.Text, d.TextSHA256, d.Length,
			string(cj), refs, d.CreatedByID, formatTime(out.CreatedAt))
		if err != nil {
			return fmt.Errorf("store: create document: %w", err)
		}
		if out.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("store: create document: %w", err)
		}
		out.Revision = 1
		return insertRevision(ctx, tx, &out, string(cj), refs, citecheck.AnchorCounts{})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DocumentStamp is what tells one state of a document's row from every other: its count of
// updates (bumped by a trigger on every update, whoever writes), its revision and its text's
// hash; and one state of its claims and their evidence from every other: ClaimChanges, bumped
// by triggers on every write to either (migration 0011). A copy of the document or its claims
// taken after reading a stamp is at least as new as that stamp.
type DocumentStamp struct {
	Changes      int64
	Revision     int
	TextSHA256   string
	ClaimChanges int64
}

// Row is the part of the stamp that tells the document's own row apart, without its claims: a
// copy of the text and its index stays good while only claims change.
func (st DocumentStamp) Row() DocumentStamp {
	st.ClaimChanges = 0
	return st
}

// DocumentStamp reads the stamp of a document with one index lookup, so a cached copy can be
// checked on every request; an unknown (or deleted) document is not found.
func (s *Store) DocumentStamp(ctx context.Context, id int64) (DocumentStamp, error) {
	st, err := documentStamp(ctx, s.reader, id)
	if errors.Is(err, sql.ErrNoRows) {
		return st, notFound("document %d not found", id)
	}
	if err != nil {
		return st, fmt.Errorf("store: stamp of document %d: %w", id, err)
	}
	return st, nil
}

// documentStamp reads the stamp of a document through q.
func documentStamp(ctx context.Context, q queryer, id int64) (DocumentStamp, error) {
	var st DocumentStamp
	err := q.QueryRowContext(ctx, selectDocumentStamp, id).Scan(&st.Changes, &st.Revision, &st.TextSHA256, &st.ClaimChanges)
	return st, err
}

// Document returns one document with its text and citations.
func (s *Store) Document(ctx context.Context, id int64) (*citecheck.Document, error) {
	return documentByID(ctx, s.reader, id)
}

// documentByID loads one document through q, the reader pool or a write transaction.
func documentByID(ctx context.Context, q queryer, id int64) (*citecheck.Document, error) {
	var (
		d         citecheck.Document
		citations string
		refs      sql.NullString
		created   string
	)
	err := q.QueryRowContext(ctx, selectDocument, id).Scan(&d.ID, &d.Title, &d.Text,
		&d.TextSHA256, &d.Length, &citations, &refs, &d.CreatedByID, &d.CreatedBy, &created, &d.Revision)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("document %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: document %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(citations), &d.Citations); err != nil {
		return nil, fmt.Errorf("store: document %d: citations: %w", id, err)
	}
	if d.Citations == nil {
		d.Citations = []citecheck.Citation{}
	}
	if refs.Valid {
		if err := json.Unmarshal([]byte(refs.String), &d.References); err != nil {
			return nil, fmt.Errorf("store: document %d: reference list: %w", id, err)
		}
	}
	if d.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("store: document %d: %w", id, err)
	}
	return &d, nil
}

// Documents lists every document, newest first, without its text but with the counts of its
// claims by status and by review.
func (s *Store) Documents(ctx context.Context) ([]citecheck.DocumentSummary, error) {
	rows, err := s.reader.QueryContext(ctx, selectDocumentSummaries)
	if err != nil {
		return nil, fmt.Errorf("store: documents: %w", err)
	}
	defer rows.Close()
	docs := []citecheck.DocumentSummary{}
	for rows.Next() {
		var (
			d              citecheck.DocumentSummary
			created        string
			status, review sql.NullString
			n              int
		)
		if err := rows.Scan(&d.ID, &d.Title, &d.Length, &d.CreatedBy, &created, &status, &review, &n); err != nil {
			return nil, fmt.Errorf("store: documents: %w", err)
		}
		if len(docs) == 0 || docs[len(docs)-1].ID != d.ID {
			if d.CreatedAt, err = parseTime(created); err != nil {
				return nil, fmt.Errorf("store: documents: %w", err)
			}
			d.Counts = citecheck.Counts{ByStatus: map[citecheck.Status]int{}, ByReview: map[citecheck.Review]int{}}
			docs = append(docs, d)
		}
		if n == 0 {
			continue
		}
		c := &docs[len(docs)-1].Counts
		c.Claims += n
		c.ByStatus[citecheck.Status(status.String)] += n
		c.ByReview[citecheck.Review(review.String)] += n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: documents: %w", err)
	}
	return docs, nil
}

// marshalReferences encodes a reference list for its column; no list is NULL.
func marshalReferences(l *citecheck.ReferenceList) (any, error) {
	if l == nil {
		return nil, nil
	}
	b, err := json.Marshal(l)
	if err != nil {
		return nil, fmt.Errorf("store: reference list: %w", err)
	}
	return string(b), nil
}

// SetReferences replaces a document's reference list (nil removes it), by user by.
func (s *Store) SetReferences(ctx context.Context, id, by int64, l *citecheck.ReferenceList) error {
	_, err := s.UpdateReferences(ctx, id, by, func(*citecheck.ReferenceList, int) (*citecheck.ReferenceList, error) {
		return l, nil
	})
	return err
}

// UpdateReferences changes a document's reference list in one write transaction: edit gets the
// list as stored (nil for none) and the text's length in code points, and returns the new list;
// its error aborts the change. Concurrent edits are serialised, so none is lost. The change is
// an entry of the document's own history ("references-changed", by user by), which migration
// 0030 announces live as references.changed.
func (s *Store) UpdateReferences(ctx context.Context, id, by int64, edit func(l *citecheck.ReferenceList, textLength int) (*citecheck.ReferenceList, error)) (*citecheck.ReferenceList, error) {
	var out *citecheck.ReferenceList
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var (
			cur    sql.NullString
			length int
		)
		err := tx.QueryRowContext(ctx, selectReferences, id).Scan(&cur, &length)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("document %d not found", id)
		}
		if err != nil {
			return fmt.Errorf("store: references of document %d: %w", id, err)
		}
		var list *citecheck.ReferenceList
		if cur.Valid {
			if err := json.Unmarshal([]byte(cur.String), &list); err != nil {
				return fmt.Errorf("store: references of document %d: %w", id, err)
			}
		}
		if out, err = edit(list, length); err != nil {
			return err
		}
		refs, err := marshalReferences(out)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, updateReferences, refs, id); err != nil {
			return fmt.Errorf("store: set references of document %d: %w", id, err)
		}
		return recordDocumentEvent(ctx, tx, id, formatTime(s.now()), by, citecheck.ActionReferencesChanged)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
