package store

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store/pgtest"
)

// mustOpenTwo opens two stores on one fresh database, as two app servers would (on SQLite two
// handles on one file), both closed when the test ends.
func mustOpenTwo(tb testing.TB) (*Store, *Store) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "citecheck.db")
	if pgtest.Postgres() {
		path = pgtest.URL(tb, migrateOnly)
	}
	return mustOpenPath(tb, path), mustOpenPath(tb, path)
}

// manualClock is a clock that moves only when the test moves it, for stores that share it.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func mustWait(t *testing.T, s *Store, want time.Duration, keys ...string) {
	t.Helper()
	got, err := s.ThrottleWait(context.Background(), keys...)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("ThrottleWait(%v) = %v, want %v", keys, got, want)
	}
}

func mustFail(t *testing.T, s *Store, keys ...string) {
	t.Helper()
	if err := s.RecordFailure(context.Background(), keys...); err != nil {
		t.Fatal(err)
	}
}

// TestThrottleSlowsRepeatedFailuresAndForgets: the throttle's rule as the handlers saw it when
// it lived in memory, now kept in the database and read by a second store (another app server)
// on the same database as much as by the one that recorded the failures.
func TestThrottleSlowsRepeatedFailuresAndForgets(t *testing.T) {
	a, b := mustOpenTwo(t)
	clock := &manualClock{now: t0}
	a.Now, b.Now = clock.Now, clock.Now
	for i := 0; i < citecheck.ThrottleFreeAttempts; i++ {
		mustWait(t, b, 0, "name:ann", "ip:1.2.3.4")
		mustFail(t, a, "name:ann", "ip:1.2.3.4")
	}
	mustWait(t, b, time.Second, "name:ann")
	mustWait(t, b, time.Second, "ip:1.2.3.4", "name:bob") // the address is slowed for other names too
	clock.add(400 * time.Millisecond)
	mustWait(t, a, 600*time.Millisecond, "name:ann") // counted from the last failure
	mustFail(t, b, "name:ann")
	mustWait(t, a, 2*time.Second, "name:ann") // the wait doubles
	for i := 0; i < 40; i++ {
		mustFail(t, a, "name:ann")
	}
	mustWait(t, b, citecheck.ThrottleMaxDelay, "name:ann") // and is capped
	clock.add(citecheck.ThrottleWindow + time.Second)
	mustWait(t, b, 0, "name:ann", "ip:1.2.3.4") // failures are forgotten after the window
	mustFail(t, a, "name:ann")
	if f, err := b.Failures(context.Background(), "name:ann"); err != nil || f.Count != 1 {
		t.Fatalf("a failure after the window counts from one again: %+v %v", f, err)
	}
	mustFail(t, a, "name:cy")
	if err := b.ForgetFailures(context.Background(), "name:cy"); err != nil {
		t.Fatal(err)
	}
	if f, err := a.Failures(context.Background(), "name:cy"); err != nil || f.Count != 0 {
		t.Fatalf("success forgets: %+v %v", f, err)
	}
}

// TestRecordFailurePrunesExpiredAndOldestRows: the table stays bounded, by dropping the rows
// whose failures expired and, beyond the bound, the oldest ones.
func TestRecordFailurePrunesExpiredAndOldestRows(t *testing.T) {
	s := mustOpen(t)
	clock := &manualClock{now: t0}
	s.Now = clock.Now
	defer func(n int) { failureRowsKept = n }(failureRowsKept)
	failureRowsKept = 3
	mustFail(t, s, "name:old")
	clock.add(citecheck.ThrottleWindow + time.Second)
	for _, k := range []string{"name:a", "name:b", "name:c", "name:d", "name:e"} {
		clock.add(time.Second)
		mustFail(t, s, k)
	}
	var kept []string
	rows, err := s.lookup.QueryContext(context.Background(), `SELECT subject FROM login_failures ORDER BY last_at`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		kept = append(kept, k)
	}
	if want := []string{"name:c", "name:d", "name:e"}; !slices.Equal(kept, want) {
		t.Fatalf("kept %v, want %v", kept, want)
	}
}
