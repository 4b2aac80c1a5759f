package handlers

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

// TestPatchedViewAnswersEqualAFreshBuild: after claim writes, the page, the exports and the
// claim lists that a server answers from views patched one from the next (with the blocks'
// HTML and the claims' JSON carried over from view to view) are byte for byte, decompressed,
// what a new server that builds the view from all the claims answers, gzipped or not.
func TestPatchedViewAnswersEqualAFreshBuild(t *testing.T) {
	h := newHarness(t, Config{SessionKey: bytes.Repeat([]byte("k"), 64), Logger: discardLogger()})
	doc, claims := hotDocument(t, h, 24_000, 60)
	text := []rune(doc.Text)
	revised := string(text[:len(text)/3]) + string(text[len(text)/3+900:]) // some claims become orphans
	if r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/revisions", doc.ID), "rita", map[string]any{"text": revised}); r.status != http.StatusCreated {
		t.Fatalf("revise: %d %s", r.status, r.body)
	}
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	h.st.Now = func() time.Time { return at } // the export says when it was made
	cookies := sessionCookies(t, h, "rita")
	paths := []string{
		fmt.Sprintf("/documents/%d", doc.ID),
		fmt.Sprintf("/api/v1/documents/%d/export", doc.ID),
		fmt.Sprintf("/api/v1/documents/%d/export?format=w3c", doc.ID),
		fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID),
		fmt.Sprintf("/api/v1/documents/%d/claims?status=supported", doc.ID),
	}
	get := func(e http.Handler, path string, gzipped bool) []byte {
		t.Helper()
		req := httptest.NewRequest("GET", path, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		if gzipped {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, w.Code, w.Body.Bytes())
		}
		if !gzipped {
			return w.Body.Bytes()
		}
		if w.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s: not gzipped", path)
		}
		zr, err := gzip.NewReader(w.Body)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return body
	}
	for round := range 6 {
		for _, p := range paths {
			get(h.echo, p, true) // every answer's encodings made, for the next view to carry over
		}
		for k := range 3 {
			c := claims[(round*7+k*13)%len(claims)]
			var cur citecheck.Claim
			h.do("GET", fmt.Sprintf("/api/v1/claims/%d", c.ID), "rita", nil).json(t, &cur)
			change := map[string]any{"version": cur.Version, "note": fmt.Sprintf("round %d <b>&</b>", round),
				"status": citecheck.Statuses[(round+k)%len(citecheck.Statuses)]}
			if k == 1 {
				change["start"], change["end"] = cur.Start+1, cur.End+40
			}
			if r := h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", c.ID), "rita", change); r.status != http.StatusOK {
				t.Fatalf("round %d: patch: %d %s", round, r.status, r.body)
			}
		}
		if r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
			map[string]any{"start": 100 + round*500, "end": 180 + round*500, "refs": []int{30}}); r.status != http.StatusCreated {
			t.Fatalf("round %d: create: %d %s", round, r.status, r.body)
		}
		fresh, err := New(h.st, Config{SessionKey: bytes.Repeat([]byte("k"), 64), Logger: discardLogger()})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			got, want := get(h.echo, p, true), get(fresh, p, true)
			if !bytes.Equal(got, want) {
				t.Fatalf("round %d: %s from the patched view differs from a fresh build at byte %d:\n%s", round, p, firstDiff(got, want), around(got, firstDiff(got, want)))
			}
			if plain := get(h.echo, p, false); !bytes.Equal(plain, got) {
				t.Fatalf("round %d: %s gzipped and not differ at byte %d", round, p, firstDiff(plain, got))
			}
		}
	}
}

// firstDiff is where a and b first differ.
func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// around is the text of b about i, for a failure message.
func around(b []byte, i int) string {
	return string(b[max(0, i-200):min(len(b), i+200)])
}

// TestDocumentPageSendsTheBlocksSegments: the gzipped document page carries each block's
// compressed segment as it is kept with the block, and Go's gzip reader (which checks the
// trailer's CRC-32 and size) reads it back to the page as sent uncompressed.
func TestDocumentPageSendsTheBlocksSegments(t *testing.T) {
	h := newHarness(t, Config{})
	doc, _ := hotDocument(t, h, 40_000, 80)
	s := viewServer(h)
	d, err := s.loadDocument(t.Context(), doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.documentState(t.Context(), d)
	if err != nil {
		t.Fatal(err)
	}
	br := h.newBrowser()
	br.login("rita")
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID), nil)
	req.Header.Set("Accept-Encoding", "gzip") // set by hand, so the client leaves the body as sent
	res, err := br.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("headers %v", res.Header)
	}
	if len(st.blocks) < 10 {
		t.Fatalf("%d blocks", len(st.blocks))
	}
	for _, b := range st.blocks {
		if !bytes.Contains(raw, b.Deflated) {
			t.Fatalf("block %d's segment is not in the gzipped page", b.Index)
		}
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	plain := br.get(fmt.Sprintf("/documents/%d", doc.ID))
	if !bytes.Equal(page, plain.body) {
		t.Fatalf("gzipped page differs from the plain one at byte %d", firstDiff(page, plain.body))
	}
}
