package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/citecheck/citecheck"
)

const (
	insertDismissed = `INSERT INTO dismissed_suggestions (document_id, start, "end") VALUES (?, ?, ?) ON CONFLICT DO NOTHING`
	selectDismissed = `SELECT start, "end" FROM dismissed_suggestions WHERE document_id = ? ORDER BY start, "end"`
	deleteDismissed = `DELETE FROM dismissed_suggestions WHERE document_id = ? AND start = ? AND "end" = ?`
)

// DismissSuggestions records sentence suggestions that a user turned down, so they are not
// proposed again. Dismissing one twice is not an error.
func (s *Store) DismissSuggestions(ctx context.Context, documentID int64, spans []citecheck.Span) error {
	return s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, sp := range spans {
			if _, err := tx.ExecContext(ctx, insertDismissed, documentID, sp.Start, sp.End); err != nil {
				if isForeignKeyViolation(err) {
					return notFound("document %d not found", documentID)
				}
				return fmt.Errorf("store: dismiss suggestion: %w", err)
			}
		}
		return nil
	})
}

// DismissedSuggestions lists the spans dismissed on a document.
func (s *Store) DismissedSuggestions(ctx context.Context, documentID int64) ([]citecheck.Span, error) {
	rows, err := s.reader.QueryContext(ctx, selectDismissed, documentID)
	if err != nil {
		return nil, fmt.Errorf("store: dismissed suggestions: %w", err)
	}
	defer rows.Close()
	spans := []citecheck.Span{}
	for rows.Next() {
		var sp citecheck.Span
		if err := rows.Scan(&sp.Start, &sp.End); err != nil {
			return nil, fmt.Errorf("store: dismissed suggestions: %w", err)
		}
		spans = append(spans, sp)
	}
	return spans, rows.Err()
}

// RestoreSuggestions takes back the dismissal of spans on a document, so that they are proposed
// again: a dismissal made by mistake, or by a colleague, is not final. It returns how many
// dismissals it removed; a span that was not dismissed is not an error.
func (s *Store) RestoreSuggestions(ctx context.Context, documentID int64, spans []citecheck.Span) (int, error) {
	restored := 0
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		restored = 0 // the queue may run the function again
		for _, sp := range spans {
			res, err := tx.ExecContext(ctx, deleteDismissed, documentID, sp.Start, sp.End)
			if err != nil {
				return fmt.Errorf("store: restore suggestion: %w", err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("store: restore suggestion: %w", err)
			}
			restored += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return restored, nil
}
