package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

// uaTransport sends every request with one User-Agent, as one browser would.
type uaTransport struct{ ua string }

func (t uaTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("User-Agent", t.ua)
	return http.DefaultTransport.RoundTrip(r)
}

const (
	firefoxUA = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
	chromeUA  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)

// browserAs is a new browser that sends the given User-Agent.
func (h *harness) browserAs(ua string) *browser {
	b := h.newBrowser()
	b.client.Transport = uaTransport{ua}
	return b
}

// sessionCookie is the browser's session cookie as it stands.
func (b *browser) sessionCookie() string {
	u, _ := url.Parse(b.h.srv.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == sessionName {
			return c.Value
		}
	}
	return ""
}

// withCookie sends a request that carries only the given session cookie, as a copy of it would.
func (h *harness) withCookie(method, path, cookie string) response {
	h.t.Helper()
	req, _ := http.NewRequest(method, h.srv.URL+path, nil)
	req.AddCookie(&http.Cookie{Name: sessionName, Value: cookie})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return h.send(client, req)
}

// wantSignedOut asserts that a copy of cookie opens neither the API nor a page.
func (h *harness) wantSignedOut(what, cookie string) {
	h.t.Helper()
	if r := h.withCookie("GET", "/api/v1/documents", cookie); r.status != http.StatusUnauthorized {
		h.t.Errorf("%s: the cookie still opens the API: %d", what, r.status)
	}
	r := h.withCookie("GET", "/", cookie)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		h.t.Errorf("%s: the cookie still opens a page: %d %q", what, r.status, r.header.Get("Location"))
	}
}

// wantSignedIn asserts that a copy of cookie still opens the API.
func (h *harness) wantSignedIn(what, cookie string) {
	h.t.Helper()
	if r := h.withCookie("GET", "/api/v1/documents", cookie); r.status != http.StatusOK {
		h.t.Errorf("%s: the cookie no longer opens the API: %d", what, r.status)
	}
}

// sessionsOf lists the caller's sessions through the API with the browser's cookie.
func (b *browser) sessionsOf() []citecheck.Session {
	b.h.t.Helper()
	r := b.api("GET", "/api/v1/sessions", nil, false)
	if r.status != http.StatusOK {
		b.h.t.Fatalf("GET /api/v1/sessions: %d %s", r.status, r.body)
	}
	var body struct{ Sessions []citecheck.Session }
	r.json(b.h.t, &body)
	return body.Sessions
}

func TestACookieCopiedBeforeSignOutIsRefusedAfterwards(t *testing.T) {
	h := newHarness(t, Config{})
	rita := h.newBrowser()
	rita.login("rita")
	copied := rita.sessionCookie()
	h.wantSignedIn("before sign-out", copied)
	r := rita.postForm("/logout", url.Values{}, true)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Fatalf("logout: %d %q", r.status, r.header.Get("Location"))
	}
	if c := r.header.Get("Set-Cookie"); !strings.Contains(c, "Max-Age=0") {
		t.Errorf("logout does not clear the cookie: %q", c)
	}
	h.wantSignedOut("after sign-out", copied)
	if list, _ := h.st.UserSessions(t.Context(), h.userID("rita"), time.Hour, ""); len(list) != 0 {
		t.Errorf("rita's session row survived sign-out: %+v", list)
	}
}

