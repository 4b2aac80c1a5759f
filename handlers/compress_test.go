package handlers

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// rawClient sends requests as given: no Accept-Encoding of its own, no transparent inflating.
var rawClient = &http.Client{
	Transport:     &http.Transport{DisableCompression: true},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func TestAnswersAreGzippedWhenAsked(t *testing.T) {
	h := newHarness(t, Config{})
	// Past writePiece several times over, so that the big answers go through splitWriter in pieces.
	doc := h.createDocument("rita", "big enough", strings.Repeat(sampleText+"\n\n", 40))
	cookies := sessionCookies(t, h, "rita")
	cases := []struct {
		name, path string
		session    bool
		wantType   string
		wantGzip   bool
	}{
		{"document page", fmt.Sprintf("/documents/%d", doc.ID), true, "text/html", true},
		{"JSON document", fmt.Sprintf("/api/v1/documents/%d", doc.ID), false, "application/json", true},
		{"stylesheet", "/assets/style.css", false, "text/css", true},
		{"script", "/assets/app.js", false, "text/javascript", true},
		{"export", fmt.Sprintf("/api/v1/documents/%d/export", doc.ID), false, "application/json", true},
		{"small answer stays plain", "/healthz", false, "application/json", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			get := func(encoding string) response {
				req, _ := http.NewRequest("GET", h.srv.URL+c.path, nil)
				if encoding != "" {
					req.Header.Set("Accept-Encoding", encoding)
				}
				if c.session {
					for _, ck := range cookies {
						req.AddCookie(ck)
					}
				} else {
					req.Header.Set("Authorization", "Bearer "+h.tokens["rita"])
				}
				return h.send(rawClient, req)
			}
			plain := get("")
			zipped := get("gzip, deflate")
			if plain.status != http.StatusOK || zipped.status != http.StatusOK {
				t.Fatalf("status %d and %d", plain.status, zipped.status)
			}
			if enc := plain.header.Get("Content-Encoding"); enc != "" {
				t.Errorf("without Accept-Encoding the answer is %q-encoded", enc)
			}
			if !strings.Contains(zipped.header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("Vary = %q, want it to name Accept-Encoding", zipped.header.Get("Vary"))
			}
			if ct := zipped.header.Get("Content-Type"); !strings.HasPrefix(ct, c.wantType) {
				t.Errorf("Content-Type = %q, want %s", ct, c.wantType)
			}
			body := zipped.body
			if !c.wantGzip {
				if enc := zipped.header.Get("Content-Encoding"); enc != "" {
					t.Fatalf("a %d-byte answer is %q-encoded", len(body), enc)
				}
			} else {
				if enc := zipped.header.Get("Content-Encoding"); enc != "gzip" {
					t.Fatalf("Content-Encoding = %q, want gzip", enc)
				}
				zr, err := gzip.NewReader(bytes.NewReader(zipped.body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
				if len(zipped.body)*2 > len(body) {
					t.Errorf("gzip made %d bytes of %d", len(zipped.body), len(body))
				}
			}
			if !bytes.Equal(normalizeExportTime(body), normalizeExportTime(plain.body)) {
				t.Errorf("the decoded answer differs from the plain one (%d and %d bytes)", len(body), len(plain.body))
			}
		})
	}
}

// normalizeExportTime blanks the export's time, the one part of an answer that differs between
// two requests.
func normalizeExportTime(b []byte) []byte {
	key := []byte(`"exported_at": "`)
	i := bytes.Index(b, key)
	if i < 0 {
		return b
	}
	j := i + len(key)
	k := bytes.IndexByte(b[j:], '"')
	if k < 0 {
		return b
	}
	// The time's length varies (trailing zeros of its fraction are dropped), so it is replaced
	// whole, not masked character by character.
	out := append(bytes.Clone(b[:j]), "TIME"...)
	return append(out, b[j+k:]...)
}

// TestGzippedRequestBodyIsNotInflated: only answers are compressed. A gzip-encoded body is read
// as the bytes it is, so the body limit holds and nothing is stored.
func TestGzippedRequestBodyIsNotInflated(t *testing.T) {
	h := newHarness(t, Config{})
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	fmt.Fprintf(zw, `{"title": "zipped", "text": %q}`, sampleText)
	zw.Close()
	req, _ := http.NewRequest("POST", h.srv.URL+"/api/v1/documents", &buf)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Authorization", "Bearer "+h.tokens["rita"])
	r := h.send(rawClient, req)
	if r.status != http.StatusBadRequest {
		t.Fatalf("a gzip-encoded body: %d %s, want 400", r.status, r.body)
	}
	var list struct {
		Documents []struct{} `json:"documents"`
	}
	h.do("GET", "/api/v1/documents", "rita", nil).json(t, &list)
	if len(list.Documents) != 0 {
		t.Fatalf("%d documents stored", len(list.Documents))
	}
}
