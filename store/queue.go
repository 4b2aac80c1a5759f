package store

import (
	"context"
	"fmt"

	"github.com/citecheck/citecheck"
)

const (
	// selectReviewQueue takes each filter twice: a document id of 0 and an empty status or
	// author match everything. The author is the name of the claim's creator.
	selectReviewQueue = `SELECT ` + claimColumns + `, d.title` + claimFrom + `
JOIN documents d ON d.id = c.document_id
WHERE c.review = 'pending'
	AND (? = 0 OR c.document_id = ?)
	AND (? = '' OR c.status = ?)
	AND (? = '' OR cu.name = ?)
ORDER BY c.updated_at, c.id`
	countPending = `SELECT COUNT(*) FROM claims WHERE review = 'pending'`
)

// ReviewQueue lists the claims waiting for an editor across all documents, oldest change first
// (then by id), narrowed by f, each with the title of its document.
func (s *Store) ReviewQueue(ctx context.Context, f citecheck.QueueFilter) ([]citecheck.QueueItem, error) {
	rows, err := s.reader.QueryContext(ctx, selectReviewQueue, f.DocumentID, f.DocumentID,
		string(f.Status), string(f.Status), f.Author, f.Author)
	if err != nil {
		return nil, fmt.Errorf("store: review queue: %w", err)
	}
	defer rows.Close()
	items := []citecheck.QueueItem{}
	for rows.Next() {
		var title string
		c, err := scanClaim(rows, &title)
		if err != nil {
			return nil, fmt.Errorf("store: review queue: %w", err)
		}
		items = append(items, citecheck.QueueItem{Claim: *c, DocumentTitle: title})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: review queue: %w", err)
	}
	claims := make([]*citecheck.Claim, len(items))
	for i := range items {
		claims[i] = &items[i].Claim
	}
	return items, loadEvidence(ctx, s.reader, claims...)
}

// CountPending returns how many claims wait for an editor, for the count in every page's header.
func (s *Store) CountPending(ctx context.Context) (int, error) {
	var n int
	if err := s.reader.QueryRowContext(ctx, countPending).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count pending claims: %w", err)
	}
	return n, nil
}
