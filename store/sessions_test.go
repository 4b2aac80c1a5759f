package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

// fixedClock stops the store's clock at t0 and returns a function that moves it on.
func fixedClock(s *Store) (advance func(time.Duration)) {
	now := t0
	s.Now = func() time.Time { return now }
	return func(d time.Duration) { now = now.Add(d) }
}

func mustSession(t *testing.T, s *Store, hash string, userID int64, maxAge time.Duration) *citecheck.Session {
	t.Helper()
	sess, err := s.CreateSession(context.Background(), NewSession{TokenHash: hash, UserID: userID,
		Data: []byte("data of " + hash), UserAgent: "agent of " + hash, Address: "192.0.2.1", MaxAge: maxAge})
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

// liveHashes is which of the hashes still find a session.
func liveHashes(t *testing.T, s *Store, idle time.Duration, hashes ...string) map[string]bool {
	t.Helper()
	live := map[string]bool{}
	for _, h := range hashes {
		_, err := s.SessionByHash(context.Background(), h, idle)
		switch citecheck.ErrorCode(err) {
		case "":
			live[h] = true
		case citecheck.ECodeNotFound:
		default:
			t.Fatalf("session %s: %v", h, err)
		}
	}
	return live
}

func TestSessionsCreateLoadSaveAndList(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	fixedClock(s)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	bob := mustUser(t, s, "bob", citecheck.RoleReviewer)
	anon := mustSession(t, s, "h-anon", 0, time.Hour)
	a1 := mustSession(t, s, "h-ana-1", ana.ID, time.Hour)
	a2 := mustSession(t, s, "h-ana-2", ana.ID, time.Hour)
	mustSession(t, s, "h-bob", bob.ID, time.Hour)

	got, err := s.SessionByHash(ctx, "h-ana-1", time.Hour)
	if err != nil || got.ID != a1.ID || got.UserID != ana.ID || string(got.Data) != "data of h-ana-1" ||
		got.UserAgent != "agent of h-ana-1" || got.Address != "192.0.2.1" || !got.ExpiresAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("SessionByHash = %+v, %v", got, err)
	}
	if got, err := s.SessionByHash(ctx, "h-anon", time.Hour); err != nil || got.ID != anon.ID || got.UserID != 0 {
		t.Fatalf("anonymous session = %+v, %v", got, err)
	}
	_, err = s.CreateSession(ctx, NewSession{TokenHash: "h-ana-1", UserID: ana.ID, MaxAge: time.Hour})
	wantCode(t, err, citecheck.ECodeConflict)
	_, err = s.CreateSession(ctx, NewSession{TokenHash: "h-x", UserID: 999, MaxAge: time.Hour})
	wantCode(t, err, citecheck.ECodeNotFound)
	_, err = s.CreateSession(ctx, NewSession{TokenHash: "h-y", MaxAge: 0})
	wantCode(t, err, citecheck.ECodeInvalid)

	// Values are saved only under the owner the session was started for.
	for _, c := range []struct {
		hash string
		user int64
		ok   bool
	}{
		{"h-ana-1", ana.ID, true},
		{"h-anon", 0, true},
		{"h-anon", ana.ID, false}, // a visitor's id never becomes a signed-in session
		{"h-ana-1", 0, false},
		{"h-ana-1", bob.ID, false},
		{"h-gone", ana.ID, false},
	} {
		err := s.SaveSessionData(ctx, c.hash, c.user, []byte("saved"))
		if c.ok && err != nil {
			t.Errorf("save %s as user %d: %v", c.hash, c.user, err)
		}
		if !c.ok {
			wantCode(t, err, citecheck.ECodeNotFound)
		}
	}
	if got, _ := s.SessionByHash(ctx, "h-ana-1", time.Hour); string(got.Data) != "saved" {
		t.Errorf("saved data = %q", got.Data)
	}

	if err := s.TouchSession(ctx, "h-ana-1", t0.Add(time.Minute), "Firefox", "198.51.100.7"); err != nil {
		t.Fatal(err)
	}
	list, err := s.UserSessions(ctx, ana.ID, time.Hour, "h-ana-2")
	if err != nil || len(list) != 2 {
		t.Fatalf("UserSessions = %+v, %v", list, err)
	}
	if list[0].ID != a1.ID || list[0].Current || list[0].UserAgent != "Firefox" || list[0].Address != "198.51.100.7" ||
		!list[0].LastUsedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("most recently used first, with its new agent and address: %+v", list[0])
	}
	if list[1].ID != a2.ID || !list[1].Current {
		t.Errorf("the current session is marked: %+v", list[1])
	}
	if list, _ := s.UserSessions(ctx, ana.ID, time.Hour, ""); list[0].Current || list[1].Current {
		t.Errorf("without a current session none is marked: %+v", list)
	}
}