func TestSessionsAPIListsAndEndsOnlyTheCallersOwn(t *testing.T) {
	h := newHarness(t, Config{})
	laptop, office := h.browserAs(firefoxUA), h.browserAs(chromeUA)
	laptop.login("rita")
	office.login("rita")
	ralph := h.newBrowser()
	ralph.login("ralph")

	list := laptop.sessionsOf()
	if len(list) != 2 {
		t.Fatalf("rita's sessions: %+v", list)
	}
	var mine, other citecheck.Session
	for _, s := range list {
		if s.Current {
			mine = s
		} else {
			other = s
		}
	}
	if mine.UserAgent != firefoxUA || other.UserAgent != chromeUA || mine.Address != "127.0.0.1" ||
		mine.CreatedAt.IsZero() || mine.LastUsedAt.Before(mine.CreatedAt) {
		t.Errorf("the sessions do not show browser, address and times: %+v", list)
	}
	r := h.do("GET", "/api/v1/sessions", "rita", nil)
	var viaToken struct{ Sessions []citecheck.Session }
	r.json(t, &viaToken)
	if len(viaToken.Sessions) != 2 || viaToken.Sessions[0].Current || viaToken.Sessions[1].Current {
		t.Errorf("listed with a token, a session is current: %s", r.body)
	}
	for _, forbidden := range []string{"token", "hash", "data", "user_id"} {
		if strings.Contains(string(r.body), `"`+forbidden) {
			t.Errorf("the list shows %q: %s", forbidden, r.body)
		}
	}
	ralphs := ralph.sessionsOf()
	if len(ralphs) != 1 {
		t.Fatalf("ralph's sessions: %+v", ralphs)
	}

	for _, c := range []struct {
		name   string
		send   func() response
		status int
	}{
		{"someone else's session", func() response {
			return laptop.api("DELETE", fmt.Sprintf("/api/v1/sessions/%d", ralphs[0].ID), nil, true)
		}, http.StatusNotFound},
		{"someone else's, with a token", func() response {
			return h.do("DELETE", fmt.Sprintf("/api/v1/sessions/%d", ralphs[0].ID), "ada", nil)
		}, http.StatusNotFound},
		{"without the CSRF token", func() response {
			return laptop.api("DELETE", fmt.Sprintf("/api/v1/sessions/%d", other.ID), nil, false)
		}, http.StatusForbidden},
		{"a malformed id", func() response { return laptop.api("DELETE", "/api/v1/sessions/x", nil, true) }, http.StatusNotFound},
		{"an unknown id", func() response { return laptop.api("DELETE", "/api/v1/sessions/99999", nil, true) }, http.StatusNotFound},
		{"without credentials", func() response { return h.do("DELETE", fmt.Sprintf("/api/v1/sessions/%d", other.ID), "", nil) }, http.StatusUnauthorized},
	} {
		if r := c.send(); r.status != c.status {
			t.Errorf("%s: %d, want %d (%s)", c.name, r.status, c.status, r.body)
		}
	}
	h.wantSignedIn("ralph after rita's attempts", ralph.sessionCookie())
	h.wantSignedIn("rita's office after refused attempts", office.sessionCookie())

	if r := laptop.api("DELETE", fmt.Sprintf("/api/v1/sessions/%d", other.ID), nil, true); r.status != http.StatusNoContent {
		t.Fatalf("end the office session: %d %s", r.status, r.body)
	}
	h.wantSignedOut("the ended office session", office.sessionCookie())
	if list := laptop.sessionsOf(); len(list) != 1 || !list[0].Current {
		t.Errorf("after ending one: %+v", list)
	}
	if r := laptop.api("DELETE", fmt.Sprintf("/api/v1/sessions/%d", other.ID), nil, true); r.status != http.StatusNotFound {
		t.Errorf("ending it twice: %d", r.status)
	}
	// Ending the current session signs this browser out too.
	if r := laptop.api("DELETE", fmt.Sprintf("/api/v1/sessions/%d", mine.ID), nil, true); r.status != http.StatusNoContent {
		t.Fatalf("end the current session: %d %s", r.status, r.body)
	}
	h.wantSignedOut("the ended current session", laptop.sessionCookie())
}

func TestAccountPageListsSessionsAndEndsThem(t *testing.T) {
	h := newHarness(t, Config{})
	laptop, office := h.browserAs(firefoxUA), h.browserAs(chromeUA)
	laptop.login("rita")
	office.login("rita")
	page := string(laptop.get("/account").body)
	list := laptop.sessionsOf()
	if len(list) != 2 {
		t.Fatalf("sessions: %+v", list)
	}
	for _, s := range list {
		row := tableRow(page, fmt.Sprintf(`id="session-%d"`, s.ID))
		label := map[string]string{firefoxUA: "Firefox on Linux", chromeUA: "Chrome on Windows"}[s.UserAgent]
		if !strings.Contains(row, label) || !strings.Contains(row, "127.0.0.1") ||
			!strings.Contains(row, s.LastUsedAt.UTC().Format("2006-01-02T15:04:05Z")) ||
			!strings.Contains(row, fmt.Sprintf(`action="/account/sessions/%d/end"`, s.ID)) ||
			!strings.Contains(row, `name="csrf_token" value="`+laptop.csrf+`"`) {
			t.Errorf("the row of %s: %s", label, row)
		}
		if strings.Contains(row, "this session") != s.Current {
			t.Errorf("the row of %s marks 'this session' wrongly: %s", label, row)
		}
	}
	var other, mine citecheck.Session
	for _, s := range list {
		if s.Current {
			mine = s
		} else {
			other = s
		}
	}
	endPath := func(s citecheck.Session) string { return fmt.Sprintf("/account/sessions/%d/end", s.ID) }
	if r := laptop.postForm(endPath(other), url.Values{}, false); r.status != http.StatusForbidden {
		t.Errorf("end without CSRF: %d", r.status)
	}
	h.wantSignedIn("the office after a refused end", office.sessionCookie())
	r := laptop.postForm(endPath(other), url.Values{}, true)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/account" {
		t.Fatalf("end the office session: %d %q", r.status, r.header.Get("Location"))
	}
	h.wantSignedOut("the office, ended from the Account page", office.sessionCookie())
	page = string(laptop.get("/account").body)
	if !strings.Contains(page, "Ended the session of Chrome on Windows at 127.0.0.1") ||
		tableRow(page, fmt.Sprintf(`id="session-%d"`, other.ID)) != "" {
		t.Errorf("after ending it the page does not say so, or still lists it")
	}
	if r := laptop.postForm(endPath(other), url.Values{}, true); r.status != http.StatusNotFound {
		t.Errorf("ending it twice: %d", r.status)
	}

	r = laptop.postForm(endPath(mine), url.Values{}, true)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Fatalf("end this session: %d %q", r.status, r.header.Get("Location"))
	}
	if r := laptop.get("/login"); r.status != 200 || !strings.Contains(string(r.body), "You ended this session") {
		t.Errorf("the sign-in page after ending this session: %d", r.status)
	}
	if r := laptop.get("/account"); r.status != http.StatusSeeOther {
		t.Errorf("this browser after ending its session: %d", r.status)
	}
}

