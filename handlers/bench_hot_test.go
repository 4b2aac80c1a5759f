package handlers

// Benchmarks of the hot paths, each beside its baseline in one function, so one run prints
// both and the ratio can be read off:
//
//	go test -run '^$' -bench 'BenchmarkHot' -benchmem ./handlers/
//
// Claim creation through the store beside a raw INSERT is in the store package
// (BenchmarkCreateClaim and BenchmarkRawInsert in store/concurrency_test.go) and over HTTP in
// BenchmarkCreateClaim (bench_test.go); BenchmarkHotCreateClaim below puts the store call and
// the raw INSERT on the same file in one function.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/formats"
)

// sampleTextOf repeats the real user sample, paragraph by paragraph, up to size bytes.
func sampleTextOf(tb testing.TB, size int) string {
	tb.Helper()
	sample, err := os.ReadFile("../testdata/user-sample.txt")
	if err != nil {
		tb.Fatal(err)
	}
	var sb strings.Builder
	sb.Grow(size + len(sample))
	for sb.Len()+len(sample)+2 <= size {
		sb.Write(sample)
		sb.WriteString("\n\n")
	}
	return sb.String()
}

// hotDocument stores a document of about size bytes with n claims spread evenly over it, each
// up to 300 code points and overlapping its neighbour when they are dense, every status, written
// in one transaction.
func hotDocument(tb testing.TB, h *harness, size, n int) (citecheck.Document, []citecheck.Claim) {
	tb.Helper()
	doc := h.createDocument("rita", "hot", sampleTextOf(tb, size))
	t := citecheck.NewText(doc.Text)
	step := doc.Length / n
	claims := make([]citecheck.Claim, n)
	for i := range claims {
		cl := citecheck.Claim{DocumentID: doc.ID, Start: i * step, End: min(i*step+min(step+40, 300), doc.Length),
			Refs: []int{30 + i%20}, Status: citecheck.Statuses[i%len(citecheck.Statuses)], Note: "note <b>" + fmt.Sprint(i) + "</b>"}
		citecheck.FillQuote(t, &cl)
		claims[i] = cl
	}
	stored, err := h.st.CreateClaims(context.Background(), doc.ID, claims, 1)
	if err != nil {
		tb.Fatal(err)
	}
	return doc, stored
}

// sessionCookies signs name in through the login form and answers the session cookies, for
// requests served in process.
func sessionCookies(tb testing.TB, h *harness, name string) []*http.Cookie {
	tb.Helper()
	br := h.newBrowser()
	br.login(name)
	u, _ := url.Parse(h.srv.URL)
	cs := br.client.Jar.Cookies(u)
	if len(cs) == 0 {
		tb.Fatal("no session cookie after sign-in")
	}
	return cs
}

// serveInProcess runs one request through the router without the network.
func serveInProcess(h *harness, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.srv.Config.Handler.ServeHTTP(rec, req)
	return rec
}

// BenchmarkHotDocumentPage renders the document page of a 1 MB text with 5,000 claims (store
// read, segments, checks, templ), in process, beside escaping the same text alone with
// html.EscapeString and with templ's escaper: the floor of any HTML page that shows the text.
func BenchmarkHotDocumentPage(b *testing.B) {
	h := newHarness(b, Config{})
	doc, _ := hotDocument(b, h, 1<<20, 5000)
	cookies := sessionCookies(b, h, "rita")
	path := fmt.Sprintf("/documents/%d", doc.ID)
	b.Run("page", func(b *testing.B) {
		b.SetBytes(int64(len(doc.Text)))
		for b.Loop() {
			req := httptest.NewRequest("GET", path, nil)
			for _, c := range cookies {
				req.AddCookie(c)
			}
			rec := serveInProcess(h, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("%d %.300s", rec.Code, rec.Body)
			}
			b.ReportMetric(float64(rec.Body.Len())/1e6, "MB/page")
		}
	})
	b.Run("baseline-html.EscapeString", func(b *testing.B) {
		b.SetBytes(int64(len(doc.Text)))
		for b.Loop() {
			if html.EscapeString(doc.Text) == "" {
				b.Fatal("empty")
			}
		}
	})
	b.Run("baseline-templ.EscapeString", func(b *testing.B) {
		b.SetBytes(int64(len(doc.Text)))
		for b.Loop() {
			if templ.EscapeString(doc.Text) == "" {
				b.Fatal("empty")
			}
		}
	})
	// The sample needs no escaping, so the two above only scan it; this one also writes every
	// byte into a buffer, as a page must.
	b.Run("baseline-template.HTMLEscape-to-buffer", func(b *testing.B) {
		b.SetBytes(int64(len(doc.Text)))
		text := []byte(doc.Text)
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			template.HTMLEscape(&buf, text)
		}
	})
}

// discardResponse is an http.ResponseWriter that counts the body and keeps none of it, as a
// network connection does: an httptest.ResponseRecorder would grow a buffer as large as the
// body and charge it to the handler.
type discardResponse struct {
	header http.Header
	status int
	n      int64
}

func newDiscardResponse() *discardResponse { return &discardResponse{header: http.Header{}} }

func (d *discardResponse) Header() http.Header { return d.header }

func (d *discardResponse) WriteHeader(status int) {
	if d.status == 0 {
		d.status = status
	}
}

func (d *discardResponse) Write(p []byte) (int, error) {
	d.WriteHeader(http.StatusOK)
	d.n += int64(len(p))
	return len(p), nil
}

// allocPerOutput reports the bytes allocated per loop of b, as a multiple of size: the ratio
// the export must keep at or under 2.
func allocPerOutput(b *testing.B, size *int64, loop func()) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		loop()
		n++
	}
	runtime.ReadMemStats(&after)
	if n > 0 && *size > 0 {
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n)/float64(*size), "alloc/output")
		b.ReportMetric(float64(*size)/1e6, "MB/export")
	}
}

