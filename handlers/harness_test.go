package handlers

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
	"github.com/citecheck/citecheck/store/pgtest"
)

// harness is a real router on a real database (testDB), with one user and one API token per role.
type harness struct {
	t      testing.TB
	st     *store.Store
	srv    *httptest.Server // serves echo behind the openapi.json check
	echo   *echo.Echo
	tokens map[string]string // user name -> API token
	dbPath string
	routes []string // "METHOD /path" of every registered route

	apiChecksOff atomic.Bool // set by skipAPIChecks
}

const testPassword = "correct horse battery"

// rawDB opens the harness's database for a test to read or write the tables directly,
// closed when the test ends.
func (h *harness) rawDB(readOnly bool) *sql.DB {
	h.t.Helper()
	db, err := store.OpenSQL(h.dbPath, readOnly)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { db.Close() })
	return db
}

// testDB answers where a test's store lives: a SQLite file in a temporary directory, or with
// CITECHECK_TEST_ENGINE=postgres a PostgreSQL database of its own (store/pgtest).
func testDB(t testing.TB) string {
	if pgtest.Postgres() {
		return pgtest.URL(t, func(url string) error {
			st, err := store.Open(url)
			if err != nil {
				return err
			}
			return st.Close()
		})
	}
	return filepath.Join(t.TempDir(), "citecheck.db")
}

func newHarness(t testing.TB, cfg Config) *harness {
	t.Helper()
	dbPath := testDB(t)
	st, err := store.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if cfg.SessionKey == nil {
		cfg.SessionKey = bytes.Repeat([]byte("k"), 64)
	}
	if cfg.Logger == nil {
		cfg.Logger = discardLogger()
	}
	e, err := New(st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Every API answer the tests see is checked against openapi.json (openapi_validate_test.go).
	h := &harness{t: t, st: st, echo: e, tokens: map[string]string{}, dbPath: dbPath}
	h.srv = httptest.NewServer(validatingHandler(t, e, &h.apiChecksOff))
	for _, rt := range e.Routes() {
		if !strings.HasPrefix(rt.Name, "github.com/labstack/echo") { // Echo's own not-found handlers
			h.routes = append(h.routes, rt.Method+" "+rt.Path)
		}
	}
	t.Cleanup(h.srv.Close)
	for _, u := range []struct {
		name string
		role citecheck.Role
	}{{"rita", citecheck.RoleReviewer}, {"ralph", citecheck.RoleReviewer}, {"ed", citecheck.RoleEditor}, {"ada", citecheck.RoleAdmin}} {
		hash, err := citecheck.HashPassword(testPassword)
		if err != nil {
			t.Fatal(err)
		}
		user, err := st.CreateUser(context.Background(), u.name, u.role, hash)
		if err != nil {
			t.Fatal(err)
		}
		tok, _ := citecheck.NewToken()
		if err := st.CreateToken(context.Background(), user.ID, citecheck.HashToken(tok)); err != nil {
			t.Fatal(err)
		}
		h.tokens[u.name] = tok
	}
	return h
}

// response is a finished request: status, headers and body.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("answer is not JSON (%v): %s", err, r.body)
	}
}

// errorCode is the code of a JSON error answer.
func (r response) errorCode(t testing.TB) string {
	t.Helper()
	var e errorBody
	r.json(t, &e)
	return e.Error.Code
}

// do sends a request as the named user's API token ("" for none); body may be a string, []byte
// or a value to encode as JSON.
func (h *harness) do(method, path, user string, body any) response {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+h.tokens[user])
	}
	return h.send(http.DefaultClient, req)
}

func (h *harness) send(client *http.Client, req *http.Request) response {
	h.t.Helper()
	res, err := client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// createDocument makes a document through the API and returns it.
func (h *harness) createDocument(user, title, text string) citecheck.Document {
	h.t.Helper()
	r := h.do("POST", "/api/v1/documents", user, map[string]string{"title": title, "text": text})
	if r.status != http.StatusCreated {
		h.t.Fatalf("create document: %d %s", r.status, r.body)
	}
	var d citecheck.Document
	r.json(h.t, &d)
	return d
}

// browser is a cookie-carrying client that signs in through the login form.
type browser struct {
	h      *harness
	client *http.Client
	csrf   string
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]*)"`)

func (h *harness) newBrowser() *browser {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	return &browser{h: h, client: client}
}

// get fetches a page and remembers its CSRF token.
func (b *browser) get(path string) response {
	b.h.t.Helper()
	req, _ := http.NewRequest("GET", b.h.srv.URL+path, nil)
	r := b.h.send(b.client, req)
	if m := csrfMeta.FindSubmatch(r.body); m != nil {
		b.csrf = string(m[1])
	}
	return r
}

// postForm sends a form with the page's CSRF token unless withCSRF is false.
func (b *browser) postForm(path string, form url.Values, withCSRF bool) response {
	b.h.t.Helper()
	if withCSRF {
		form.Set("csrf_token", b.csrf)
	}
	req, _ := http.NewRequest("POST", b.h.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.h.send(b.client, req)
}

// api sends a JSON request with the session cookie and, if withCSRF, the CSRF header.
func (b *browser) api(method, path string, body any, withCSRF bool) response {
	b.h.t.Helper()
	j, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, b.h.srv.URL+path, bytes.NewReader(j))
	req.Header.Set("Content-Type", "application/json")
	if withCSRF {
		req.Header.Set("X-CSRF-Token", b.csrf)
	}
	return b.h.send(b.client, req)
}

func (b *browser) login(name string) {
	b.h.t.Helper()
	b.get("/login")
	r := b.postForm("/login", url.Values{"username": {name}, "password": {testPassword}}, true)
	if r.status != http.StatusSeeOther {
		b.h.t.Fatalf("login %s: %d %s", name, r.status, r.body)
	}
	b.get("/")
}
