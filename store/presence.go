package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// Presence (migration 0026): who has which document open, written by each app server for its
// own streams and read for all of them, so a page names everyone who has its document open
// whichever server they came through.
const (
	deletePresence = `DELETE FROM presence WHERE server = ? AND document_id = ?`
	insertPresence = `INSERT INTO presence (server, document_id, user_name, seen_at) VALUES (?, ?, ?, ?)`
	touchPresence  = `UPDATE presence SET seen_at = ? WHERE server = ?`
	prunePresence  = `DELETE FROM presence WHERE seen_at < ?`
	selectPresence = `SELECT DISTINCT document_id, user_name FROM presence WHERE seen_at >= ?`
)

// SetPresence records that users (each once) have doc open on server, replacing what server
// said of doc before; no users clears it.
func (s *Store) SetPresence(ctx context.Context, server string, doc int64, users []string) error {
	now := formatTime(s.now())
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, deletePresence, server, doc); err != nil {
			return err
		}
		for _, u := range users {
			if _, err := tx.ExecContext(ctx, insertPresence, server, doc, u, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: set presence: %w", err)
	}
	return nil
}

// TouchPresence marks server's rows as current, and removes the rows not touched since stale:
// those of servers that stopped without clearing them.
func (s *Store) TouchPresence(ctx context.Context, server string, stale time.Time) error {
	now := formatTime(s.now())
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, touchPresence, now, server); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, prunePresence, formatTime(stale))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: touch presence: %w", err)
	}
	return nil
}

// Presence answers, per document, the users who have it open on any server, each once and
// sorted, from the rows touched since fresh.
func (s *Store) Presence(ctx context.Context, fresh time.Time) (map[int64][]string, error) {
	rows, err := s.lookup.QueryContext(ctx, selectPresence, formatTime(fresh))
	if err != nil {
		return nil, fmt.Errorf("store: presence: %w", err)
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var (
			doc  int64
			user string
		)
		if err := rows.Scan(&doc, &user); err != nil {
			return nil, fmt.Errorf("store: presence: %w", err)
		}
		out[doc] = append(out[doc], user)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: presence: %w", err)
	}
	for _, users := range out {
		slices.Sort(users) // by bytes, as on every engine whatever its collation
	}
	return out, nil
}