func TestSessionsEndAtTheirIdleAndAbsoluteLifetimes(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	advance := fixedClock(s)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	const idle, maxAge = 2 * time.Hour, 5 * time.Hour
	mustSession(t, s, "busy", ana.ID, maxAge)
	mustSession(t, s, "idle", ana.ID, maxAge)
	for _, step := range []struct {
		at   time.Duration // since t0
		live []string
	}{
		{time.Hour, []string{"busy", "idle"}},
		{2*time.Hour - time.Second, []string{"busy", "idle"}},
		{2 * time.Hour, []string{"busy"}}, // idle for exactly the idle lifetime: ended
		{3 * time.Hour, []string{"busy"}},
		{4 * time.Hour, []string{"busy"}},
		{5*time.Hour - time.Second, []string{"busy"}},
		{5 * time.Hour, nil}, // the absolute end, however busy
	} {
		advance(step.at - s.Now().Sub(t0))
		live := liveHashes(t, s, idle, "busy", "idle")
		if len(live) != len(step.live) {
			t.Errorf("at +%v: live %v, want %v", step.at, live, step.live)
		}
		for _, h := range step.live {
			if !live[h] {
				t.Errorf("at +%v: %s has ended", step.at, h)
			}
		}
		list, err := s.UserSessions(ctx, ana.ID, idle, "")
		if err != nil || len(list) != len(step.live) {
			t.Errorf("at +%v: the list holds %d sessions, want %d (%v)", step.at, len(list), len(step.live), err)
		}
		// The busy session is used every step, as a browser would.
		if err := s.TouchSession(ctx, "busy", s.Now(), "", ""); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPruneSessionsDeletesOnlyEndedRows(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	advance := fixedClock(s)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	mustSession(t, s, "short", ana.ID, time.Hour)
	mustSession(t, s, "idle", 0, 10*time.Hour)
	mustSession(t, s, "fresh", ana.ID, 10*time.Hour)
	advance(90 * time.Minute)
	if err := s.TouchSession(ctx, "fresh", s.Now(), "", ""); err != nil {
		t.Fatal(err)
	}
	n, err := s.PruneSessions(ctx, time.Hour)
	if err != nil || n != 2 {
		t.Fatalf("PruneSessions = %d, %v; want 2", n, err)
	}
	if rows := countRows(t, s, "sessions"); rows != 1 {
		t.Errorf("%d rows left, want 1", rows)
	}
	if live := liveHashes(t, s, time.Hour, "fresh"); !live["fresh"] {
		t.Errorf("the live session was pruned")
	}
}

func TestEndingSessionsOneAllOrByAnAccountChange(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	fixedClock(s)
	root := mustUser(t, s, "root", citecheck.RoleAdmin)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	bob := mustUser(t, s, "bob", citecheck.RoleReviewer)
	all := []string{"root", "ana-1", "ana-2", "bob", "anon"}
	start := func() map[string]*citecheck.Session {
		m := map[string]*citecheck.Session{}
		s.writer.Exec(`DELETE FROM sessions`)
		for _, h := range all {
			owner := map[string]int64{"root": root.ID, "ana-1": ana.ID, "ana-2": ana.ID, "bob": bob.ID}[h]
			m[h] = mustSession(t, s, h, owner, time.Hour)
		}
		return m
	}
	for _, c := range []struct {
		name    string
		end     func(m map[string]*citecheck.Session) error
		code    string
		survive []string
	}{
		{"end one", func(m map[string]*citecheck.Session) error { return s.EndUserSession(ctx, ana.ID, m["ana-1"].ID) },
			"", []string{"root", "ana-2", "bob", "anon"}},
		{"end someone else's", func(m map[string]*citecheck.Session) error { return s.EndUserSession(ctx, ana.ID, m["bob"].ID) },
			citecheck.ECodeNotFound, all},
		{"end an unknown one", func(m map[string]*citecheck.Session) error { return s.EndUserSession(ctx, ana.ID, 9999) },
			citecheck.ECodeNotFound, all},
		{"sign out everywhere", func(map[string]*citecheck.Session) error { _, err := s.EndUserSessions(ctx, ana.ID); return err },
			"", []string{"root", "bob", "anon"}},
		{"sign out", func(map[string]*citecheck.Session) error { return s.DeleteSession(ctx, "ana-2") },
			"", []string{"root", "ana-1", "bob", "anon"}},
		{"sign out of an ended session", func(map[string]*citecheck.Session) error { return s.DeleteSession(ctx, "gone") },
			"", all},
		{"password change", func(map[string]*citecheck.Session) error {
			_, err := s.SetUserPassword(ctx, "ana", []byte("h"))
			return err
		},
			"", []string{"root", "bob", "anon"}},
		{"disable", func(map[string]*citecheck.Session) error { _, err := s.SetUserDisabled(ctx, "ana", true); return err },
			"", []string{"root", "bob", "anon"}},
		{"enable", func(map[string]*citecheck.Session) error { _, err := s.SetUserDisabled(ctx, "ana", false); return err },
			"", all},
		{"a role change", func(map[string]*citecheck.Session) error {
			_, err := s.SetUserRole(ctx, "ana", citecheck.RoleEditor)
			return err
		},
			"", all},
		{"a refused disable (the last admin)", func(map[string]*citecheck.Session) error { _, err := s.SetUserDisabled(ctx, "root", true); return err },
			citecheck.ECodeInvalid, all},
	} {
		m := start()
		err := c.end(m)
		if citecheck.ErrorCode(err) != c.code && !(c.code == "" && err == nil) {
			t.Errorf("%s: %v, want code %q", c.name, err, c.code)
		}
		live := liveHashes(t, s, time.Hour, all...)
		if len(live) != len(c.survive) {
			t.Errorf("%s: live %v, want %v", c.name, live, c.survive)
		}
		for _, h := range c.survive {
			if !live[h] {
				t.Errorf("%s: %s ended", c.name, h)
			}
		}
	}
}

// countRows counts the rows of a table.
func countRows(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.reader.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	return n
}

// A new visitor's session ends its address's oldest visitor sessions past KeepVisitors, and
// touches no other address's and no signed-in session.
func TestCreateSessionCapsAnAddressesVisitorSessions(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	fixedClock(s)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	visit := func(hash, address string, uid int64) {
		t.Helper()
		if _, err := s.CreateSession(ctx, NewSession{TokenHash: hash, UserID: uid, Address: address, MaxAge: time.Hour, KeepVisitors: 3}); err != nil {
			t.Fatal(err)
		}
	}
	visit("signed-in", "192.0.2.1", ana.ID)
	visit("elsewhere", "198.51.100.7", 0)
	var hashes []string
	for i := range 6 {
		h := fmt.Sprintf("visit-%d", i)
		hashes = append(hashes, h)
		visit(h, "192.0.2.1", 0)
	}
	live := liveHashes(t, s, time.Hour, append(hashes, "signed-in", "elsewhere")...)
	want := map[string]bool{"visit-3": true, "visit-4": true, "visit-5": true, "signed-in": true, "elsewhere": true}
	if !maps.Equal(live, want) {
		t.Fatalf("live sessions %v, want %v", live, want)
	}
	// Without KeepVisitors, nothing is capped.
	for i := range 3 {
		if _, err := s.CreateSession(ctx, NewSession{TokenHash: fmt.Sprintf("free-%d", i), Address: "203.0.113.9", MaxAge: time.Hour}); err != nil {
			t.Fatal(err)
		}
	}
	if live := liveHashes(t, s, time.Hour, "free-0", "free-1", "free-2", "visit-5"); len(live) != 4 {
		t.Fatalf("uncapped: %v", live)
	}
}
