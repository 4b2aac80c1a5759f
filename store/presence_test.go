package store

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/citecheck/citecheck/store/pgtest"
)

func mustSetPresence(t *testing.T, s *Store, server string, doc int64, users ...string) {
	t.Helper()
	if err := s.SetPresence(context.Background(), server, doc, users); err != nil {
		t.Fatal(err)
	}
}

func wantPresence(t *testing.T, s *Store, fresh time.Time, want map[int64][]string) {
	t.Helper()
	got, err := s.Presence(context.Background(), fresh)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Presence = %v, want %v", got, want)
	}
}

// TestPresenceIsTheUnionOfEveryServersRows: two servers (two stores on one database) each say
// who has a document open through them; both read everyone, each name once, sorted; a server
// replaces only its own rows; the rows of a server that stopped touching them are ignored, then
// pruned by a server that still runs. On PostgreSQL a server's change wakes the other's hub.
func TestPresenceIsTheUnionOfEveryServersRows(t *testing.T) {
	a, b := mustOpenTwo(t)
	clock := &manualClock{now: t0}
	a.Now, b.Now = clock.Now, clock.Now
	if pgtest.Postgres() {
		// a has written nothing: only a notification of b's write can wake it.
		waitFor(t, a.listen.ready, "listening")
		woken := a.Committed()
		mustSetPresence(t, b, "B", 2, "bob", "ann")
		waitFor(t, woken, "another server's presence change")
	} else {
		mustSetPresence(t, b, "B", 2, "bob", "ann")
	}
	mustSetPresence(t, a, "A", 1, "cy")
	mustSetPresence(t, a, "A", 2, "ann")
	wantPresence(t, a, t0, map[int64][]string{1: {"cy"}, 2: {"ann", "bob"}})

	mustSetPresence(t, b, "B", 2, "bob")
	mustSetPresence(t, a, "A", 1)
	wantPresence(t, b, t0, map[int64][]string{2: {"ann", "bob"}})

	clock.add(time.Minute)
	if err := a.TouchPresence(context.Background(), "A", clock.Now().Add(-30*time.Second)); err != nil {
		t.Fatal(err)
	}
	wantPresence(t, b, t0, map[int64][]string{2: {"ann"}}) // B stopped touching its rows: pruned
}
