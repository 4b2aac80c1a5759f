package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

// splitFixture is the page evidence fixture with a second, approved claim of rita's on ref 1
// that has no evidence yet, and a document of its own elsewhere with a source.
type splitFixture struct {
	pageEvidenceFixture
	bare        citecheck.Claim // approved by ed with override, no evidence
	otherSource int64
}

func newSplitFixture(t *testing.T, h *harness) splitFixture {
	t.Helper()
	f := splitFixture{pageEvidenceFixture: newPageEvidenceFixture(t, h)}
	f.bare = h.claimAt("rita", f.doc.ID, sourcesDocText, "Observers doubted 40% of it.", []int{1, 2}, "supported")
	if r, _ := h.review("ed", f.bare.ID, map[string]any{"decision": "approved", "override": true}); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	other := h.createDocument("rita", "other", sourcesDocText)
	r := h.do("POST", sourcesPath(other.ID, 1), "rita", map[string]any{"text": "Another document's source."})
	var cp citecheck.Capture
	r.json(t, &cp)
	f.otherSource = cp.ID
	return f
}

func (f splitFixture) evidenceCount(t *testing.T, h *harness, id int64) (int, citecheck.Review) {
	t.Helper()
	var cl citecheck.Claim
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d", id), "rita", nil).json(t, &cl)
	return len(cl.Evidence), cl.Review
}

// TestSplitPaneOnDocumentPage: ?evidence=CLAIM opens the claim's pane beside the text, with the
// sources of its refs, the picked source's text escaped in one run from offset 0, the form with
// its CSRF token, and the refs without a source; bad queries are refused with the field named.
func TestSplitPaneOnDocumentPage(t *testing.T) {
	h := newHarness(t, Config{})
	f := newSplitFixture(t, h)
	rita := h.newBrowser()
	rita.login("rita")
	r := rita.get(fmt.Sprintf("/documents/%d?evidence=%d", f.doc.ID, f.bare.ID))
	if r.status != 200 {
		t.Fatalf("pane: %d %.300s", r.status, r.body)
	}
	mustContain(t, "pane", r.body,
		`class="doc-layout splitting"`,
		`<section id="split-pane"`,
		fmt.Sprintf(`<div id="source-text" class="source-text split-text" data-source-id="%d" data-length="%d"><span data-o="0">Before &lt;b&gt;bold&lt;/b&gt;. Talks`, f.source.ID, f.source.Length),
		fmt.Sprintf(`action="/claims/%d/evidence"`, f.bare.ID),
		fmt.Sprintf(`<input type="hidden" name="source_id" value="%d">`, f.source.ID),
		`<input type="hidden" name="csrf_token" value="`+rita.csrf+`">`,
		`No archived copy of [2] yet.`,
		fmt.Sprintf(`data-pane="/claims/%d/evidence?source=%d"`, f.bare.ID, f.source.ID),
		`<script type="module" src="/assets/evidence.js"></script>`)
	if strings.Contains(string(r.body), "<script>alert(1)") {
		t.Errorf("the source's text is not escaped")
	}
	if r = rita.get(fmt.Sprintf("/documents/%d", f.doc.ID)); strings.Contains(string(r.body), `id="split-pane"`) {
		t.Errorf("the document page opens the pane unasked")
	}
	mustContain(t, "panel entry", r.body, fmt.Sprintf(`href="/documents/%d?evidence=%d#split-pane"`, f.doc.ID, f.claim.ID), `(1 passage)`)
	for _, c := range []struct {
		query string
		code  int
	}{
		{fmt.Sprintf("evidence=%d&source=%d", f.bare.ID, f.otherSource), http.StatusNotFound},
		{"evidence=x", http.StatusUnprocessableEntity},
		{fmt.Sprintf("evidence=%d&source=-1", f.bare.ID), http.StatusUnprocessableEntity},
		{"evidence=999999", http.StatusNotFound},
	} {
		if r = rita.get(fmt.Sprintf("/documents/%d?%s", f.doc.ID, c.query)); r.status != c.code {
			t.Errorf("?%s: %d, want %d", c.query, r.status, c.code)
		}
	}
	// The claim of another document is not found on this one.
	other := h.claimAt("rita", mustDoc(t, h, f.otherSource), sourcesDocText, "Talks began in Vienna.", []int{1}, "unverified")
	if r = rita.get(fmt.Sprintf("/documents/%d?evidence=%d", f.doc.ID, other.ID)); r.status != http.StatusNotFound {
		t.Errorf("a claim of another document: %d, want 404", r.status)
	}
}

