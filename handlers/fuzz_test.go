package handlers

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/formats"
)

// lockedBuffer collects log lines of the server under fuzzing, so a 5xx can show its cause.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) take() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	b.buf.Reset()
	return s
}

// fuzzServer is a harness whose router is called in process (no network) and whose database is
// fingerprinted through a separate read-only connection.
type fuzzServer struct {
	*harness
	handler http.Handler
	db      *sql.DB
	errs    *lockedBuffer
	docID   int64
	claimID int64
}

func newFuzzServer(f *testing.F) *fuzzServer {
	errs := &lockedBuffer{}
	h := newHarness(f, Config{Logger: slog.New(slog.NewTextHandler(errs, &slog.HandlerOptions{Level: slog.LevelError}))})
	db := h.rawDB(true)
	fs := &fuzzServer{harness: h, handler: h.srv.Config.Handler, db: db, errs: errs}
	doc := h.createDocument("rita", "fuzz", fuzzDocText)
	fs.docID = doc.ID
	r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
		map[string]any{"start": 0, "end": 12, "refs": []int{30}, "status": "supported", "note": "seed"})
	if r.status != http.StatusCreated {
		f.Fatalf("seed claim: %d %s", r.status, r.body)
	}
	var c claimJSON
	r.json(f, &c)
	fs.claimID = c.ID
	return fs
}

// fuzzDocText has markers, a reference list, emoji and Arabic.
const fuzzDocText = "Talks began. [30] A committee formed [31] 🚀 and more.\n\n" +
	"قال المتحدث «إن الهدنة صامدة» [32] أمس.\n\nReferences\n30. First source https://example.org/a\n" +
	"31. Second source\n32. Third source\n"

// fingerprint sums up what an API write can change: documents, claims (and their versions),
// history, dismissed suggestions and the fuzzed document's reference list.
func (fs *fuzzServer) fingerprint(t *testing.T) string {
	t.Helper()
	var docs, claims, versions, events, dismissed int64
	var refs, updated string
	err := fs.db.QueryRow(`SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM claims),
		(SELECT coalesce(sum(version), 0) FROM claims), (SELECT count(*) FROM claim_events),
		(SELECT count(*) FROM dismissed_suggestions),
		(SELECT coalesce(reference_list, '-') FROM documents WHERE id = ?),
		(SELECT coalesce(max(updated_at), '') FROM claims)`, fs.docID).
		Scan(&docs, &claims, &versions, &events, &dismissed, &refs, &updated)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("docs=%d claims=%d versions=%d events=%d dismissed=%d updated=%s refs=%s",
		docs, claims, versions, events, dismissed, updated, refs)
}

// serve sends one request through the router in process.
func (fs *fuzzServer) serve(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	fs.handler.ServeHTTP(rec, req)
	return rec
}

// apiBodySeeds are valid and nearly valid bodies of the routes FuzzAPIBodies sends to.
var apiBodySeeds = []string{
	`{"title":"t","text":"A text [1]."}`,
	`{"title":"","text":"\ufeffline one\r\nline two"}`,
	`{"start":0,"end":12,"refs":[30],"status":"supported","note":"n"}`,
	`{"start":0,"end":12,"quote":"Talks began.","refs":[30,31],"status":"unverified"}`,
	`{"version":1,"note":"changed","refs":[31]}`,
	`{"version":1,"start":-1,"end":99999999999}`,
	`{"decision":"approved","comment":"ok","version":1}`,
	`{"decision":"rejected","comment":"no","override":true}`,
	`{"number":33,"text":"Fourth source","url":"https://example.org/d"}`,
	`{"number":0,"text":"","url":"javascript:alert(1)"}`,
	`{"spans":[{"start":0,"end":12}]}`,
	`{"spans":[{"start":5,"end":2}]}`,
	`{"format":"citecheck/v1","offset_unit":"codepoint","document":{"title":"x","text":"x","text_sha256":""},"claims":[]}`,
	`{"type":"AnnotationPage","items":[{"bodyValue":"n","target":{"selector":{"type":"TextQuoteSelector","exact":"Talks began."}}}]}`,
	`[{"target":{"selector":{"type":"TextPositionSelector","start":0,"end":5}}}]`,
	`{"note":"\u0000"}`,
	`{"title":1}`,
	`{} {}`,
	`{"unknown":true}`,
	"\xff\xfe",
	``,
	`null`,
	`[]`,
	`"str"`,
	`{"refs":[1e400]}`,
}

// FuzzAPIBodies sends the fuzzed bytes as the JSON body of every unsafe API route through the
// real router: never a 5xx; every 4xx is a JSON error with a code; a 4xx changes nothing.
func FuzzAPIBodies(f *testing.F) {
	fs := newFuzzServer(f)
	for _, s := range apiBodySeeds {
		f.Add([]byte(s))
	}
	routes := []struct {
		method, path, user string
	}{
		{"POST", "/api/v1/documents", "rita"},
		{"POST", fmt.Sprintf("/api/v1/documents/%d/claims", fs.docID), "rita"},
		{"PATCH", fmt.Sprintf("/api/v1/claims/%d", fs.claimID), "rita"},
		{"POST", fmt.Sprintf("/api/v1/claims/%d/review", fs.claimID), "ed"},
		{"POST", "/api/v1/import", "rita"},
		{"POST", fmt.Sprintf("/api/v1/documents/%d/references", fs.docID), "rita"},
		{"PUT", fmt.Sprintf("/api/v1/documents/%d/references/30", fs.docID), "rita"},
		{"POST", fmt.Sprintf("/api/v1/documents/%d/sentences/dismiss", fs.docID), "rita"},
		{"POST", fmt.Sprintf("/api/v1/documents/%d/import?format=w3c", fs.docID), "rita"},
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, rt := range routes {
			before := fs.fingerprint(t)
			req := httptest.NewRequest(rt.method, rt.path, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+fs.tokens[rt.user])
			rec := fs.serve(req)
			what := rt.method + " " + rt.path
			if rec.Code >= 500 {
				t.Fatalf("%s answered %d: %s\nserver log: %s\nbody sent: %q", what, rec.Code, rec.Body, fs.errs.take(), body)
			}
			if rec.Code < 400 {
				continue
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("%s answered %d as %q, not JSON: %s", what, rec.Code, ct, rec.Body)
			}
			var e errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("%s answered %d without an error code (%v): %s", what, rec.Code, err, rec.Body)
			}
			if after := fs.fingerprint(t); after != before {
				t.Fatalf("%s answered %d (%s) but changed the database:\nbefore %s\nafter  %s",
					what, rec.Code, e.Error.Code, before, after)
			}
		}
	})
}

