package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/citecheck/citecheck"
)

// The sources table holds captures (the API's "sources"); it is never updated, only inserted
// into and, with its document, deleted.
const (
	captureColumns = `s.id, s.document_id, s.ref, s.url, s.final_url, s.title, s.text_sha256, s.length,
	s.method, s.http_status, s.content_type, s.captured_by, u.name, s.captured_at`
	captureFrom = `
FROM sources s JOIN users u ON u.id = s.captured_by`
	insertCapture = `INSERT INTO sources (document_id, ref, url, final_url, title, text, text_sha256, length,
	method, http_status, content_type, captured_by, captured_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// A capture is announced live (a document's import brings its sources without one: its
	// document.created says it all).
	announceCapture = `INSERT INTO events (name, document_id, user_id, at) VALUES (?, ?, ?, ?)`
	selectCapture   = `SELECT ` + captureColumns + `, s.text` + captureFrom + `
WHERE s.id = ? AND s.document_id NOT IN (SELECT id FROM documents WHERE deleted_at IS NOT NULL)`
	selectCaptures = `SELECT ` + captureColumns + captureFrom + `
WHERE s.document_id = ?
ORDER BY s.ref, s.captured_at, s.id`
)

// CreateCapture stores a source that the caller has built with citecheck.NewCapture and checked
// against its document's references (DocumentID, Ref, URL, Title, Text, TextSHA256, Length,
// Method, and for a fetch FinalURL, HTTPStatus and ContentType; CapturedByID). The store sets
// the ID, the time and the name of who captured it. An unknown document is not found.
func (s *Store) CreateCapture(ctx context.Context, c *citecheck.Capture) (*citecheck.Capture, error) {
	var out *citecheck.Capture
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var status any
		if c.HTTPStatus != nil {
			status = *c.HTTPStatus
		}
		at := formatTime(s.now())
		res, err := insertRow(ctx, tx, insertCapture, c.DocumentID, c.Ref, c.URL, c.FinalURL, c.Title, c.Text,
			c.TextSHA256, c.Length, string(c.Method), status, c.ContentType, c.CapturedByID, at)
		if isForeignKeyViolation(err) {
			return notFound("document %d not found", c.DocumentID)
		}
		if err != nil {
			return fmt.Errorf("store: create source: %w", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("store: create source: %w", err)
		}
		if err := indexPassages(ctx, tx, citecheck.SearchSource, id, c.DocumentID, c.Text); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, announceCapture, citecheck.EventSourceAdded, c.DocumentID, c.CapturedByID, at); err != nil {
			return fmt.Errorf("store: create source: %w", err)
		}
		out, err = captureByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Capture returns one source with its text.
func (s *Store) Capture(ctx context.Context, id int64) (*citecheck.Capture, error) {
	return captureByID(ctx, s.reader, id)
}

// Captures lists the sources of a document without their text, by ref and then oldest first,
// so each entry's captures read as its archive. A document without any gives an empty list.
func (s *Store) Captures(ctx context.Context, documentID int64) ([]citecheck.Capture, error) {
	rows, err := s.reader.QueryContext(ctx, selectCaptures, documentID)
	if err != nil {
		return nil, fmt.Errorf("store: sources of document %d: %w", documentID, err)
	}
	defer rows.Close()
	out := []citecheck.Capture{}
	for rows.Next() {
		c, err := scanCapture(rows)
		if err != nil {
			return nil, fmt.Errorf("store: sources of document %d: %w", documentID, err)
		}
		out = append(out, *c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: sources of document %d: %w", documentID, err)
	}
	return out, nil
}

// captureByID loads one source with its text through q.
func captureByID(ctx context.Context, q queryer, id int64) (*citecheck.Capture, error) {
	var text string
	c, err := scanCapture(q.QueryRowContext(ctx, selectCapture, id), &text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("source %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: source %d: %w", id, err)
	}
	c.Text = text
	return c, nil
}

// scanCapture reads captureColumns, then any extra columns into extra.
func scanCapture(row rowScanner, extra ...any) (*citecheck.Capture, error) {
	var (
		c          citecheck.Capture
		method, at string
		status     sql.NullInt64
	)
	dest := append([]any{&c.ID, &c.DocumentID, &c.Ref, &c.URL, &c.FinalURL, &c.Title, &c.TextSHA256, &c.Length,
		&method, &status, &c.ContentType, &c.CapturedByID, &c.CapturedBy, &at}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	c.Method = citecheck.CaptureMethod(method)
	if status.Valid {
		n := int(status.Int64)
		c.HTTPStatus = &n
	}
	t, err := parseTime(at)
	if err != nil {
		return nil, err
	}
	c.CapturedAt = t
	return &c, nil
}

// selectCapturesWithText is selectCaptures with each source's text, for an export.
const selectCapturesWithText = `SELECT ` + captureColumns + `, s.text` + captureFrom + `
WHERE s.document_id = ?
ORDER BY s.ref, s.captured_at, s.id`

// CapturesWithText lists the sources of a document as Captures does, each with its text: the
// native export carries them whole, so that an import can check its evidence against them.
func (s *Store) CapturesWithText(ctx context.Context, documentID int64) ([]citecheck.Capture, error) {
	rows, err := s.reader.QueryContext(ctx, selectCapturesWithText, documentID)
	if err != nil {
		return nil, fmt.Errorf("store: sources of document %d: %w", documentID, err)
	}
	defer rows.Close()
	out := []citecheck.Capture{}
	for rows.Next() {
		var text string
		c, err := scanCapture(rows, &text)
		if err != nil {
			return nil, fmt.Errorf("store: sources of document %d: %w", documentID, err)
		}
		c.Text = text
		out = append(out, *c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: sources of document %d: %w", documentID, err)
	}
	return out, nil
}
