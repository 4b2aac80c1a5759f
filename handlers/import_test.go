package handlers

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/desk"
	"github.com/citecheck/citecheck/formats"
)

// annotate adds claims to a document between its markers (up to five, each ending before a
// marker), with varied statuses and notes, and has ed approve the first and reject the second.
// It returns the claims' ids.
func annotate(t *testing.T, h *harness, doc citecheck.Document) []int64 {
	t.Helper()
	runes := []rune(doc.Text)
	type span struct {
		start, end int
		refs       []int
	}
	var spans []span
	prev := 0
	for _, m := range doc.Citations {
		s, e := prev, m.Start
		for s < e && unicode.IsSpace(runes[s]) {
			s++
		}
		for e > s && unicode.IsSpace(runes[e-1]) {
			e--
		}
		if e > s && len(spans) < 5 {
			spans = append(spans, span{s, e, m.Refs})
		}
		prev = m.End
	}
	if len(spans) < 2 {
		spans = append(spans, span{0, min(len(runes), 10), nil})
	}
	statuses := []string{"supported", "contradicted", "partly-supported", "citation-needed", "unsupported"}
	var ids []int64
	for i, sp := range spans {
		refs := sp.refs
		if refs == nil {
			refs = []int{}
		}
		r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", map[string]any{
			"start": sp.start, "end": sp.end, "refs": refs, "status": statuses[i%len(statuses)],
			"note": fmt.Sprintf("note %d: “quoted”, 😀, \"double\"\nsecond line", i)})
		if r.status != http.StatusCreated {
			t.Fatalf("claim %d..%d: %d %s", sp.start, sp.end, r.status, r.body)
		}
		var cl citecheck.Claim
		r.json(t, &cl)
		ids = append(ids, cl.ID)
	}
	review := func(id int64, decision, comment string) {
		r := h.do("POST", fmt.Sprintf("/api/v1/claims/%d/review", id), "ed",
			map[string]any{"decision": decision, "comment": comment, "version": 1, "override": true})
		if r.status != http.StatusOK {
			t.Fatalf("review %d: %d %s", id, r.status, r.body)
		}
	}
	review(ids[0], "approved", "")
	review(ids[1], "rejected", "the source says “no”, see p. 2")
	return ids
}

// signOff are the fields of an exported claim that an import never carries over: the review,
// its reviewer, the authors and the times. They come back as the claim's provenance instead.
var signOff = []string{"review", "review_comment", "reviewed_by", "reviewed_at",
	"created_by", "created_at", "updated_by", "updated_at"}

// comparableExport decodes an export and drops what an import changes: ids, the document id of
// claims, the export time, claim versions and revisions, the sign-off (see signOff), the
// provenance and the count by review.
func comparableExport(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var ex map[string]any
	if err := json.Unmarshal(body, &ex); err != nil {
		t.Fatal(err)
	}
	delete(ex, "exported_at")
	delete(ex["document"].(map[string]any), "id")
	delete(ex["summary"].(map[string]any), "by_review")
	claims, _ := ex["claims"].([]any)
	for _, c := range claims {
		m := c.(map[string]any)
		for _, k := range append([]string{"id", "document_id", "version", "revision", "imported"}, signOff...) {
			delete(m, k)
		}
	}
	return ex
}

