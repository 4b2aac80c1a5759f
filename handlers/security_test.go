package handlers

import (
	"bytes"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSecurityHeadersAndCookieFlags(t *testing.T) {
	h := newHarness(t, Config{})
	b := h.newBrowser()
	r := b.get("/login")
	for name, want := range map[string]string{
		"Content-Security-Policy": "script-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "same-origin",
	} {
		if got := r.header.Get(name); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want it to hold %q", name, got, want)
		}
	}
	if csp := r.header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	cookie := r.header.Get("Set-Cookie")
	if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") || strings.Contains(cookie, "Secure") {
		t.Errorf("session cookie over plain HTTP: %q", cookie)
	}
	req, _ := http.NewRequest("GET", h.srv.URL+"/login", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	if c := h.send(http.DefaultClient, req).header.Get("Set-Cookie"); !strings.Contains(c, "Secure") {
		t.Errorf("session cookie behind TLS lacks Secure: %q", c)
	}
}

func TestSignInRotatesTheSessionAndItsCSRFToken(t *testing.T) {
	h := newHarness(t, Config{})
	b := h.newBrowser()
	b.get("/login")
	before := b.csrf
	u, _ := url.Parse(h.srv.URL)
	oldCookie := b.client.Jar.Cookies(u)[0].Value
	b.login("rita")
	if b.csrf == before || b.client.Jar.Cookies(u)[0].Value == oldCookie {
		t.Fatalf("sign-in kept the anonymous session's token or cookie")
	}
	// The cookie from before sign-in does not carry the sign-in, and its session is gone:
	// fixation gains nothing.
	h.wantSignedOut("the pre-sign-in cookie", oldCookie)
	if r := h.withCookie("GET", "/login", oldCookie); !strings.Contains(r.header.Get("Set-Cookie"), sessionName+"=") {
		t.Errorf("the pre-sign-in session still exists: /login kept it")
	}
	// A form posted from another site carries the cookie (SameSite=Lax lets top-level POSTs
	// through in old browsers) but not the token: refused.
	form := url.Values{"title": {"x"}, "text": {"y"}}
	req, _ := http.NewRequest("POST", h.srv.URL+"/documents", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if r := h.send(b.client, req); r.status != http.StatusForbidden {
		t.Fatalf("cross-site form: %d", r.status)
	}
}

func TestSecretsNeverReachTheLog(t *testing.T) {
	var buf bytes.Buffer
	h := newHarness(t, Config{Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	b := h.newBrowser()
	b.login("rita")
	h.do("GET", "/api/v1/documents?token="+h.tokens["ed"], "ed", nil)
	b.postForm("/login", url.Values{"username": {"rita"}, "password": {"a wrong secret password"}}, true)
	log := buf.String()
	if !strings.Contains(log, "request") {
		t.Fatalf("nothing was logged: %q", log)
	}
	for _, secret := range []string{testPassword, "a wrong secret password", h.tokens["ed"], h.tokens["rita"]} {
		if strings.Contains(log, secret) {
			t.Errorf("the log holds a secret: %q", secret)
		}
	}
}

func TestSignInReturnsToThePageAskedForButNeverOffSite(t *testing.T) {
	h := newHarness(t, Config{})
	for _, tc := range []struct{ next, want string }{
		{"/documents/5?status=supported", "/documents/5?status=supported"},
		{"//evil.example/x", "/"},
		{"https://evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"\\\\evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"/ok?x=1#y", "/ok?x=1#y"},
	} {
		b := h.newBrowser()
		r := b.get("/login?next=" + url.QueryEscape(tc.next))
		if !strings.Contains(string(r.body), `name="next" value="`+html.EscapeString(tc.want)+`"`) {
			t.Errorf("next %q: the sign-in form does not carry %q", tc.next, tc.want)
		}
		r = b.postForm("/login", url.Values{"username": {"rita"}, "password": {testPassword}, "next": {tc.next}}, true)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != tc.want {
			t.Errorf("next %q: %d to %q, want %q", tc.next, r.status, r.header.Get("Location"), tc.want)
		}
	}
	// The issue's own request: next in the query string, with an escaped tab.
	b := h.newBrowser()
	b.get("/login")
	r := b.postForm("/login?next=/%09/evil.example", url.Values{"username": {"rita"}, "password": {testPassword}}, true)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
		t.Errorf("POST /login?next=/%%09/evil.example: %d to %q", r.status, r.header.Get("Location"))
	}
	// A signed-out visit to a page asks for sign-in and comes back to it.
	b = h.newBrowser()
	r = b.get("/documents/7")
	if loc := r.header.Get("Location"); loc != "/login?next=%2Fdocuments%2F7" {
		t.Fatalf("redirect to %q", loc)
	}
}