// mustDoc answers the document of a source.
func mustDoc(t *testing.T, h *harness, sourceID int64) int64 {
	t.Helper()
	var cp citecheck.Capture
	h.do("GET", fmt.Sprintf("/api/v1/sources/%d", sourceID), "rita", nil).json(t, &cp)
	return cp.DocumentID
}

// TestSplitPaneFormAddsEvidenceWithoutScript: the pane's form with typed offsets adds the
// evidence as the API does and returns to the pane with a message; the claim goes back to
// pending. Every bad input returns there with the error and stores nothing; no CSRF, no change.
func TestSplitPaneFormAddsEvidenceWithoutScript(t *testing.T) {
	h := newHarness(t, Config{})
	f := newSplitFixture(t, h)
	rita := h.newBrowser()
	rita.login("rita")
	path := fmt.Sprintf("/claims/%d/evidence", f.bare.ID)
	start, end := cpSpan(t, evidencePageSource, "Talks began in Vienna on Monday")
	form := func(mod func(url.Values)) url.Values {
		v := url.Values{"source_id": {fmt.Sprint(f.source.ID)}, "start": {fmt.Sprint(start)}, "end": {fmt.Sprint(end)},
			"stance": {"contradicts"}, "note": {"not quite"}}
		if mod != nil {
			mod(v)
		}
		return v
	}
	for _, c := range []struct {
		name string
		mod  func(url.Values)
		want string
	}{
		{"start not a number", func(v url.Values) { v.Set("start", "x") }, "select a passage of the source"},
		{"end past the text", func(v url.Values) { v.Set("end", "9999") }, ""},
		{"quote mismatch", func(v url.Values) { v.Set("quote", "Talks began in Paris on Monday") }, ""},
		{"unknown stance", func(v url.Values) { v.Set("stance", "maybe") }, "stance must be"},
		{"source of another document", func(v url.Values) { v.Set("source_id", fmt.Sprint(f.otherSource)) }, "belongs to document"},
		{"no source", func(v url.Values) { v.Del("source_id") }, "pick a source"},
	} {
		r := rita.postForm(path, form(c.mod), true)
		if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), fmt.Sprintf("evidence=%d", f.bare.ID)) {
			t.Fatalf("%s: %d to %q, want back to the pane", c.name, r.status, r.header.Get("Location"))
		}
		page := rita.follow(r)
		mustContain(t, c.name, page.body, `<p class="banner error" role="alert">`, c.want)
		if n, rv := f.evidenceCount(t, h, f.bare.ID); n != 0 || rv != citecheck.ReviewApproved {
			t.Fatalf("%s stored evidence (%d) or reopened the review (%s)", c.name, n, rv)
		}
	}
	if r := rita.postForm(path, form(nil), false); r.status != http.StatusForbidden {
		t.Errorf("without CSRF: %d, want 403", r.status)
	}
	r := rita.postForm(path, form(func(v url.Values) { v.Set("quote", "Talks began in Vienna on Monday") }), true)
	page := rita.follow(r)
	mustContain(t, "after saving", page.body, `role="status">Evidence #`, `(contradicts) added to claim`,
		`<mark class="q">Talks began in Vienna on Monday</mark>`, `<p class="note">not quite</p>`)
	if n, rv := f.evidenceCount(t, h, f.bare.ID); n != 1 || rv != citecheck.ReviewPending {
		t.Fatalf("after saving: %d evidence, review %s; want 1 and pending", n, rv)
	}

	// The passage has a Remove button in the pane and on the claim page; the same rule as the
	// API decides (citecheck.CheckEvidenceRemoval): another reviewer may not, its author may.
	var cl citecheck.Claim
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d", f.bare.ID), "rita", nil).json(t, &cl)
	ev := cl.Evidence[0].ID
	remove := fmt.Sprintf(`action="/evidence/%d/delete"`, ev)
	mustContain(t, "the pane", page.body, remove)
	mustContain(t, "the claim page", rita.get(fmt.Sprintf("/claims/%d", f.bare.ID)).body, remove)
	ralph := h.newBrowser()
	ralph.login("ralph")
	back := url.Values{"back": {fmt.Sprintf("/claims/%d", f.bare.ID)}}
	if r := ralph.postForm(fmt.Sprintf("/evidence/%d/delete", ev), back, true); r.status != http.StatusForbidden {
		t.Errorf("another reviewer removes: %d, want 403", r.status)
	}
	if r := rita.postForm(fmt.Sprintf("/evidence/%d/delete", ev), back, false); r.status != http.StatusForbidden {
		t.Errorf("remove without CSRF: %d, want 403", r.status)
	}
	if n, _ := f.evidenceCount(t, h, f.bare.ID); n != 1 {
		t.Fatalf("a refused removal removed: %d evidence left", n)
	}
	r = rita.postForm(fmt.Sprintf("/evidence/%d/delete", ev), url.Values{"back": {"//evil.example/"}}, true)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != fmt.Sprintf("/claims/%d", f.bare.ID) {
		t.Fatalf("remove: %d to %q, want the claim page (never another site)", r.status, r.header.Get("Location"))
	}
	mustContain(t, "after removing", rita.follow(r).body, fmt.Sprintf("Evidence #%d removed from claim #%d.", ev, f.bare.ID))
	if n, _ := f.evidenceCount(t, h, f.bare.ID); n != 0 {
		t.Fatalf("after removing: %d evidence", n)
	}
	var hist struct{ Events []citecheck.ClaimEvent }
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d/history", f.bare.ID), "rita", nil).json(t, &hist)
	if last := hist.Events[len(hist.Events)-1]; last.Action != "evidence-removed" || last.By != "rita" {
		t.Errorf("the history's last event is %s by %s, want evidence-removed by rita", last.Action, last.By)
	}
}