// checkImportedSignOff checks that every claim of the imported export (second) is pending and
// created by importer, and keeps the sign-off of the same claim in the first export (the
// file) as its provenance.
func checkImportedSignOff(t *testing.T, first, second []byte, importer string) {
	t.Helper()
	var a, b formats.Export
	if err := json.Unmarshal(first, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(second, &b); err != nil {
		t.Fatal(err)
	}
	if len(a.Claims) != len(b.Claims) {
		t.Fatalf("%d claims imported from %d", len(b.Claims), len(a.Claims))
	}
	for i, was := range a.Claims {
		c := b.Claims[i]
		if c.Review != citecheck.ReviewPending || c.ReviewedBy != nil || c.ReviewComment != "" || c.CreatedBy != importer ||
			c.UpdatedBy != importer {
			t.Errorf("imported claim %d carries sign-off: %+v", i, c)
		}
		p := c.Imported
		if p == nil || p.FromFormat != citecheck.FromNative || p.SourceID != fmt.Sprint(was.ID) || p.Review != was.Review ||
			p.ReviewComment != was.ReviewComment || p.CreatedBy != was.CreatedBy || p.UpdatedBy != was.UpdatedBy ||
			!p.CreatedAt.Equal(was.CreatedAt) || p.ImportedBy != importer || (was.ReviewedBy != nil) != (p.ReviewedBy != "") ||
			(was.ReviewedBy != nil && *was.ReviewedBy != p.ReviewedBy) {
			t.Errorf("claim %d: provenance %+v, the file said %+v", i, p, was)
		}
	}
}

// TestNativeImportRoundTripsEveryFixture exports each fixture with claims (some reviewed),
// imports it, and exports the copy: the two exports are the same apart from ids, versions,
// the export time and the sign-off, which the copy keeps as each claim's provenance.
func TestNativeImportRoundTripsEveryFixture(t *testing.T) {
	files, _ := filepath.Glob("../testdata/*.txt")
	if len(files) < 7 {
		t.Fatalf("fixtures: %v", files)
	}
	h := newHarness(t, Config{})
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			doc := h.createDocument("rita", filepath.Base(f), string(raw))
			annotate(t, h, doc)
			if r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/references", doc.ID), "rita",
				map[string]any{"number": 99, "text": "Added by hand, https://example.org/99"}); r.status != http.StatusCreated {
				t.Fatalf("add reference: %d %s", r.status, r.body)
			}
			first := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export", doc.ID), "ed", nil)
			r := h.do("POST", "/api/v1/import", "ada", first.body)
			if r.status != http.StatusCreated {
				t.Fatalf("import: %d %s", r.status, r.body)
			}
			var ans struct {
				DocumentID int64 `json:"document_id"`
			}
			r.json(t, &ans)
			if ans.DocumentID == doc.ID || ans.DocumentID == 0 {
				t.Fatalf("answer %s", r.body)
			}
			second := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export", ans.DocumentID), "ed", nil)
			a, b := comparableExport(t, first.body), comparableExport(t, second.body)
			if !reflect.DeepEqual(a, b) {
				ja, _ := json.MarshalIndent(a, "", " ")
				jb, _ := json.MarshalIndent(b, "", " ")
				t.Fatalf("round trip differs:\n%s\n----\n%s", ja, jb)
			}
			if n := len(a["claims"].([]any)); n < 2 {
				t.Fatalf("only %d claims", n)
			}
			checkImportedSignOff(t, first.body, second.body, "ada")
		})
	}
}

// dbCounts is the number of documents and claims in the harness's database.
func dbCounts(t *testing.T, h *harness) (docs, claims int) {
	t.Helper()
	list, err := h.st.Documents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list {
		claims += d.Counts.Claims
	}
	return len(list), claims
}