func TestSignOutEverywhereEndsEverySessionOfTheUserOnly(t *testing.T) {
	h := newHarness(t, Config{})
	browsers := []*browser{h.browserAs(firefoxUA), h.browserAs(chromeUA), h.newBrowser()}
	for _, b := range browsers {
		b.login("rita")
	}
	ralph := h.newBrowser()
	ralph.login("ralph")
	cookies := make([]string, len(browsers))
	for i, b := range browsers {
		cookies[i] = b.sessionCookie()
	}
	if r := browsers[0].postForm("/account/sessions/end-all", url.Values{}, false); r.status != http.StatusForbidden {
		t.Errorf("without CSRF: %d", r.status)
	}
	h.wantSignedIn("after a refused sign-out everywhere", cookies[1])
	r := browsers[0].postForm("/account/sessions/end-all", url.Values{}, true)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Fatalf("sign out everywhere: %d %q", r.status, r.header.Get("Location"))
	}
	if page := string(browsers[0].get("/login").body); !strings.Contains(page, "signed out everywhere (3 sessions ended)") {
		t.Errorf("the sign-in page does not say what happened")
	}
	for i, c := range cookies {
		h.wantSignedOut(fmt.Sprintf("rita's browser %d", i), c)
	}
	h.wantSignedIn("ralph", ralph.sessionCookie())
	if r := h.do("GET", "/api/v1/documents", "rita", nil); r.status != http.StatusOK {
		t.Errorf("rita's API token after signing out everywhere: %d", r.status)
	}
}

func TestPasswordChangeAndDisableEndSessions(t *testing.T) {
	for _, tc := range []struct {
		name string
		act  func(h *harness, self, ada *browser) response
		// selfStays: the browser that changed its own password stays signed in, under a new id.
		selfStays bool
	}{
		{"own password change", func(h *harness, self, _ *browser) response {
			return self.postForm("/account/password", url.Values{"current": {testPassword}, "new": {"a fresh password"}, "repeat": {"a fresh password"}}, true)
		}, true},
		{"password reset by an admin", func(h *harness, _, ada *browser) response {
			return ada.postForm(fmt.Sprintf("/admin/users/%d/password", h.userID("rita")), url.Values{"password": {"a fresh password"}}, true)
		}, false},
		{"disabled by an admin", func(h *harness, _, ada *browser) response {
			return ada.postForm(fmt.Sprintf("/admin/users/%d/disabled", h.userID("rita")), url.Values{"disabled": {"true"}}, true)
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			self, other := h.newBrowser(), h.newBrowser()
			self.login("rita")
			other.login("rita")
			ada := h.newBrowser()
			ada.login("ada")
			before := self.sessionCookie()
			if r := tc.act(h, self, ada); r.status != http.StatusSeeOther {
				t.Fatalf("%d %s", r.status, r.body)
			}
			h.wantSignedOut("the other browser", other.sessionCookie())
			h.wantSignedOut("the acting browser's old cookie", before)
			h.wantSignedIn("ada", ada.sessionCookie())
			if !tc.selfStays {
				h.wantSignedOut("the acting browser", self.sessionCookie())
				return
			}
			if self.sessionCookie() == before {
				t.Errorf("the session kept its id across the password change")
			}
			h.wantSignedIn("the acting browser", self.sessionCookie())
			if list := self.sessionsOf(); len(list) != 1 || !list[0].Current {
				t.Errorf("sessions after the change: %+v", list)
			}
			// Its other tabs still hold a good CSRF token.
			if r := self.postForm("/account/tokens", url.Values{"name": {"after"}}, true); r.status != http.StatusCreated {
				t.Errorf("a form from before the change: %d", r.status)
			}
		})
	}
}

