package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/citecheck/citecheck"
)

const (
	insertDismissed = `INSERT OR IGNORE INTO dismissed_suggestions (document_id, start, "end") VALUES (?, ?, ?)`
	selectDismissed = `SELECT start, "end" FROM dismissed_suggestions WHERE document_id = ? ORDER BY start, "end"`
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
