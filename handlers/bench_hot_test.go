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
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/citecheck/citecheck"
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

// BenchmarkHotExport answers the native export of the same document (store read, checks,
// summary, indented JSON, ETag) in process, beside encoding/json of the bare data: the text and
// the claims slice as the store answers it.
func BenchmarkHotExport(b *testing.B) {
	h := newHarness(b, Config{})
	doc, _ := hotDocument(b, h, 1<<20, 5000)
	claims, err := h.st.Claims(context.Background(), doc.ID, citecheck.ClaimFilter{})
	if err != nil {
		b.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/documents/%d/export", doc.ID)
	b.Run("native-export", func(b *testing.B) {
		for b.Loop() {
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("Authorization", "Bearer "+h.tokens["rita"])
			rec := serveInProcess(h, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("%d %.300s", rec.Code, rec.Body)
			}
			b.ReportMetric(float64(rec.Body.Len())/1e6, "MB/export")
		}
	})
	b.Run("baseline-json.Marshal", func(b *testing.B) {
		bare := struct {
			Text   string            `json:"text"`
			Claims []citecheck.Claim `json:"claims"`
		}{doc.Text, claims}
		for b.Loop() {
			out, err := json.Marshal(bare)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(out))/1e6, "MB/export")
		}
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