// testClock is a clock that tests move by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func TestSessionsEndWhenIdleOrOld(t *testing.T) {
	const idle, maxAge = time.Hour, 3 * time.Hour
	t0 := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		steps []time.Duration // since sign-in, each a request of the API
		ended int             // the first step refused, or -1
	}{
		{"used within the idle time", []time.Duration{30 * time.Minute, 89 * time.Minute, 148 * time.Minute}, -1},
		{"idle for longer", []time.Duration{30 * time.Minute, 90*time.Minute + time.Second}, 1},
		{"idle for exactly the idle time", []time.Duration{time.Hour}, 0},
		{"busy but at the absolute end", []time.Duration{50 * time.Minute, 100 * time.Minute, 150 * time.Minute, 3 * time.Hour}, 3},
		{"busy, a second before the end", []time.Duration{50 * time.Minute, 100 * time.Minute, 150 * time.Minute, 3*time.Hour - time.Second}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Config{SessionIdle: idle, SessionMaxAge: maxAge})
			clock := &testClock{now: t0}
			h.st.Now = clock.Now
			b := h.newBrowser()
			b.login("rita")
			cookie := b.sessionCookie()
			for i, d := range tc.steps {
				clock.set(t0.Add(d))
				r := h.withCookie("GET", "/api/v1/documents", cookie)
				switch {
				case tc.ended >= 0 && i >= tc.ended && r.status != http.StatusUnauthorized:
					t.Errorf("at +%v: %d, want 401", d, r.status)
				case (tc.ended < 0 || i < tc.ended) && r.status != http.StatusOK:
					t.Errorf("at +%v: %d, want 200", d, r.status)
				}
			}
			if tc.ended >= 0 {
				h.wantSignedOut("the expired session's page", cookie)
			}
		})
	}
}

func TestSessionLastUseIsWrittenAtMostOnceAMinute(t *testing.T) {
	h := newHarness(t, Config{})
	t0 := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	clock := &testClock{now: t0}
	h.st.Now = clock.Now
	b := h.newBrowser()
	b.login("rita")
	cookie := b.sessionCookie()
	lastUse := func() time.Time {
		list, err := h.st.UserSessions(t.Context(), h.userID("rita"), time.Hour, "")
		if err != nil || len(list) != 1 {
			t.Fatalf("sessions: %+v %v", list, err)
		}
		return list[0].LastUsedAt
	}
	for _, step := range []struct{ at, want time.Duration }{
		{30 * time.Second, 0},
		{59 * time.Second, 0},
		{time.Minute, time.Minute},
		{90 * time.Second, time.Minute},
		{2*time.Minute + time.Second, 2*time.Minute + time.Second},
	} {
		clock.set(t0.Add(step.at))
		h.wantSignedIn(fmt.Sprint("at +", step.at), cookie)
		if got := lastUse(); !got.Equal(t0.Add(step.want)) {
			t.Errorf("at +%v the last use is %v, want +%v", step.at, got.Sub(t0), step.want)
		}
	}
}

