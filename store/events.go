package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/citecheck/citecheck"
)

// The desk's live events are written by the triggers of migration 0013 (and, for a document's
// deletion and restore through document_events, migration 0019); this file reads and prunes
// them.
const (
	selectEventsAfter = `SELECT e.id, e.name, e.document_id, e.claim_id, e.version, COALESCE(u.name, ''), e.at
FROM events e LEFT JOIN users u ON u.id = e.user_id
WHERE e.id > ? AND e.id <= ?
ORDER BY e.id LIMIT ?`
	selectEventWindow = `SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM events`
	// The newest event is always kept, so that the oldest id kept tells where pruning stopped.
	pruneEvents = `DELETE FROM events
WHERE id < (SELECT MAX(id) FROM events) AND (id <= (SELECT MAX(id) FROM events) - ? OR at < ?)`
)

// EventWindow answers the ids of the oldest and newest events kept (0, 0 before the first). A
// client that last saw an id below oldest-1 has missed events that were pruned.
func (s *Store) EventWindow(ctx context.Context) (oldest, newest int64, err error) {
	if err := s.lookup.QueryRowContext(ctx, selectEventWindow).Scan(&oldest, &newest); err != nil {
		return 0, 0, fmt.Errorf("store: event window: %w", err)
	}
	return oldest, newest, nil
}

// EventsAfter answers up to limit events with ids above after and at most upTo, oldest first,
// each with the name of the user who caused it.
func (s *Store) EventsAfter(ctx context.Context, after, upTo int64, limit int) ([]citecheck.DeskEvent, error) {
	rows, err := s.lookup.QueryContext(ctx, selectEventsAfter, after, upTo, limit)
	if err != nil {
		return nil, fmt.Errorf("store: events after %d: %w", after, err)
	}
	defer rows.Close()
	var out []citecheck.DeskEvent
	for rows.Next() {
		var (
			e       citecheck.DeskEvent
			claim   sql.NullInt64
			version sql.NullInt64
			at      string
		)
		if err := rows.Scan(&e.ID, &e.Name, &e.DocumentID, &claim, &version, &e.By, &at); err != nil {
			return nil, fmt.Errorf("store: events after %d: %w", after, err)
		}
		e.ClaimID, e.Version = claim.Int64, int(version.Int64)
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: events after %d: %w", after, err)
	}
	return out, nil
}

// PruneEvents removes the events older than before, and all but the newest keep, always
// keeping the newest one. It answers how many it removed.
func (s *Store) PruneEvents(ctx context.Context, before time.Time, keep int) (int64, error) {
	res, err := s.exec(ctx, pruneEvents, keep, formatTime(before))
	if err != nil {
		return 0, fmt.Errorf("store: prune events: %w", err)
	}
	return res.RowsAffected()
}

// Committed answers a channel that is closed after the next commit of this store's writer and,
// on PostgreSQL, after the next commit of the desk's events by any server on the database
// (pglisten.go), so the live events' hub reads new events at once instead of at its next poll.
func (s *Store) Committed() <-chan struct{} {
	return s.writes.waitCommit()
}
