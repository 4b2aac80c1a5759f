package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

// TestErrorPagesSayWhatHappened asks for pages that fail, signed in as an editor (whose header
// shows the pending count, which was read with a cancelled context) and signed out: every
// answer is a whole page with its status, the message and a way back.
func TestErrorPagesSayWhatHappened(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "t", "A claim. [1]")
	ed := h.newBrowser()
	ed.login("ed")
	anon := h.newBrowser()
	for _, tc := range []struct {
		name    string
		b       *browser
		method  string
		path    string
		referer string
		status  int
		want    []string
	}{
		{"403 signed in", ed, "GET", "/admin/users", "/", 403, []string{"403 Forbidden", "Only admins manage users", `href="/"`, "Review"}},
		{"404 document signed in", ed, "GET", "/documents/999", "", 404, []string{"404 Not Found", "Document 999 not found", "Back to the documents"}},
		{"404 route signed in", ed, "GET", "/no/such/page", "/documents/1", 404, []string{"404 Not Found", "No such page or API route", `href="/documents/1"`, "Back to where you came from"}},
		{"403 CSRF signed in", ed, "POST", "/documents/1/delete", "", 403, []string{"403 Forbidden", "CSRF token", "Reload the page", "Back to the documents"}},
		{"403 signed out", anon, "POST", "/login", "", 403, []string{"403 Forbidden", `href="/login"`, "Sign in"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, h.srv.URL+tc.path, nil)
			if tc.referer != "" {
				req.Header.Set("Referer", h.srv.URL+tc.referer)
			}
			r := h.send(tc.b.client, req)
			if r.status != tc.status {
				t.Fatalf("%d, want %d: %s", r.status, tc.status, r.body)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type %q", ct)
			}
			body := string(r.body)
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q:\n%s", w, body)
				}
			}
		})
	}
	_ = doc
}

// failingComponent is a page whose render fails half-way, after writing a part of it.
var failingComponent = templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
	if _, err := io.WriteString(w, "<p>half a page"); err != nil {
		return err
	}
	return errors.New("the view broke")
})

// TestRenderErrorBecomesA500Page renders a broken view through the real router: nothing of it
// is sent, and the reader gets the 500 error page instead.
func TestRenderErrorBecomesA500Page(t *testing.T) {
	h := newHarness(t, Config{})
	e := h.echo
	e.GET("/test/broken-view", func(c echo.Context) error { return renderHTML(c, http.StatusOK, failingComponent) })
	r := h.send(http.DefaultClient, mustRequest(t, "GET", h.srv.URL+"/test/broken-view"))
	if r.status != http.StatusInternalServerError {
		t.Fatalf("broken view: %d %s", r.status, r.body)
	}
	body := string(r.body)
	if strings.Contains(body, "half a page") || !strings.Contains(body, "500 Internal Server Error") || !strings.Contains(body, "Sign in") {
		t.Fatalf("broken view answered:\n%s", body)
	}
}

// TestErrorPageThatCannotRenderIsPlainText makes the error page itself fail (its context is
// over): the answer is still a 500 with a text that says so, not an empty body.
func TestErrorPageThatCannotRenderIsPlainText(t *testing.T) {
	h := newHarness(t, Config{})
	s := &Server{store: h.st, log: discardLogger()}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, "GET", "/documents/1", nil)
	rec := httptest.NewRecorder()
	s.renderError(echo.New().NewContext(req, rec), http.StatusNotFound, errorDetail{Code: "not-found", Message: "document 1 not found"})
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "could not be shown") {
		t.Fatalf("%d %q", rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("Content-Type %q", ct)
	}
}

func mustRequest(t *testing.T, method, u string) *http.Request {
	t.Helper()
	if _, err := url.Parse(u); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestARequestItsClientLeftIsNoInternalError sends requests whose context is over before the
// store answers, as when a browser leaves a page while its live stream connects: the store's
// "context canceled" is answered 503 "cancelled" and logged as no server error.
func TestARequestItsClientLeftIsNoInternalError(t *testing.T) {
	var logs bytes.Buffer
	h := newHarness(t, Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	h.createDocument("rita", "t", "A claim. [1]")
	for _, path := range []string{"/api/v1/events", "/api/v1/documents/1/export", "/api/v1/claims"} {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		req := httptest.NewRequestWithContext(ctx, "GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+h.tokens["rita"])
		rec := httptest.NewRecorder()
		h.echo.ServeHTTP(rec, req)
		var body errorBody
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusServiceUnavailable || body.Error.Code != "cancelled" {
			t.Errorf("GET %s, its client gone: %d %s, want 503 cancelled", path, rec.Code, rec.Body)
		}
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("a request whose client left was logged as a server error:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), `msg="request cancelled"`) {
		t.Fatalf("the cancelled requests were not logged:\n%s", logs.String())
	}
}

// TestALiveStreamItsClientLeftIsAnsweredCancelled opens the desk's live stream, as a signed-in
// user, with a request whose client is gone before the stream is set up (the first stream of a
// server reads the events' window from the store on the request's context): the answer is 503
// "cancelled", not an empty 200.
func TestALiveStreamItsClientLeftIsAnsweredCancelled(t *testing.T) {
	h := newHarness(t, Config{})
	s := &Server{store: h.st, cfg: Config{LiveHeartbeat: time.Second}, log: discardLogger(),
		hub: newHub(h.st, discardLogger(), 10, 0)}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	req := httptest.NewRequestWithContext(ctx, "GET", "/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+h.tokens["rita"])
	rec := httptest.NewRecorder()
	e := echo.New()
	c := e.NewContext(req, rec)
	u, err := h.st.UserByID(t.Context(), h.userID("rita"))
	if err != nil {
		t.Fatal(err)
	}
	c.Set(keyUser, u)
	err = s.streamEvents(c, 0)
	if !errors.Is(err, context.Canceled) || rec.Body.Len() != 0 {
		t.Fatalf("the stream of a client gone: %v, %d bytes written", err, rec.Body.Len())
	}
	s.handleError(err, c)
	var body errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusServiceUnavailable || body.Error.Code != "cancelled" {
		t.Fatalf("answered %d %s, want 503 cancelled", rec.Code, rec.Body)
	}
}
