package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/citecheck/citecheck"
)

// holdWriter occupies the writer with a write that waits until the returned function is called,
// so that the writes queued meanwhile all join its batch; release returns the held write's error.
func holdWriter(t *testing.T, s *Store) (release func() error) {
	t.Helper()
	started, unblock, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- s.withTx(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
			close(started)
			<-unblock
			return nil
		})
	}()
	<-started
	return func() error {
		close(unblock)
		return <-done
	}
}

// waitQueued waits until n writes wait in the queue.
func waitQueued(s *Store, n int) {
	for len(s.writes.jobs) < n {
		runtime.Gosched()
	}
}

// setting reads a setting through the reader pool: what is committed.
func setting(t *testing.T, s *Store, key string) (string, bool) {
	t.Helper()
	var v string
	err := s.reader.QueryRow(`SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return v, true
}

// queuedWrite is a write in TestQueuedWritesShareOneCommitInArrivalOrder: what it does after it
// has recorded its turn.
type queuedWrite struct {
	key  string
	fail bool // insert, then fail: the insert must be undone
	boom bool // insert, then panic: the insert must be undone and the panic reach the caller
}

func TestQueuedWritesShareOneCommitInArrivalOrder(t *testing.T) {
	s := mustOpen(t)
	writes := []queuedWrite{{key: "a"}, {key: "b", fail: true}, {key: "c"}, {key: "d", boom: true}, {key: "e"}}
	var mu sync.Mutex
	var order []string
	errs := make([]error, len(writes))
	panics := make([]any, len(writes))
	var wg sync.WaitGroup
	release := holdWriter(t, s)
	before := s.writes.commits.Load()
	for i, w := range writes {
		wg.Go(func() {
			defer func() { panics[i] = recover() }()
			errs[i] = s.withTx(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
				mu.Lock()
				order = append(order, w.key)
				mu.Unlock()
				// Every write sees the successful writes queued before it, uncommitted as they are.
				var seen int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM settings WHERE key < ?`, w.key).Scan(&seen); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, w.key, fmt.Sprint(seen)); err != nil {
					return err
				}
				if w.boom {
					panic("boom")
				}
				if w.fail {
					return citecheck.Errorf(citecheck.ECodeInvalid, "refused")
				}
				return nil
			})
		})
		waitQueued(s, i+1) // queue them one after another, so arrival order is known
	}
	if err := release(); err != nil {
		t.Errorf("held write: %v", err)
	}
	wg.Wait()

	if got := s.writes.commits.Load() - before; got != 1 {
		t.Errorf("%d commits for the held write and %d queued writes, want 1", got, len(writes))
	}
	if fmt.Sprint(order) != "[a b c d e]" {
		t.Errorf("writes ran in order %v, want arrival order", order)
	}
	for i, w := range writes {
		_, stored := setting(t, s, w.key)
		switch {
		case w.fail:
			var e *citecheck.Error
			if !errors.As(errs[i], &e) || e.Code != citecheck.ECodeInvalid || stored {
				t.Errorf("%s: error %v, stored %v; want its own error and nothing stored", w.key, errs[i], stored)
			}
		case w.boom:
			if panics[i] != "boom" || stored {
				t.Errorf("%s: panic %v, stored %v; want the panic in its caller and nothing stored", w.key, panics[i], stored)
			}
		default:
			if errs[i] != nil || panics[i] != nil || !stored {
				t.Errorf("%s: error %v, panic %v, stored %v; want it committed", w.key, errs[i], panics[i], stored)
			}
		}
	}
	// c saw only a (b was undone); e saw a and c (d was undone).
	for key, want := range map[string]string{"a": "0", "c": "1", "e": "2"} {
		if got, _ := setting(t, s, key); got != want {
			t.Errorf("%s saw %s earlier writes, want %s", key, got, want)
		}
	}
}

func TestWriteCancelledWhileQueuedNeverRuns(t *testing.T) {
	s := mustOpen(t)
	release := holdWriter(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	ran := false
	errc := make(chan error, 1)
	go func() {
		errc <- s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			ran = true
			_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('cancelled', 'x')`)
			return err
		})
	}()
	waitQueued(s, 1)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled queued write: %v, want context.Canceled", err)
	}
	if err := release(); err != nil {
		t.Errorf("held write: %v", err)
	}
	// A write queued after it runs once the writer is free; by then the dropped one was skipped.
	if _, err := s.exec(context.Background(), `INSERT INTO settings (key, value) VALUES ('after', 'x')`); err != nil {
		t.Fatal(err)
	}
	if _, stored := setting(t, s, "cancelled"); ran || stored {
		t.Errorf("cancelled write ran %v, stored %v; want neither", ran, stored)
	}
}

func TestWriteCancelledWhileRunningFinishes(t *testing.T) {
	s := mustOpen(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		cancel() // the request goes away after its write has started
		for _, key := range []string{"one", "two"} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, 'x')`, key); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("started write: %v, want it to finish", err)
	}
	for _, key := range []string{"one", "two"} {
		if _, stored := setting(t, s, key); !stored {
			t.Errorf("%s not stored", key)
		}
	}
}

func TestWriteLosingItsTransactionFailsTheWritesBeforeIt(t *testing.T) {
	s := mustOpen(t)
	// The whole transaction is lost, as on a full disk or an I/O error (SQLite) or a dropped
	// connection (PostgreSQL).
	failingTrigger(t, s, "lose", "settings", "NEW.key = 'lose'", true)
	keys := []string{"before", "lose", "after"}
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	release := holdWriter(t, s)
	for i, key := range keys {
		wg.Go(func() {
			_, errs[i] = s.exec(context.Background(), `INSERT INTO settings (key, value) VALUES (?, 'x')`, key)
		})
		waitQueued(s, i+1)
	}
	// The held write shares the lost transaction, so it is not acknowledged either.
	if err := release(); err == nil {
		t.Error("held write acknowledged, though its transaction was lost")
	}
	wg.Wait()
	for i, tc := range []struct {
		key              string
		wantErr, wantRow bool
	}{{"before", true, false}, {"lose", true, false}, {"after", false, true}} {
		if _, stored := setting(t, s, tc.key); (errs[i] != nil) != tc.wantErr || stored != tc.wantRow {
			t.Errorf("%s: error %v, stored %v; want error %v, stored %v", tc.key, errs[i], stored, tc.wantErr, tc.wantRow)
		}
	}
}

func TestWriteInsideAWriteIsRefused(t *testing.T) {
	s := mustOpen(t)
	err := s.withTx(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
		_, err := s.exec(ctx, `INSERT INTO settings (key, value) VALUES ('nested', 'x')`)
		return err
	})
	if !errors.Is(err, errNestedWrite) {
		t.Errorf("nested write: %v, want errNestedWrite", err)
	}
}

func TestWriteAfterCloseIsRefused(t *testing.T) {
	s := mustOpen(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.exec(context.Background(), `INSERT INTO settings (key, value) VALUES ('late', 'x')`); !errors.Is(err, errClosed) {
		t.Errorf("write after close: %v, want errClosed", err)
	}
}
