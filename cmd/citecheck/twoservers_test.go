package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
	"github.com/citecheck/citecheck/store/pgtest"
)

// TestTwoServersOnOneDatabaseBehaveAsOne starts two `citecheck serve` processes, A and B, on one
// database (with CITECHECK_TEST_ENGINE=postgres a PostgreSQL database of its own, else one
// SQLite file) and checks what must hold across them: a session signed in on A works on B, and
// signing out on B ends it on A; failed sign-ins on A slow the same name on B; a live stream
// open on B receives a claim created through A; a claim's version moves for both, so a stale
// version is refused on B after an update on A; who has a document open through either server
// is named on both.
//
// On PostgreSQL the hub's poll is an hour, so only LISTEN/NOTIFY can bring the event to B; on
// SQLite the servers of one file hear each other through the poll, set short here.
func TestTwoServersOnOneDatabaseBehaveAsOne(t *testing.T) {
	dir := t.TempDir()
	db, poll := filepath.Join(dir, "c.db"), "100ms"
	if pgtest.Postgres() {
		db, poll = pgtest.URL(t, migrateDatabase), "1h" // fails at once without a server
	}
	bin := filepath.Join(dir, "citecheck")
	buildBinary(t, bin)
	flags := []string{"--live-poll", poll, "--live-heartbeat", "1h"}
	a, killA := startServer(t, bin, db, flags...)
	defer killA()
	b, killB := startServer(t, bin, db, flags...) // after A, which created the admin
	defer killB()
	ritaTok := userToken(t, db, "rita", "reviewer")
	tok, _, err := runCLI(t, "", "token", "create", "--db", db, "--user", "admin")
	if err != nil {
		t.Fatal(err)
	}
	tok = strings.TrimSpace(tok)

	t.Run("sessions", func(t *testing.T) { sessionAcrossServers(t, a, b) })
	t.Run("throttle", func(t *testing.T) { throttleAcrossServers(t, a, b) })
	claim := liveAcrossServers(t, a, b, tok)
	t.Run("versions", func(t *testing.T) { versionsAcrossServers(t, a, b, tok, claim) })
	t.Run("presence", func(t *testing.T) { presenceAcrossServers(t, a, b, tok, ritaTok, claim.DocumentID) })
}

// migrateDatabase applies the migrations to the database at url.
func migrateDatabase(url string) error {
	st, err := store.Open(url)
	if err != nil {
		return err
	}
	return st.Close()
}

// ritaPassword is the password userToken gives rita.
const ritaPassword = "rita's password"

