package store

import (
	"context"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store/pgtest"
)

// hangGuard bounds a wait that must end, so a broken wake fails the test instead of hanging it;
// it is not a measure of speed (nothing in the store polls: only a wake can end the wait).
const hangGuard = 30 * time.Second

func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(hangGuard):
		t.Fatalf("waited in vain for %s", what)
	}
}

// TestCommittedWakesOnAnotherServersWrite: on PostgreSQL a write through one store (one app
// server) wakes the waiters of Committed() on another store on the same database, through
// LISTEN/NOTIFY; after the listening connection is killed it comes back, wakes its waiters once
// (it may have missed commits meanwhile) and hears the next write again. On SQLite, where the
// servers of one file hear each other through the hub's poll, a store's own write wakes its own
// waiters, and its own only.
func TestCommittedWakesOnAnotherServersWrite(t *testing.T) {
	a, b := mustOpenTwo(t)
	ctx := context.Background()
	u := mustUser(t, b, "ann", citecheck.RoleEditor)
	if !pgtest.Postgres() {
		own, other := b.Committed(), a.Committed()
		mustDocument(t, b, u, "one")
		waitFor(t, own, "a write through the same store to wake Committed()")
		select {
		case <-other:
			t.Fatal("on SQLite another handle's write wakes nothing but the poll")
		default:
		}
		return
	}
	waitFor(t, a.listen.ready, "listening") // the listener's first connection
	woken := a.Committed()
	mustDocument(t, b, u, "one")
	waitFor(t, woken, "a write through the other store")

	woken = a.Committed()
	if _, err := b.writer.ExecContext(ctx, `SELECT pg_terminate_backend(?)`, int64(a.listen.pid.Load())); err != nil {
		t.Fatal(err)
	}
	waitFor(t, woken, "getting the listening connection back")
	woken = a.Committed()
	mustDocument(t, b, u, "two")
	waitFor(t, woken, "a write after the connection came back")

	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-a.listen.done:
	default:
		t.Error("Close returned with the listener still running")
	}
}
