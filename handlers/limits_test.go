package handlers

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestEveryUnsafeRouteRefusesAHugeBody sends a body above the limit to every route that takes
// one, as a signed-in user with a valid CSRF token, and expects 413 with nothing read.
func TestEveryUnsafeRouteRefusesAHugeBody(t *testing.T) {
	h := newHarness(t, Config{MaxTextBytes: 1 << 20}) // body limit: 2*1 MiB + 1 MiB
	h.createDocument("rita", "t", "A claim. [1]")     // document 1, for the :id of every route
	b := h.newBrowser()
	b.login("rita")
	huge := bytes.Repeat([]byte("a"), 4<<20)
	n := 0
	for _, rt := range h.routes {
		method, path, _ := strings.Cut(rt, " ")
		if method == "GET" || method == "HEAD" {
			continue
		}
		path = strings.NewReplacer(":id", "1", ":number", "1", "*", "x").Replace(path)
		req, _ := http.NewRequest(method, h.srv.URL+path, bytes.NewReader(huge))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", b.csrf)
		r := h.send(b.client, req)
		if r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("%s %s with a 4 MiB body: %d, want 413", method, path, r.status)
		}
		n++
	}
	if n < 20 {
		t.Fatalf("only %d unsafe routes found", n)
	}
	// Without a Content-Length (chunked), the limit still holds while reading.
	req, _ := http.NewRequest("POST", h.srv.URL+"/api/v1/documents", io.MultiReader(strings.NewReader(`{"text":"`), bytes.NewReader(huge), strings.NewReader(`"}`)))
	req.Header.Set("Authorization", "Bearer "+h.tokens["rita"])
	req.ContentLength = -1
	if r := h.send(http.DefaultClient, req); r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("chunked huge body: %d %s", r.status, r.body)
	}
}

// TestSlowRequestsAreCancelled gives requests no time at all: they are cancelled with 503, not
// left waiting, and nothing is written.
func TestSlowRequestsAreCancelled(t *testing.T) {
	h := newHarness(t, Config{RequestTimeout: time.Nanosecond})
	r := h.do("POST", "/api/v1/documents", "rita", map[string]string{"text": "Never stored. [1]"})
	if r.status != http.StatusServiceUnavailable || r.errorCode(t) != "timeout" {
		t.Fatalf("timed-out request: %d %s", r.status, r.body)
	}
	docs, err := h.st.Documents(t.Context())
	if err != nil || len(docs) != 0 {
		t.Fatalf("a cancelled request stored %d documents (%v)", len(docs), err)
	}
}