// sessionAcrossServers: sign in on A, use the session on B, sign out on B, and the same cookie
// no longer works on A.
func sessionAcrossServers(t *testing.T, a, b string) {
	br := newBrowser(t, "127.0.0.1")
	if r := br.signIn(a, "rita", ritaPassword); r != http.StatusSeeOther {
		t.Fatalf("sign in on A: %d", r)
	}
	cookie := br.cookieHeader(a)
	if status, _ := br.get(b + "/"); status != http.StatusOK {
		t.Fatalf("the session from A on B: %d", status)
	}
	if r := br.post(b, "/logout", url.Values{}); r != http.StatusSeeOther {
		t.Fatalf("sign out on B: %d", r)
	}
	req, _ := http.NewRequest("GET", a+"/", nil)
	req.Header.Set("Cookie", cookie) // the cookie as it was before the sign-out, copied
	res, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("the session signed out on B still works on A: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

// throttleAcrossServers: the free failures are spent on A, from one address; B, reached from
// another address so that only the name can be what it slows, refuses the name at once. The
// wait counts from the last failure, so a refusal can only be missed if the wait had passed:
// then the attempt is one more failure, the wait doubles, and B is asked again.
func throttleAcrossServers(t *testing.T, a, b string) {
	onA, onB := newBrowser(t, "127.0.0.1"), newBrowser(t, "127.0.0.2")
	for i := 0; i < citecheck.ThrottleFreeAttempts; i++ {
		if r := onA.signIn(a, "rita", "wrong"); r != http.StatusUnauthorized {
			t.Fatalf("failure %d on A: %d", i, r)
		}
	}
	since := time.Now() // no later than the last failure
	for wait := time.Second; ; wait *= 2 {
		before := time.Now()
		r := onB.signIn(b, "Rita", "wrong")
		if r == http.StatusTooManyRequests {
			return
		}
		if r != http.StatusUnauthorized || time.Since(since) < wait || wait > citecheck.ThrottleMaxDelay {
			t.Fatalf("B after the failures on A: %d, %v after them", r, time.Since(since))
		}
		since = before
	}
}

// liveAcrossServers opens the desk's stream on B, creates a document and a claim through A, and
// waits for B's stream to announce the claim. It answers the claim.
func liveAcrossServers(t *testing.T, a, b, tok string) citecheck.Claim {
	desk := openStream(t, b+"/api/v1/events", tok)
	var doc citecheck.Document
	if s := sendJSON(t, http.DefaultClient, "POST", a+"/api/v1/documents", tok, map[string]string{"title": "two", "text": "One claim. [1]"}, &doc); s != http.StatusCreated {
		t.Fatalf("create a document on A: %d", s)
	}
	var claim citecheck.Claim
	if s := sendJSON(t, http.DefaultClient, "POST", fmt.Sprintf("%s/api/v1/documents/%d/claims", a, doc.ID), tok,
		map[string]any{"start": 0, "end": 10, "refs": []int{1}}, &claim); s != http.StatusCreated {
		t.Fatalf("create a claim on A: %d", s)
	}
	waitForEvent(t, desk, citecheck.EventClaimCreated, fmt.Sprintf(`"claim_id":%d`, claim.ID), "B's desk stream: the claim created on A")
	return claim
}

// presenceAcrossServers: admin has the document open through A, rita through B; each server's
// stream names both.
func presenceAcrossServers(t *testing.T, a, b, adminTok, ritaTok string, doc int64) {
	onA := openStream(t, fmt.Sprintf("%s/api/v1/documents/%d/events", a, doc), adminTok)
	onB := openStream(t, fmt.Sprintf("%s/api/v1/documents/%d/events", b, doc), ritaTok)
	waitForEvent(t, onA, citecheck.EventPresence, `"users":["admin","rita"]`, "A's stream: rita, present through B")
	waitForEvent(t, onB, citecheck.EventPresence, `"users":["admin","rita"]`, "B's stream: admin, present through A")
}

// openStream opens a live stream and answers its lines; the stream ends with the test.
func openStream(t *testing.T, url, tok string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	stream, err := http.DefaultClient.Do(req)
	if err != nil || stream.StatusCode != http.StatusOK {
		t.Fatalf("open the stream %s: %v %v", url, stream, err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		defer stream.Body.Close()
		sc := bufio.NewScanner(stream.Body)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	if _, ok := <-lines; !ok { // the opening lines come once the stream is subscribed
		t.Fatalf("the stream %s ended at once", url)
	}
	return lines
}

// waitForEvent reads lines until an event named name whose data holds want. The guard is not
// a measure of speed: with an hour's poll on PostgreSQL, only a notification delivers.
func waitForEvent(t *testing.T, lines <-chan string, name, want, what string) {
	t.Helper()
	guard := time.After(30 * time.Second)
	for event := ""; ; {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("the stream ended before %s", what)
			}
			if strings.HasPrefix(line, "event: ") {
				event = strings.TrimPrefix(line, "event: ")
			}
			if event == name && strings.HasPrefix(line, "data: ") && strings.Contains(line, want) {
				return
			}
		case <-guard:
			t.Fatalf("waited in vain for %s", what)
		}
	}
}

// versionsAcrossServers: an update on A with the claim's version, then one on B with the same,
// now stale, version: 409 with the claim as A left it.
func versionsAcrossServers(t *testing.T, a, b, tok string, claim citecheck.Claim) {
	path := fmt.Sprintf("/api/v1/claims/%d", claim.ID)
	var updated citecheck.Claim
	if s := sendJSON(t, http.DefaultClient, "PATCH", a+path, tok, map[string]any{"version": claim.Version, "note": "from A"}, &updated); s != http.StatusOK {
		t.Fatalf("update on A: %d", s)
	}
	res := rawJSON(t, "PATCH", b+path, tok, fmt.Sprintf(`{"version": %d, "note": "from B"}`, claim.Version))
	if res.status != http.StatusConflict || !strings.Contains(res.body, `"note":"from A"`) {
		t.Fatalf("a stale version on B: %d %s", res.status, res.body)
	}
}

// rawAnswer is an answer's status and body, for answers that sendJSON does not decode.
type rawAnswer struct {
	status int
	body   string
}

func rawJSON(t *testing.T, method, url, tok, body string) rawAnswer {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return rawAnswer{res.StatusCode, string(b)}
}

// noRedirects is a client that hands back redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// browser is a cookie-carrying client that connects from a given loopback address; a cookie
// jar ignores ports, so it carries one session to both servers, as a browser behind a load
// balancer would.
type browser struct {
	t      *testing.T
	client *http.Client
	csrf   string
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]*)"`)

func newBrowser(t *testing.T, from string) *browser {
	jar, _ := cookiejar.New(nil)
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	transport := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, addr)
	}}
	t.Cleanup(transport.CloseIdleConnections)
	return &browser{t: t, client: &http.Client{Jar: jar, Transport: transport, CheckRedirect: noRedirects.CheckRedirect}}
}

// get fetches a page and remembers its CSRF token.
func (br *browser) get(url string) (int, string) {
	br.t.Helper()
	res, err := br.client.Get(url)
	if err != nil {
		br.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if m := csrfMeta.FindSubmatch(b); m != nil {
		br.csrf = string(m[1])
	}
	return res.StatusCode, string(b)
}

// post sends a form with the CSRF token of the last page.
func (br *browser) post(base, path string, form url.Values) int {
	br.t.Helper()
	form.Set("csrf_token", br.csrf)
	res, err := br.client.PostForm(base+path, form)
	if err != nil {
		br.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// signIn signs in through base's form.
func (br *browser) signIn(base, name, password string) int {
	br.get(base + "/login")
	return br.post(base, "/login", url.Values{"username": {name}, "password": {password}})
}

// cookieHeader is the Cookie header the browser sends to base.
func (br *browser) cookieHeader(base string) string {
	u, _ := url.Parse(base)
	var parts []string
	for _, c := range br.client.Jar.Cookies(u) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}