func TestNativeImportRefusalsChangeNothing(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Sample", unicodeText)
	ids := annotate(t, h, doc)
	good := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export", doc.ID), "ed", nil).body
	edit := func(change func(ex map[string]any, claims []any)) []byte {
		var ex map[string]any
		json.Unmarshal(good, &ex)
		change(ex, ex["claims"].([]any))
		b, _ := json.Marshal(ex)
		return b
	}
	claim := func(claims []any, i int) map[string]any { return claims[i].(map[string]any) }
	cases := []struct {
		name   string
		body   []byte
		status int
		code   string
		msg    string
	}{
		{"wrong hash", edit(func(ex map[string]any, _ []any) {
			ex["document"].(map[string]any)["text_sha256"] = strings.Repeat("ab", 32)
		}), 422, formats.ECodeHashMismatch, ""},
		{"quote does not match", edit(func(_ map[string]any, c []any) { claim(c, 1)["quote"] = "something else" }),
			422, citecheck.ECodeQuoteMismatch, fmt.Sprintf("claim %d (number 2", ids[1])},
		{"offsets out of range", edit(func(_ map[string]any, c []any) { claim(c, 0)["end"] = 100000 }),
			422, citecheck.ECodeOffsetOutOfRange, fmt.Sprintf("claim %d", ids[0])},
		{"unknown status", edit(func(_ map[string]any, c []any) { claim(c, 0)["status"] = "mostly-true" }),
			422, citecheck.ECodeInvalidStatus, ""},
		{"duplicate claim ids", edit(func(_ map[string]any, c []any) { claim(c, 1)["id"] = claim(c, 0)["id"] }),
			422, formats.ECodeDuplicateClaim, ""},
		{"wrong format", edit(func(ex map[string]any, _ []any) { ex["format"] = "hypothesis/v1" }),
			422, formats.ECodeUnsupportedFormat, ""},
		{"malformed JSON", good[:len(good)/2], 400, citecheck.ECodeMalformed, ""},
		{"not an export", []byte(`{"type":"AnnotationCollection"}`), 400, citecheck.ECodeMalformed, ""},
		{"20 MB body", bytes.Repeat([]byte(" "), 20<<20), 413, citecheck.ECodeTooLarge, ""},
	}
	docs, claims := dbCounts(t, h)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do("POST", "/api/v1/import", "rita", tc.body)
			if r.status != tc.status || r.errorCode(t) != tc.code || !strings.Contains(string(r.body), tc.msg) {
				t.Fatalf("%d %s, want %d %s with %q", r.status, r.body, tc.status, tc.code, tc.msg)
			}
			if d, c := dbCounts(t, h); d != docs || c != claims {
				t.Fatalf("database changed: %d documents, %d claims; want %d, %d", d, c, docs, claims)
			}
		})
	}
}

// upload posts a file in the multipart field "file" with the browser's session and CSRF token.
func (b *browser) upload(path, name string, data []byte, withCSRF bool) response {
	b.h.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if withCSRF {
		w.WriteField("csrf_token", b.csrf)
	}
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest("POST", b.h.srv.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.h.send(b.client, req)
}

func TestImportPageOpensTheNewDocumentOrShowsTheError(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Sample", unicodeText)
	annotate(t, h, doc)
	good := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export", doc.ID), "ed", nil).body
	b := h.newBrowser()
	b.login("rita")
	r := b.upload("/import", "export.json", good, true)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/documents/") ||
		r.header.Get("Location") == fmt.Sprintf("/documents/%d", doc.ID) {
		t.Fatalf("import: %d %v", r.status, r.header)
	}
	docs, claims := dbCounts(t, h)
	bad := bytes.Replace(good, []byte(`"format": "citecheck/v1"`), []byte(`"format": "other"`), 1)
	r = b.upload("/import", "export.json", bad, true)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "only &#34;citecheck/v1&#34; exports") {
		t.Fatalf("bad import: %d %s", r.status, r.body)
	}
	// The refusal shows with the import form, not with the new document form.
	page := string(r.body)
	if i, e := strings.Index(page, `action="/import"`), strings.Index(page, "Import refused"); i < 0 || e < i ||
		strings.Contains(page[:i], "Import refused") {
		t.Errorf("the refusal is not in the import form: form at %d, refusal at %d", i, e)
	}
	if r = b.upload("/import", "export.json", good, false); r.status != http.StatusForbidden {
		t.Fatalf("without CSRF: %d", r.status)
	}
	if r = b.postForm("/import", url.Values{}, true); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("without file: %d", r.status)
	}
	if d, c := dbCounts(t, h); d != docs || c != claims {
		t.Fatalf("refused imports changed the database")
	}
}