var documentLocation = regexp.MustCompile(`^/documents/(\d+)$`)

// multipartBody builds a form with the CSRF token, a title and a file named upload.txt.
func multipartBody(t testing.TB, csrf, title string, content []byte) (*bytes.Buffer, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"csrf_token": csrf, "title": title} {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile("file", "upload.txt")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, w.FormDataContentType()
}

// FuzzMultipartUpload posts fuzzed file contents and titles to the upload forms of a signed-in
// session (with its CSRF token): POST /documents and POST /import. Never a 5xx; POST /documents
// redirects (303) exactly when the text normalises and the title is valid, and then the stored
// text is NormalizeText(content); POST /import redirects only for an export the import accepts.
func FuzzMultipartUpload(f *testing.F) {
	fs := newFuzzServer(f)
	br := fs.newBrowser()
	br.login("rita")
	base, _ := url.Parse(fs.srv.URL)
	cookies := br.client.Jar.Cookies(base)
	if len(cookies) == 0 || br.csrf == "" {
		f.Fatal("no session cookie or CSRF token after sign-in")
	}
	// A valid native export as a seed for the import form.
	exp := fs.do("GET", fmt.Sprintf("/api/v1/documents/%d/export", fs.docID), "rita", nil)
	if exp.status != http.StatusOK {
		f.Fatalf("export: %d", exp.status)
	}
	f.Add([]byte(fuzzDocText), "")
	f.Add([]byte("\uFEFFWindows text\r\nwith CRLF [1]\r\n"), "Title “quoted”")
	f.Add([]byte("cafe\u0301 decomposed"), "")
	f.Add([]byte("bad \xff bytes"), "t")
	f.Add([]byte("nul \x00 byte"), "t")
	f.Add([]byte("   \n\t "), "")
	f.Add([]byte(""), "empty")
	f.Add([]byte("ok"), "title with \x01 control")
	f.Add([]byte("ok"), strings.Repeat("long ", 70))
	f.Add(exp.body, "")
	f.Add([]byte(`<script>alert(1)</script>`), `"><svg onload=alert(1)>`)
	send := func(t *testing.T, path, title string, content []byte) *httptest.ResponseRecorder {
		body, ct := multipartBody(t, br.csrf, title, content)
		req := httptest.NewRequest("POST", path, body)
		req.Header.Set("Content-Type", ct)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := fs.serve(req)
		if rec.Code >= 500 {
			t.Fatalf("POST %s answered %d: %.500s\nserver log: %s", path, rec.Code, rec.Body, fs.errs.take())
		}
		return rec
	}
	storedText := func(t *testing.T, rec *httptest.ResponseRecorder) *citecheck.Document {
		m := documentLocation.FindStringSubmatch(rec.Header().Get("Location"))
		if m == nil {
			t.Fatalf("303 to %q, want /documents/{id}", rec.Header().Get("Location"))
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		d, err := fs.st.Document(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	f.Fuzz(func(t *testing.T, content []byte, title string) {
		// The new document form.
		rec := send(t, "/documents", title, content)
		want, normErr := citecheck.NormalizeText(string(content), 0)
		formTitle := title
		if formTitle == "" {
			formTitle = "upload"
		}
		_, titleErr := titleFor(formTitle, want)
		accept := len(content) > 0 && normErr == nil && titleErr == nil
		switch {
		case rec.Code == http.StatusSeeOther:
			if !accept {
				t.Fatalf("upload accepted although NormalizeText says %v and the title %v", normErr, titleErr)
			}
			if d := storedText(t, rec); d.Text != want {
				t.Fatalf("stored text %q, want NormalizeText(content) %q", d.Text, want)
			}
		case accept:
			t.Fatalf("a valid upload was refused with %d: %.300s", rec.Code, rec.Body)
		case rec.Code < 400:
			t.Fatalf("a refused upload answered %d", rec.Code)
		}

		// The import form, with the same bytes as the export file.
		rec = send(t, "/import", "", content)
		if rec.Code == http.StatusSeeOther {
			ex, err := formats.DecodeExport(content)
			if err != nil {
				t.Fatalf("import accepted a file DecodeExport refuses: %v", err)
			}
			if _, _, err := formats.PrepareImport(ex, 0); err != nil {
				t.Fatalf("import accepted a file PrepareImport refuses: %v", err)
			}
			if d := storedText(t, rec); d.Text != ex.Document.Text {
				t.Fatal("imported text differs from the file's")
			}
		} else if rec.Code < 400 {
			t.Fatalf("a refused import answered %d", rec.Code)
		}
	})
}