// BenchmarkHotExport answers the native export of a 1 MB document with 5,000 claims, beside
// encoding/json of the bare data (the text and the claims slice as the store answers it): the
// whole request (store read, checks, summary, ETag, indented JSON streamed to the connection),
// and the export alone from claims already read (formats.BuildExportIn and WriteExport), the
// part that the format owns. Each reports its allocation as a multiple of its output.
func BenchmarkHotExport(b *testing.B) {
	h := newHarness(b, Config{})
	doc, _ := hotDocument(b, h, 1<<20, 5000)
	claims, err := h.st.Claims(context.Background(), doc.ID, citecheck.ClaimFilter{})
	if err != nil {
		b.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/documents/%d/export", doc.ID)
	b.Run("native-export", func(b *testing.B) {
		var size int64
		allocPerOutput(b, &size, func() {
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("Authorization", "Bearer "+h.tokens["rita"])
			w := newDiscardResponse()
			h.srv.Config.Handler.ServeHTTP(w, req)
			if w.status != http.StatusOK {
				b.Fatalf("status %d", w.status)
			}
			size = w.n
		})
	})
	b.Run("native-export-from-memory", func(b *testing.B) {
		var size int64
		claims := slices.Clone(claims) // BuildExportIn fills the checks of these; the baseline's stay as read
		t := citecheck.NewText(doc.Text)
		full, err := h.st.Document(context.Background(), doc.ID)
		if err != nil {
			b.Fatal(err)
		}
		allocPerOutput(b, &size, func() {
			w := newDiscardResponse()
			if err := formats.WriteExport(w, formats.BuildExportIn(t, full, claims, time.Now())); err != nil {
				b.Fatal(err)
			}
			size = w.n
		})
	})
	b.Run("baseline-json.Marshal", func(b *testing.B) {
		bare := struct {
			Text   string            `json:"text"`
			Claims []citecheck.Claim `json:"claims"`
		}{doc.Text, claims}
		var size int64
		allocPerOutput(b, &size, func() {
			out, err := json.Marshal(bare)
			if err != nil {
				b.Fatal(err)
			}
			size = int64(len(out))
		})
	})
}

// BenchmarkHotMarkers parses the citation markers of 1 MB of the real sample beside counting its
// "[" with strings.Count: one pass over the bytes that finds every place a marker could start.
// (BenchmarkParseCitations1MB in the root package parses a synthetic megabyte.)
func BenchmarkHotMarkers(b *testing.B) {
	text := sampleTextOf(b, 1<<20)
	b.Run("ParseCitations", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			if len(citecheck.ParseCitations(text)) == 0 {
				b.Fatal("no markers")
			}
		}
	})
	b.Run("baseline-strings.Count", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			if strings.Count(text, "[") == 0 {
				b.Fatal("no brackets")
			}
		}
	})
}

// BenchmarkHotCreateClaim creates a claim through the store (transaction, document check,
// insert, read back, history event, fsync) beside a raw single-row INSERT through a second
// connection to the same file with the same pragmas.
func BenchmarkHotCreateClaim(b *testing.B) {
	h := newHarness(b, Config{})
	doc := h.createDocument("rita", "bench", strings.Repeat("A claim worth checking. [1] ", 200))
	txt := citecheck.NewText(doc.Text)
	b.Run("store.CreateClaim", func(b *testing.B) {
		ctx := context.Background()
		for b.Loop() {
			cl := &citecheck.Claim{DocumentID: doc.ID, Start: 0, End: 23, Refs: []int{1},
				Status: citecheck.StatusSupported, Note: "bench", CreatedByID: 1}
			citecheck.FillQuote(txt, cl)
			if _, err := h.st.CreateClaim(ctx, cl); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline-raw-insert", func(b *testing.B) {
		db, err := sql.Open("sqlite3", "file:"+filepath.ToSlash(h.dbPath)+"?_journal_mode=WAL&_foreign_keys=on&_busy_timeout=5000&_synchronous=FULL")
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
		const insert = `INSERT INTO claims (document_id, start, "end", quote, prefix, suffix, refs, status, note,
			created_by, created_at, updated_by, updated_at) VALUES (?, 0, 23, 'A claim worth checking.', '', ' [1] A claim', '[1]',
			'supported', 'bench', 1, '2026-01-01T00:00:00.000000000Z', 1, '2026-01-01T00:00:00.000000000Z')`
		for b.Loop() {
			if _, err := db.Exec(insert, doc.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkHotSuggest answers the popup's suggestion for a selection in a 1 MB text with 5,000
// claims (quote, refs, sentence, and the claims with the same span for the duplicate warning),
// in process, beside reading one claim of the same document: the floor of an API read of it.
func BenchmarkHotSuggest(b *testing.B) {
	h := newHarness(b, Config{})
	doc, claims := hotDocument(b, h, 1<<20, 5000)
	cookies := sessionCookies(b, h, "rita")
	cl := claims[len(claims)/2]
	get := func(path string) {
		req := httptest.NewRequest("GET", path, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		if rec := serveInProcess(h, req); rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
	b.Run("suggest", func(b *testing.B) {
		path := fmt.Sprintf("/api/v1/documents/%d/suggest?start=%d&end=%d", doc.ID, cl.Start, cl.End)
		get(path) // the document's shared view is built once, then cached
		for b.Loop() {
			get(path)
		}
	})
	b.Run("baseline-get-claim", func(b *testing.B) {
		path := fmt.Sprintf("/api/v1/claims/%d", cl.ID)
		for b.Loop() {
			get(path)
		}
	})
}
