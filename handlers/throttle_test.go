package handlers

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
)

// twin is a second app server on the harness's database: its own store and its own router, as
// a second `citecheck serve` behind a load balancer would be.
func (h *harness) twin() *harness {
	h.t.Helper()
	st, err := store.Open(h.dbPath)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { st.Close() })
	e, err := New(st, Config{SessionKey: bytes.Repeat([]byte("k"), 64), Logger: discardLogger()})
	if err != nil {
		h.t.Fatal(err)
	}
	tw := &harness{t: h.t, st: st, echo: e, tokens: h.tokens, dbPath: h.dbPath}
	tw.srv = httptest.NewServer(validatingHandler(h.t, e, &tw.apiChecksOff))
	h.t.Cleanup(tw.srv.Close)
	return tw
}

// twoServers is a harness and its twin, their stores' clocks stopped at one moment (moved by
// hand), so the throttle's waits are exact.
func twoServers(t *testing.T) (a, b *harness, clock *testClock) {
	a = newHarness(t, Config{})
	b = a.twin()
	clock = &testClock{now: time.Now().UTC()}
	a.st.Now, b.st.Now = clock.Now, clock.Now
	return a, b, clock
}

// TestSignInThrottleHoldsAcrossServers: failed sign-ins on one server slow the same name, and
// the same address, on another server on the same database; the wait is told in the page, a
// right password does not get past it, and once the wait is over a success signs in.
func TestSignInThrottleHoldsAcrossServers(t *testing.T) {
	a, b, clock := twoServers(t)
	onA, onB := a.newBrowser(), b.newBrowser()
	onA.get("/login")
	onB.get("/login")
	signIn := func(br *browser, name, password string) response {
		return br.postForm("/login", url.Values{"username": {name}, "password": {password}}, true)
	}
	for i := 0; i < citecheck.ThrottleFreeAttempts; i++ {
		if r := signIn(onA, "Rita", "wrong"); r.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, r.status)
		}
	}
	r := signIn(onB, "rita", testPassword)
	if r.status != http.StatusTooManyRequests || !strings.Contains(string(r.body), "Try again in 1 seconds") {
		t.Fatalf("the other server after %d failures: %d %s", citecheck.ThrottleFreeAttempts, r.status, r.body)
	}
	if r := signIn(onB, "ed", testPassword); r.status != http.StatusTooManyRequests {
		t.Errorf("the same address with another name: %d", r.status)
	}
	clock.set(clock.Now().Add(time.Second))
	if r := signIn(onB, "rita", testPassword); r.status != http.StatusSeeOther {
		t.Fatalf("after the wait: %d %s", r.status, r.body)
	}
	if f, err := a.st.Failures(t.Context(), "name:rita"); err != nil || f.Count != 0 {
		t.Errorf("a success forgets the name's failures: %+v %v", f, err)
	}
}

// TestPasswordChangeThrottleHoldsAcrossServers: wrong current passwords on one server slow the
// account's password change on the other.
func TestPasswordChangeThrottleHoldsAcrossServers(t *testing.T) {
	a, b, clock := twoServers(t)
	onA, onB := a.newBrowser(), b.newBrowser()
	onA.login("rita")
	onB.login("rita")
	onB.get("/account")
	change := func(br *browser, current string) response {
		return br.postForm("/account/password", url.Values{"current": {current}, "new": {"a fresh password"}, "repeat": {"a fresh password"}}, true)
	}
	for i := 0; i < citecheck.ThrottleFreeAttempts+1; i++ {
		clock.set(clock.Now().Add(time.Minute)) // past each wait: every guess is counted
		if r := change(onA, "wrong"); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong guess %d: %d", i, r.status)
		}
	}
	r := change(onB, testPassword)
	if r.status != http.StatusTooManyRequests || !strings.Contains(string(r.body), "Try again in 2 seconds") {
		t.Fatalf("the other server after %d wrong guesses: %d %s", citecheck.ThrottleFreeAttempts+1, r.status, r.body)
	}
}
