package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/citecheck/citecheck"
)

// The sign-in throttle's failures (migration 0024), shared by every app server on the database.
// The rule that counts and reads them is citecheck.Failures; this file keeps them.
const (
	selectFailures = `SELECT failures, last_at FROM login_failures WHERE subject = ?`
	upsertFailures = `INSERT INTO login_failures (subject, failures, last_at) VALUES (?, ?, ?)
ON CONFLICT (subject) DO UPDATE SET failures = excluded.failures, last_at = excluded.last_at`
	deleteFailures = `DELETE FROM login_failures WHERE subject = ?`
	// pruneFailures removes the expired rows and those older than the Nth newest (N is the
	// bound, the OFFSET its N-1); the subquery finds nothing while the table is within it.
	pruneFailures = `DELETE FROM login_failures WHERE last_at < ?
OR last_at < (SELECT last_at FROM login_failures ORDER BY last_at DESC LIMIT 1 OFFSET ?)`
)

// failureRowsKept bounds the table under a flood of names: beyond it the oldest rows go, as the
// whole map went when the throttle lived in memory. A variable so that a test can lower it.
var failureRowsKept = 100_000

// Failures answers what the throttle knows of key; a key that never failed has none.
func (s *Store) Failures(ctx context.Context, key string) (citecheck.Failures, error) {
	return readFailures(ctx, s.lookup, key)
}

// ThrottleWait answers how long an attempt on any of keys must still wait, by the store's clock:
// the longest wait among them.
func (s *Store) ThrottleWait(ctx context.Context, keys ...string) (time.Duration, error) {
	now := s.now()
	var longest time.Duration
	for _, k := range keys {
		f, err := s.Failures(ctx, k)
		if err != nil {
			return 0, err
		}
		longest = max(longest, f.Wait(now))
	}
	return longest, nil
}

// RecordFailure counts one failed attempt under every key, and prunes what has expired.
func (s *Store) RecordFailure(ctx context.Context, keys ...string) error {
	now := s.now()
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, k := range keys {
			f, err := readFailures(ctx, tx, k)
			if err != nil {
				return err
			}
			f = f.Failed(now)
			if _, err := tx.ExecContext(ctx, upsertFailures, k, f.Count, formatTime(f.Last)); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, pruneFailures, formatTime(now.Add(-citecheck.ThrottleWindow)), failureRowsKept-1)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: record failed attempt: %w", err)
	}
	return nil
}

// ForgetFailures forgets the failures of key, after a successful attempt. A key with none
// costs a read, not a write: most sign-ins follow no failure.
func (s *Store) ForgetFailures(ctx context.Context, key string) error {
	if f, err := s.Failures(ctx, key); err != nil || f.Count == 0 {
		return err
	}
	if _, err := s.exec(ctx, deleteFailures, key); err != nil {
		return fmt.Errorf("store: forget failed attempts: %w", err)
	}
	return nil
}

// readFailures reads key's row through q (a pool, or the write transaction that updates it).
func readFailures(ctx context.Context, q queryer, key string) (citecheck.Failures, error) {
	var (
		f    citecheck.Failures
		last string
	)
	err := q.QueryRowContext(ctx, selectFailures, key).Scan(&f.Count, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return citecheck.Failures{}, nil
	}
	if err != nil {
		return f, fmt.Errorf("store: failed attempts of %q: %w", key, err)
	}
	f.Last, err = parseTime(last)
	return f, err
}