func TestPublicRoutesIgnoreCredentials(t *testing.T) {
	h := newHarness(t, Config{})
	if _, err := h.st.SetUserDisabled(t.Context(), "ralph", true); err != nil {
		t.Fatal(err)
	}
	stale := h.newBrowser()
	stale.login("rita")
	staleCookie := stale.sessionCookie()
	stale.postForm("/logout", url.Values{}, true)

	credentials := []struct {
		name  string
		apply func(*http.Request)
	}{
		{"nothing", func(*http.Request) {}},
		{"an invalid bearer token", func(r *http.Request) { r.Header.Set("Authorization", "Bearer not-a-token") }},
		{"a disabled user's token", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+h.tokens["ralph"]) }},
		{"a malformed Authorization", func(r *http.Request) { r.Header.Set("Authorization", "Basic cml0YTp4") }},
		{"a stale session cookie", func(r *http.Request) { r.AddCookie(&http.Cookie{Name: sessionName, Value: staleCookie}) }},
		{"a forged session cookie", func(r *http.Request) { r.AddCookie(&http.Cookie{Name: sessionName, Value: "forged"}) }},
	}
	noRedirects := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, route := range []struct {
		path   string
		status int
		body   string
	}{
		{"/healthz", 200, `"status":"ok"`},
		{"/assets/style.css", 200, "{"},
		{"/login", 200, `action="/login"`},
	} {
		for _, cred := range credentials {
			req, _ := http.NewRequest("GET", h.srv.URL+route.path, nil)
			cred.apply(req)
			r := h.send(noRedirects, req)
			if r.status != route.status || !strings.Contains(string(r.body), route.body) {
				t.Errorf("GET %s with %s: %d", route.path, cred.name, r.status)
			}
			if route.path != "/login" && r.header.Get("Set-Cookie") != "" {
				t.Errorf("GET %s with %s starts a session: %q", route.path, cred.name, r.header.Get("Set-Cookie"))
			}
		}
	}
	// Signing in works whatever Authorization header the browser sends along.
	for _, cred := range credentials[1:4] {
		b := h.newBrowser()
		b.get("/login")
		form := url.Values{"username": {"ed"}, "password": {testPassword}, "csrf_token": {b.csrf}}
		req, _ := http.NewRequest("POST", h.srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		cred.apply(req)
		if r := h.send(b.client, req); r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
			t.Errorf("POST /login with %s: %d %q", cred.name, r.status, r.header.Get("Location"))
		}
		if r := b.get("/review"); r.status != http.StatusOK {
			t.Errorf("after signing in with %s along: %d", cred.name, r.status)
		}
	}
	// Other routes still refuse a bad token, even with a good session beside it.
	b := h.newBrowser()
	b.login("rita")
	req, _ := http.NewRequest("GET", h.srv.URL+"/api/v1/documents", nil)
	req.Header.Set("Authorization", "Bearer not-a-token")
	if r := h.send(b.client, req); r.status != http.StatusUnauthorized {
		t.Errorf("the API with a bad token and a good session: %d", r.status)
	}
}

func TestAnonymousAPICallsStartNoSession(t *testing.T) {
	h := newHarness(t, Config{})
	for _, path := range []string{"/api/v1/documents", "/api/v1/sessions", "/api/v1/nothing-here"} {
		r := h.do("GET", path, "", nil)
		if r.status != http.StatusUnauthorized || r.header.Get("Set-Cookie") != "" {
			t.Errorf("GET %s without credentials: %d, Set-Cookie %q", path, r.status, r.header.Get("Set-Cookie"))
		}
	}
	// A page does start one: its forms need the CSRF token.
	if r := h.do("GET", "/login", "", nil); !strings.Contains(r.header.Get("Set-Cookie"), sessionName+"=") {
		t.Errorf("GET /login starts no session")
	}
}

// tableRow is the table row of the page that opens with the attribute attr, or "".
func tableRow(page, attr string) string {
	i := strings.Index(page, attr)
	if i < 0 {
		return ""
	}
	row := page[i:]
	return row[:strings.Index(row, "</tr>")]
}

// A client that loads the sign-in page again and again without its cookie gets a new visitor
// session each time, but its address keeps at most citecheck.MaxVisitorSessionsPerAddress of
// them: the sessions table does not grow without bound, and the newest visitor can sign in.
func TestVisitorSessionsOfOneAddressAreCapped(t *testing.T) {
	h := newHarness(t, Config{})
	const extra = 25
	for i := 0; i < citecheck.MaxVisitorSessionsPerAddress+extra; i++ {
		res, err := http.Get(h.srv.URL + "/login")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("sign-in page %d: %d", i, res.StatusCode)
		}
	}
	var n int
	if err := h.rawDB(true).QueryRow(`SELECT COUNT(*) FROM sessions WHERE user_id IS NULL AND address = '127.0.0.1'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != citecheck.MaxVisitorSessionsPerAddress {
		t.Fatalf("%d visitor sessions from one address after %d visits, want %d", n,
			citecheck.MaxVisitorSessionsPerAddress+extra, citecheck.MaxVisitorSessionsPerAddress)
	}
	br := h.newBrowser()
	br.login("rita")
	if r := br.get("/"); r.status != http.StatusOK {
		t.Fatalf("signing in after the cap: %d", r.status)
	}
}