func TestW3CImportRoundTripAndAnchoring(t *testing.T) {
	h := newHarness(t, Config{})
	src := h.createDocument("rita", "Sample", unicodeText)
	annotate(t, h, src)
	w3c := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export?format=w3c", src.ID), "ed", nil).body
	var orig []citecheck.Claim
	var list struct {
		Claims []citecheck.Claim `json:"claims"`
	}
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims", src.ID), "ed", nil).json(t, &list)
	orig = list.Claims
	list.Claims = nil

	dst := h.createDocument("ed", "Copy", unicodeText)
	r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/import?format=w3c", dst.ID), "ed", w3c)
	var ans desk.AnnotationsResult
	r.json(t, &ans)
	if r.status != http.StatusCreated || ans.Anchored != len(orig) || ans.Unanchored != 0 || len(ans.Claims) != len(orig) {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims", dst.ID), "ed", nil).json(t, &list)
	for i, c := range list.Claims {
		o := orig[i]
		if c.Start != o.Start || c.End != o.End || c.Quote != o.Quote || !reflect.DeepEqual(c.Refs, o.Refs) ||
			c.Status != o.Status || c.Note != o.Note || c.CreatedBy != "ed" || c.Review != citecheck.ReviewPending {
			t.Errorf("claim %d: %+v, want like %+v", i, c, o)
		}
	}

	// A text with a paragraph in front moves every position: the quotes still anchor, except
	// one whose quote is gone.
	var coll map[string]any
	json.Unmarshal(w3c, &coll)
	items := coll["first"].(map[string]any)["items"].([]any)
	sels := items[len(items)-1].(map[string]any)["target"].(map[string]any)["selector"].([]any)
	sels[0].(map[string]any)["exact"] = "not in the text"
	moved, _ := json.Marshal(coll)
	shifted := h.createDocument("ed", "Shifted", "A new first paragraph.\n\n"+unicodeText)
	r = h.do("POST", fmt.Sprintf("/api/v1/documents/%d/import?format=w3c", shifted.ID), "rita", moved)
	r.json(t, &ans)
	if r.status != http.StatusCreated || ans.Anchored != len(orig)-1 || ans.Unanchored != 1 ||
		len(ans.Failures) != 1 || ans.Failures[0].Reason == "" || !strings.HasPrefix(ans.Failures[0].ID, "urn:citecheck:claim:") {
		t.Fatalf("shifted import: %d %s", r.status, r.body)
	}
	list.Claims = nil
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims", shifted.ID), "ed", nil).json(t, &list)
	for i, c := range list.Claims {
		if c.Quote != orig[i].Quote || c.Start != orig[i].Start+24 {
			t.Errorf("shifted claim %d: %d %q, want %d %q", i, c.Start, c.Quote, orig[i].Start+24, orig[i].Quote)
		}
	}

	_, claims := dbCounts(t, h)
	for name, tc := range map[string]struct {
		path   string
		body   string
		status int
	}{
		"unknown format":  {"/import?format=hypothesis", string(w3c), 422},
		"malformed":       {"/import?format=w3c", `{"type":`, 400},
		"not annotations": {"/import?format=w3c", `{"type":"Person"}`, 400},
	} {
		r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d%s", dst.ID, tc.path), "ed", tc.body)
		if r.status != tc.status {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	if r := h.do("POST", "/api/v1/documents/99999/import?format=w3c", "ed", w3c); r.status != 404 {
		t.Errorf("unknown document: %d", r.status)
	}
	if _, c := dbCounts(t, h); c != claims {
		t.Errorf("refused W3C imports changed the database")
	}
}

func TestClaimReviewAndCSVExports(t *testing.T) {
	h := newHarness(t, Config{Organization: "Fact Desk", PublicURL: "https://fc.example.org/"})
	doc := h.createDocument("rita", "Budget, “speech”", unicodeText)
	ids := annotate(t, h, doc)

	r := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export?format=claimreview", doc.ID), "rita", nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/ld+json") ||
		!strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("claimreview: %d %v", r.status, r.header)
	}
	var feed formats.ClaimReviewFeed
	r.json(t, &feed)
	if feed.Context != "https://schema.org" || len(feed.Graph) != 1 || len(feed.Skipped) != 0 {
		t.Fatalf("feed: %s", r.body)
	}
	cr := feed.Graph[0]
	if cr.URL != fmt.Sprintf("https://fc.example.org/documents/%d?claim=%d#c-%d", doc.ID, ids[0], ids[0]) || cr.Author.Name != "Fact Desk" ||
		cr.ItemReviewed.Appearance.Headline != "Budget, “speech”" || cr.ReviewRating.RatingValue != 5 || cr.DatePublished == "" {
		t.Fatalf("claim review: %+v", cr)
	}
	// The review's link opens the document page on the claim, as the desk's own links do.
	b := h.newBrowser()
	b.login("rita")
	link, _ := url.Parse(cr.URL)
	if page := b.get(link.RequestURI()); page.status != 200 || !strings.Contains(string(page.body), fmt.Sprintf(`id="c-%d"`, ids[0])) {
		t.Errorf("the review's link %s opens %d without the claim's anchor", link.RequestURI(), page.status)
	}

	r = h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export?format=csv", doc.ID), "rita", nil)
	if r.status != 200 || r.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(r.header.Get("Content-Disposition"), ".csv") {
		t.Fatalf("csv: %d %v", r.status, r.header)
	}
	rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Claims []citecheck.Claim `json:"claims"`
	}
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "ed", nil).json(t, &list)
	if len(rows) != len(list.Claims)+1 || !reflect.DeepEqual(rows[0], formats.CSVHeader) {
		t.Fatalf("csv rows: %q", rows)
	}
	for i, c := range list.Claims {
		row := rows[i+1]
		if row[0] != fmt.Sprint(c.ID) || row[3] != formats.SpreadsheetSafe(c.Quote) || row[5] != string(c.Status) ||
			row[6] != c.Note || row[7] != string(c.Review) || row[8] != c.ReviewComment || row[9] != "rita" {
			t.Errorf("row %d = %q for %+v", i+1, row, c)
		}
		if c.ReviewedBy != nil && row[10] != *c.ReviewedBy {
			t.Errorf("row %d editor %q", i+1, row[10])
		}
	}

	// Exports carry an ETag that answers If-None-Match until something changes.
	path := fmt.Sprintf("/api/v1/documents/%d/export", doc.ID)
	first := h.do("GET", path, "rita", nil)
	etag := first.header.Get("ETag")
	req, _ := http.NewRequest("GET", h.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+h.tokens["rita"])
	req.Header.Set("If-None-Match", etag)
	if r := h.send(http.DefaultClient, req); etag == "" || r.status != http.StatusNotModified {
		t.Fatalf("If-None-Match %q: %d", etag, r.status)
	}
	h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", map[string]any{"start": 0, "end": 5, "refs": []int{}})
	if r := h.send(http.DefaultClient, req); r.status != http.StatusOK || r.header.Get("ETag") == etag {
		t.Fatalf("after a change: %d %s", r.status, r.header.Get("ETag"))
	}
}

func TestClaimReviewDefaultsToTheRequestHost(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "T", unicodeText)
	annotate(t, h, doc)
	var feed formats.ClaimReviewFeed
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export?format=claimreview", doc.ID), "rita", nil).json(t, &feed)
	host := strings.TrimPrefix(h.srv.URL, "http://")
	if len(feed.Graph) != 1 || feed.Graph[0].Author.Name != host ||
		!strings.HasPrefix(feed.Graph[0].URL, h.srv.URL+"/documents/") {
		t.Fatalf("feed %+v", feed)
	}
}
