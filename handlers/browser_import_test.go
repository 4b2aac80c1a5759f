package handlers

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDocumentsPageImportForm checks the "Import JSON" form of the documents page and posts a
// native export the way it does: the new document opens.
func TestDocumentsPageImportForm(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Imported “sample”", unicodeText)
	annotate(t, h, doc)
	export := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export", doc.ID), "rita", nil)
	if export.status != http.StatusOK {
		t.Fatalf("export: %d %s", export.status, export.body)
	}
	b := h.newBrowser()
	b.login("rita")
	page := string(b.get("/").body)
	i := strings.Index(page, `action="/import"`)
	if i < 0 {
		t.Fatalf("the documents page has no import form")
	}
	form := page[strings.LastIndex(page[:i], "<form"):]
	form = form[:strings.Index(form, "</form>")]
	for _, want := range []string{`method="post"`, `enctype="multipart/form-data"`, `name="csrf_token" value="` + b.csrf + `"`,
		`type="file" name="file" accept=".json,application/json"`, `>Import</button>`} {
		if !strings.Contains(form, want) {
			t.Errorf("the import form lacks %s: %s", want, form)
		}
	}
	r := b.upload("/import", "export.json", export.body, true)
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !regexp.MustCompile(`^/documents/\d+$`).MatchString(loc) || loc == fmt.Sprintf("/documents/%d", doc.ID) {
		t.Fatalf("import: %d %q", r.status, loc)
	}
	if r := b.get(loc); r.status != http.StatusOK || !strings.Contains(string(r.body), "Imported “sample”") {
		t.Fatalf("the imported document's page: %d", r.status)
	}
}

// highlightsJS describes the highlighted runs of #doc-text without claim ids: where each starts,
// its text, its classes and how many claims cover it.
const highlightsJS = `JSON.stringify(Array.from(document.querySelectorAll('#doc-text [data-claims]'), s =>
	[s.dataset.o, s.textContent, s.className, s.dataset.claims.split(' ').length]))`

// testBrowserImport fetches a document's "Download JSON" link in the page, uploads the file with
// the documents page's Import form, and finds the same text and highlights in the new document.
func testBrowserImport(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Round trip 🚀", browserText)
	claims := annotate(t, h, doc)
	tb := newTab(t, browserCtx, h.srv.URL, 45*time.Second)
	tb.login("rita")

	tb.do("open the document", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	wantText := evalJS[string](tb, "doc text", `document.getElementById('doc-text').textContent`)
	wantHL := evalJS[string](tb, "highlights", highlightsJS)
	wantClaims := evalJS[int](tb, "claims", `document.querySelectorAll('#claims-panel li.claim').length`)
	if wantText != browserText || wantClaims != len(claims) || wantHL == "[]" {
		t.Fatalf("the original page: %d claims (want %d), highlights %s", wantClaims, len(claims), wantHL)
	}
	exported := evalJS[string](tb, "fetch the Download JSON link", `(async () => {
		const a = Array.from(document.querySelectorAll('a[download]')).find(a => a.textContent.trim() === 'Download JSON');
		if (!a) throw new Error('no Download JSON link');
		const r = await fetch(a.href, { credentials: 'same-origin' });
		if (!r.ok) throw new Error('export: ' + r.status);
		return await r.text();
	})()`)
	if !strings.Contains(exported, `"citecheck/v1"`) {
		t.Fatalf("the downloaded file is not a native export: %.200s", exported)
	}
	file := filepath.Join(t.TempDir(), "export.json")
	if err := os.WriteFile(file, []byte(exported), 0o644); err != nil {
		t.Fatal(err)
	}

	tb.do("upload with the Import form",
		chromedp.Navigate(h.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`section.import-document input[type=file]`)),
		chromedp.SetUploadFiles(chromedp.CSS(`section.import-document input[type=file]`), []string{file}),
		chromedp.Click(chromedp.CSS(`section.import-document button[type=submit]`)),
	)
	waitAcrossNavigation(tb, "the imported document", fmt.Sprintf(
		`/\/documents\/\d+$/.test(location.pathname) && location.pathname !== '/documents/%d' && !!document.getElementById('doc-text')`, doc.ID))
	if got := evalJS[string](tb, "imported text", `document.getElementById('doc-text').textContent`); got != wantText {
		t.Errorf("the imported document shows a different text:\n got %q\nwant %q", got, wantText)
	}
	if got := evalJS[string](tb, "imported highlights", highlightsJS); got != wantHL {
		t.Errorf("the imported document's highlights differ:\n got %s\nwant %s", got, wantHL)
	}
	if got := evalJS[int](tb, "imported claims", `document.querySelectorAll('#claims-panel li.claim').length`); got != wantClaims {
		t.Errorf("the imported document has %d claims in the panel, want %d", got, wantClaims)
	}
	if got := evalJS[string](tb, "title", `document.querySelector('h1').textContent`); !strings.Contains(got, "Round trip 🚀") {
		t.Errorf("the imported document's title is %q", got)
	}
	tb.checkNoExceptions()
}