// TestSplitPaneInPlace: asked for as evidence.js asks, the pane comes as a fragment, and its
// form answers the document fragment with the claim's panel entry, the Sources panel and the
// pane with the new evidence; a refusal answers the API's JSON error and stores nothing.
func TestSplitPaneInPlace(t *testing.T) {
	h := newHarness(t, Config{})
	f := newSplitFixture(t, h)
	rita := h.newBrowser()
	rita.login("rita")
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/claims/%d/evidence?source=%d", h.srv.URL, f.bare.ID, f.source.ID), nil)
	req.Header.Set(fragmentHeader, "split")
	r := h.send(rita.client, req)
	if r.status != 200 || !strings.HasPrefix(string(r.body), `<section id="split-pane"`) || strings.Contains(string(r.body), "<html") {
		t.Fatalf("pane fragment: %d %.200s", r.status, r.body)
	}
	if r = rita.get(fmt.Sprintf("/claims/%d/evidence?source=%d", f.bare.ID, f.source.ID)); r.status != http.StatusSeeOther ||
		r.header.Get("Location") != fmt.Sprintf("/documents/%d?evidence=%d&source=%d#split-pane", f.doc.ID, f.bare.ID, f.source.ID) {
		t.Errorf("the pane as a page: %d to %q", r.status, r.header.Get("Location"))
	}
	path := fmt.Sprintf("/claims/%d/evidence", f.bare.ID)
	start, end := cpSpan(t, evidencePageSource, "Talks began")
	form := url.Values{"source_id": {fmt.Sprint(f.source.ID)}, "start": {fmt.Sprint(start)}, "end": {fmt.Sprint(end)},
		"stance": {"supports"}, "quote": {"Talks begun"}}
	r = rita.postFragment(path, "document", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `"code":"quote-mismatch"`) {
		t.Fatalf("mismatch in place: %d %s", r.status, r.body)
	}
	if n, _ := f.evidenceCount(t, h, f.bare.ID); n != 0 {
		t.Fatalf("a refused passage was stored")
	}
	form.Set("quote", "Talks began")
	r = rita.postFragment(path, "document", form)
	if r.status != http.StatusCreated {
		t.Fatalf("in place: %d %.300s", r.status, r.body)
	}
	mustContain(t, "fragment", r.body, fmt.Sprintf(`<li id="claim-%d"`, f.bare.ID), `id="sources-panel"`,
		`<section id="split-pane"`, `<mark class="q">Talks began</mark>`, `(1 passage)`, `rv-pending`)
	if strings.Contains(string(r.body), "<html") {
		t.Errorf("the answer is a whole page")
	}
	if n, rv := f.evidenceCount(t, h, f.bare.ID); n != 1 || rv != citecheck.ReviewPending {
		t.Fatalf("after saving in place: %d evidence, review %s", n, rv)
	}
}
