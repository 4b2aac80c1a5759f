package store

import (
	"context"
	"fmt"
	"time"

	"github.com/citecheck/citecheck"
)

const (
	// queueWhere takes each filter twice: a document id of 0 and an empty status or author
	// match everything. The author is the name of the claim's creator (cu).
	// The last filter keeps only orphans when it is 1: claims imported without a place, or
	// last anchored in an earlier revision than their document's (citecheck.Claim.IsOrphan).
	queueWhere = `
WHERE c.review = 'pending' AND c.deleted_at IS NULL
	AND (? = 0 OR c.document_id = ?)
	AND (? = '' OR c.status = ?)
	AND (? = '' OR cu.name = ?)
	AND (? = 0 OR c.anchor = 'orphaned' OR (c.revision != 0 AND c.revision < d.revision))`
	selectReviewQueue = `SELECT ` + claimColumns + `, d.title` + claimFrom + `
JOIN documents d ON d.id = c.document_id` + queueWhere + `
ORDER BY c.updated_at, c.id`
	// selectReviewQueuePage is one page of the queue: the filters, then the change time and id
	// of the claim the page starts after, then the size of the page.
	selectReviewQueuePage = `SELECT ` + claimColumns + `, d.title` + claimFrom + `
JOIN documents d ON d.id = c.document_id` + queueWhere + `
	AND (c.updated_at, c.id) > (?, ?)
ORDER BY c.updated_at, c.id
LIMIT ?`
	countReviewQueue = `SELECT COUNT(*) FROM claims c JOIN users cu ON cu.id = c.created_by
JOIN documents d ON d.id = c.document_id` + queueWhere
	countPending = `SELECT COUNT(*) FROM claims WHERE review = 'pending' AND deleted_at IS NULL`
)

// QueueAfter is where a page of the review queue starts: after the claim last changed at
// UpdatedAt with id ID, in the queue's order. The zero value starts at the oldest claim. A
// position rather than a count, so that claims decided meanwhile shift nothing.
type QueueAfter struct {
	UpdatedAt time.Time
	ID        int64
}

// ReviewQueuePage answers up to limit claims of the review queue after the position after, as
// ReviewQueue orders and filters them, and how many claims the whole filtered queue holds.
func (s *Store) ReviewQueuePage(ctx context.Context, f citecheck.QueueFilter, after QueueAfter, limit int) ([]citecheck.QueueItem, int, error) {
	args := queueArgs(f)
	var total int
	if err := s.reader.QueryRowContext(ctx, countReviewQueue, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count the review queue: %w", err)
	}
	from := ""
	if !after.UpdatedAt.IsZero() {
		from = formatTime(after.UpdatedAt)
	}
	items, err := queueItems(ctx, s.reader, selectReviewQueuePage, append(args, from, after.ID, limit)...)
	if err != nil {
		return nil, 0, err
	}
	return items, total, nil
}

// ReviewQueue lists the claims waiting for an editor across all documents, oldest change first
// (then by id), narrowed by f, each with the title of its document.
func (s *Store) ReviewQueue(ctx context.Context, f citecheck.QueueFilter) ([]citecheck.QueueItem, error) {
	return queueItems(ctx, s.reader, selectReviewQueue, queueArgs(f)...)
}

// queueArgs are the arguments of queueWhere for f.
func queueArgs(f citecheck.QueueFilter) []any {
	return []any{f.DocumentID, f.DocumentID, string(f.Status), string(f.Status), f.Author, f.Author, f.Orphaned}
}

// selectRejectedOf lists the claims a user created that stand rejected, the latest rejection
// first.
const selectRejectedOf = `SELECT ` + claimColumns + `, d.title` + claimFrom + `
JOIN documents d ON d.id = c.document_id
WHERE c.review = 'rejected' AND c.created_by = ?
ORDER BY c.reviewed_at DESC, c.id DESC`

// RejectedClaimsOf lists the claims that the user createdBy made and an editor rejected, the
// latest rejection first, each with its document's title: a fact-checker's list of what to fix.
// A fixed claim goes back to pending and off the list.
func (s *Store) RejectedClaimsOf(ctx context.Context, createdBy int64) ([]citecheck.QueueItem, error) {
	return queueItems(ctx, s.reader, selectRejectedOf, createdBy)
}

// queueItems runs a query of the review queue and reads its claims with their document titles.
func queueItems(ctx context.Context, q queryer, query string, args ...any) ([]citecheck.QueueItem, error) {
	rows, err := q.QueryContext(ctx, query, args...)
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
	return items, loadEvidence(ctx, q, claims...)
}

// CountPending returns how many claims wait for an editor, for the count in every page's header.
func (s *Store) CountPending(ctx context.Context) (int, error) {
	var n int
	if err := s.reader.QueryRowContext(ctx, countPending).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count pending claims: %w", err)
	}
	return n, nil
}
