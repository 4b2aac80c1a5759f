package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// sampleText is the start of the real user sample (/work/shared/samples/user-sample.txt): curly
// quotes, backticks, Kurds[46], a paragraph that opens with [47].
const sampleText = "On 30 October 2015, the first round of peace talks on Syria with the foreign ministers of 20 participating " +
	"countries: the United States, Russia, Iran, Saudi Arabia, Turkey, China, the United Kingdom, France, Italy, " +
	"Germany and other countries. Ministers agreed that the Syrian government and the opposition should start " +
	"political talks. [30] [31] The second round of the Viennese talks, in mid-November, resulted in an agreement " +
	"on the need to bring together representatives of the Syrian government and the opposition for formal " +
	"negotiations under the aegis of the United Nations, with a deadline of 1 January 2016. [32] It is mainly due " +
	"to allegations of a ceasefire and the opening of reconciliation negotiations by local authorities or " +
	"representatives of the illegal armed forces. Before the war, many in Daraa relied on transport and trade " +
	"services between Syria and Jordan to support themselves. But trade with Jordan collapsed after protests began " +
	"in early 2011. Although the Nassib transition was reopened after the reconciliation agreement, the arrest of a " +
	"number of Jordanians who had entered it continues to cripple activities in the region. [13] On 12 December, an " +
	"agreement was reached: [45] 34 opposition groups and individuals allied as the “High Negotiating Committee”. " +
	"[46] These include Ahrar al-Sham and Jaysh al-Islam, but also not Syrian Kurds[46] and some moderate members " +
	"of the Russian-backed opposition.\n\n[47] Two of the 34 members are women, supplemented by a women-only advisory " +
	"board known as the Women`s Advisory Committee. [48] That is, the Russian party has begun a complex and special " +
	"work of reconciliation in Syria."

// browserText is what the browser test pastes: the sample, an emoji line (where UTF-16 and code
// point offsets part) and an Arabic line with guillemets.
const browserText = sampleText + "\n\n" +
	"Rockets 🚀🚀 hit “the depot” [60] and more.\n\n" +
	"قال المتحدث «إن الهدنة صامدة» [61] أمس.\n"

// TestBrowser runs the browser suite on one shared headless Chromium; each subtest has its own
// server, database and browser context (cookies).
func TestBrowser(t *testing.T) {
	browserCtx := startBrowser(t)
	t.Run("SelectSaveReloadExport", func(t *testing.T) { testBrowserSelectSave(t, browserCtx) })
	t.Run("Screenshots", func(t *testing.T) { testBrowserScreenshots(t, browserCtx) })
	t.Run("ReviewWorkflow", func(t *testing.T) { testBrowserReview(t, browserCtx) })
	t.Run("SourcesPanel", func(t *testing.T) { testBrowserSourcesPanel(t, browserCtx) })
	t.Run("Evidence", func(t *testing.T) { testBrowserEvidence(t, browserCtx) })
	t.Run("EvidenceSplit", func(t *testing.T) { testBrowserSplitEvidence(t, browserCtx) })
	t.Run("Revisions", func(t *testing.T) { testBrowserRevisions(t, browserCtx) })
	t.Run("ImportJSON", func(t *testing.T) { testBrowserImport(t, browserCtx) })
	t.Run("BigDocument", func(t *testing.T) { testBrowserBigDocument(t, browserCtx) })
	t.Run("LazyBlocks", func(t *testing.T) { testBrowserLazyBlocks(t, browserCtx) })
	t.Run("LazyBlocksWithoutJavaScript", func(t *testing.T) { testBrowserLazyBlocksWithoutJavaScript(t, browserCtx) })
	t.Run("ScriptPayloadsInert", func(t *testing.T) { testBrowserXSS(t, browserCtx) })
	t.Run("AccountSessions", func(t *testing.T) { testBrowserAccountSessions(t, browserCtx) })
}

// selectionCase is one selection made in the browser and saved as a claim.
type selectionCase struct {
	name     string
	needle   string // the text to select in #doc-text
	nth      int    // which occurrence
	wantRefs string // the refs field right after the selection; "-" to only log it
	status   string
	note     string
	exact    bool // the selection splits a marker, so the test keeps the exact selection
}

func testBrowserSelectSave(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	tb := newTab(t, browserCtx, h.srv.URL, 45*time.Second)
	tb.login("rita")

	// New document through the real form, the text pasted into the textarea.
	const title = "Syria talks — “sample” 🚀"
	tb.do("fill the new document form",
		chromedp.WaitVisible(chromedp.CSS(`section.new-document`)),
		chromedp.SendKeys(chromedp.CSS(`section.new-document input[name=title]`), "x"),
		chromedp.SetValue(chromedp.CSS(`section.new-document input[name=title]`), title),
		chromedp.Focus(chromedp.CSS(`section.new-document textarea[name=text]`)),
		insertText(browserText),
		chromedp.Click(chromedp.CSS(`section.new-document button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("doc-text")),
	)
	loc := tb.location()
	m := regexp.MustCompile(`/documents/(\d+)$`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("after adding a document the page is %s, want /documents/{id}", loc)
	}
	docID, _ := strconv.ParseInt(m[1], 10, 64)

	var doc struct {
		Title  string `json:"title"`
		Text   string `json:"text"`
		Length int    `json:"length"`
	}
	r := h.do("GET", fmt.Sprintf("/api/v1/documents/%d", docID), "rita", nil)
	if r.status != http.StatusOK {
		t.Fatalf("get document: %d %s", r.status, r.body)
	}
	r.json(t, &doc)
	if doc.Text != browserText {
		t.Fatalf("the pasted text was not stored exactly:\n got %q\nwant %q", doc.Text, browserText)
	}
	if doc.Title != title {
		t.Errorf("title = %q, want %q", doc.Title, title)
	}
	if doc.Length != len([]rune(browserText)) {
		t.Errorf("length = %d, want %d code points", doc.Length, len([]rune(browserText)))
	}
	if got := evalJS[string](tb, "doc text", `document.getElementById('doc-text').textContent`); got != browserText {
		t.Fatalf("#doc-text shows a different text:\n got %q\nwant %q", got, browserText)
	}

	cases := []selectionCase{
		{name: "curly quotes", needle: "“High Negotiating Committee”", wantRefs: "46", status: "supported", note: "committee named in [46]"},
		{name: "after emoji", needle: "“the depot”", wantRefs: "60", status: "partly-supported", note: "depot"},
		{name: "inside emoji pair", needle: "🚀 hit “the", wantRefs: "-", status: "unverified", note: "overlaps the depot claim"},
		{name: "across paragraph break", needle: "Russian-backed opposition.\n\n[47] Two of the 34 members", wantRefs: "-", status: "unsupported", note: "two paragraphs"},
		{name: "starts inside marker", needle: "6] These include Ahrar al-Sham", wantRefs: "-", status: "contradicted", note: "starts in [46]", exact: true},
		{name: "ends inside marker", needle: "not Syrian Kurds[4", wantRefs: "-", status: "citation-needed", note: "ends in [46]", exact: true},
		{name: "arabic", needle: "«إن الهدنة صامدة»", wantRefs: "61", status: "supported", note: "Arabic"},
	}
	selected := map[int64]selectionCase{}
	selectedText := map[int64]string{}
	for i, c := range cases {
		sel := evalJS[selectionResult](tb, "select "+c.name, selectTextJS+"("+jsArgs(c.needle, c.nth)+")")
		if sel.Text != c.needle || sel.RangeText != c.needle {
			t.Errorf("%s: the browser selected %q (range %q), want %q", c.name, sel.Text, sel.RangeText, c.needle)
		}
		tb.waitClaimForm(c.name + ": wait for the claim form")
		if c.exact {
			tb.click(c.name+": keep the exact selection", `#claim-form .keep-exact`)
			tb.waitJS(c.name+": the exact quote", fmt.Sprintf(`!document.getElementById('claim-form').hasAttribute('aria-busy') &&
				document.querySelector('#claim-form .quote-preview').textContent === %q`, c.needle))
		}
		refs := evalJS[string](tb, "refs", `document.querySelector('#claim-form input[name=refs]').value`)
		switch {
		case c.wantRefs == "-":
			t.Logf("%s: refs suggested %q", c.name, refs)
		case refs != c.wantRefs:
			t.Errorf("%s: refs pre-filled %q, want %q", c.name, refs, c.wantRefs)
		}
		if c.name == "across paragraph break" && !strings.Contains(refs, "47") {
			t.Errorf("%s: refs %q should offer the marker [47] inside the span", c.name, refs)
		}
		if got := evalJS[string](tb, "preview", `document.querySelector('#claim-form .quote-preview').textContent`); got != c.needle {
			t.Errorf("%s: quote preview %q, want %q", c.name, got, c.needle)
		}
		before := evalJS[int](tb, "count", `document.querySelectorAll('#claims-panel li.claim').length`)
		if before != i {
			t.Fatalf("%s: %d claims in the panel before saving, want %d", c.name, before, i)
		}
		tb.do(c.name+": fill the claim form",
			chromedp.SetValue(chromedp.CSS(`#claim-form select[name=status]`), c.status),
			chromedp.SendKeys(chromedp.CSS(`#claim-form textarea[name=note]`), c.note),
		)
		// Bring Save into view first, so the click itself does not scroll; then remember where
		// the page is and mark the window, which a reload would lose.
		y0 := evalJS[float64](tb, "prepare save", `(() => {
			document.querySelector('#claim-form button[type=submit]').scrollIntoView({ block: 'nearest' });
			window.__marker = 1;
			return window.scrollY;
		})()`)
		tb.click(c.name+": save", `#claim-form button[type=submit]`)
		tb.waitJS(c.name+": the saved claim in the panel and the form closed", fmt.Sprintf(
			`document.querySelectorAll('#claims-panel li.claim').length === %d && document.getElementById('claim-form').hidden`, i+1))
		if errText := evalJS[string](tb, "form error", `document.querySelector('#claim-form .form-error').textContent`); errText != "" {
			t.Errorf("%s: the form shows an error: %s", c.name, errText)
		}
		after := evalJS[struct {
			Marker  int     `json:"marker"`
			ScrollY float64 `json:"scrollY"`
			ID      int64   `json:"id"`
			HLText  string  `json:"hlText"`
			HLRuns  int     `json:"hlRuns"`
		}](tb, "after save", `(() => {
			const ids = [...document.querySelectorAll('#claims-panel li.claim')].map((li) => parseInt(li.id.replace('claim-', ''), 10));
			const id = Math.max(...ids);
			const runs = [...document.querySelectorAll('#doc-text .hl')].filter((s) => (s.dataset.claims || '').split(' ').includes(String(id)));
			return { marker: window.__marker || 0, scrollY: window.scrollY, id, hlText: runs.map((s) => s.textContent).join(''), hlRuns: runs.length };
		})()`)
		if after.Marker != 1 {
			t.Fatalf("%s: saving reloaded the page (window.__marker is gone)", c.name)
		}
		if math.Abs(after.ScrollY-y0) > 1 {
			t.Errorf("%s: saving moved the page from scrollY %v to %v", c.name, y0, after.ScrollY)
		}
		if after.HLRuns == 0 {
			t.Errorf("%s: no .hl run for claim %d after saving", c.name, after.ID)
		} else if after.HLText != c.needle {
			t.Errorf("%s: claim %d highlights %q, want %q", c.name, after.ID, after.HLText, c.needle)
		}
		if sel := evalJS[string](tb, "selection", `window.getSelection().toString()`); sel != "" {
			t.Errorf("%s: the selection %q was left after saving", c.name, sel)
		}
		selected[after.ID] = c
		selectedText[after.ID] = sel.Text
	}

	// A live refresh that brings a block as the page shows it (the reader's own save comes back
	// as an event) leaves the block's runs in place: a click under way in them is not lost.
	if !evalJS[bool](tb, "the same block again", `import('/assets/app.js').then((m) => {
		const run = document.querySelector('#doc-text .blk span[data-o]');
		const blk = run.closest('.blk');
		m.applyFragment(blk.outerHTML);
		return run.isConnected && run.closest('.blk') === blk;
	})`) {
		t.Error("a fragment bringing a block unchanged swapped its runs")
	}

	// A plain click in the text must not open the form.
	tb.click("plain click in the text", `#doc-text span[data-o]`)
	time.Sleep(100 * time.Millisecond)
	if hidden := evalJS[bool](tb, "form hidden", `document.getElementById('claim-form').hidden`); !hidden {
		t.Errorf("a plain click in the text opened the claim form")
	}

	// The highlights survive a reload: they come from the server.
	tb.do("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	if evalJS[bool](tb, "marker", `window.__marker === 1`) {
		t.Fatal("the reload did not reload")
	}
	for id, c := range selected {
		got := evalJS[string](tb, "highlight after reload", fmt.Sprintf(`[...document.querySelectorAll('#doc-text .hl')]
			.filter((s) => (s.dataset.claims || '').split(' ').includes('%d')).map((s) => s.textContent).join('')`, id))
		if got != c.needle {
			t.Errorf("after reload, claim %d (%s) highlights %q, want %q", id, c.name, got, c.needle)
		}
	}

	// The stored offsets are code points: the stored span is exactly what the browser selected.
	var list struct {
		Claims []claimJSON `json:"claims"`
	}
	r = h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims", docID), "rita", nil)
	if r.status != http.StatusOK {
		t.Fatalf("list claims: %d %s", r.status, r.body)
	}
	r.json(t, &list)
	if len(list.Claims) != len(cases) {
		t.Fatalf("%d claims stored, want %d", len(list.Claims), len(cases))
	}
	runes := []rune(doc.Text)
	for _, cl := range list.Claims {
		c, ok := selected[cl.ID]
		if !ok {
			t.Errorf("claim %d was not made in this test", cl.ID)
			continue
		}
		want := selectedText[cl.ID]
		if cl.Start < 0 || cl.End > len(runes) || cl.Start >= cl.End {
			t.Errorf("%s: claim %d has span %d..%d", c.name, cl.ID, cl.Start, cl.End)
			continue
		}
		if got := string(runes[cl.Start:cl.End]); got != want {
			t.Errorf("%s: text[%d:%d] (code points) = %q, the browser selected %q", c.name, cl.Start, cl.End, got, want)
		}
		if cl.Quote != want {
			t.Errorf("%s: quote = %q, want %q", c.name, cl.Quote, want)
		}
		if cl.Status != c.status || cl.Note != c.note {
			t.Errorf("%s: status %q note %q, want %q %q", c.name, cl.Status, cl.Note, c.status, c.note)
		}
		if c.wantRefs != "-" && mustJSON(cl.Refs) != "["+c.wantRefs+"]" {
			t.Errorf("%s: refs %v, want [%s]", c.name, cl.Refs, c.wantRefs)
		}
	}

	// A claim in the side panel links to its place in the text.
	for id := range selected {
		// Panel entries are content-visibility: auto, so an entry off screen has a placeholder
		// size until it is shown: bring it into view and let it lay out before clicking it, as a
		// reader clicks what they see (else the click can land beside it).
		entry := fmt.Sprintf(`#claim-%d a.quote`, id)
		evalJS[bool](tb, "show the claim in the panel", fmt.Sprintf(`(document.querySelector(%q).scrollIntoView({block: 'center'}), true)`, entry))
		tb.waitJS("the entry laid out", fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return r.width > 0 && r.top >= 0 && r.bottom <= innerHeight; })()`, entry))
		tb.click("click a claim in the panel", entry)
		tb.waitJS("the hash", fmt.Sprintf(`location.hash === '#c-%d'`, id))
		if !evalJS[bool](tb, "anchor", fmt.Sprintf(`!!document.getElementById('c-%d') && document.getElementById('doc-text').contains(document.getElementById('c-%d'))`, id, id)) {
			t.Errorf("no #c-%d anchor in the text", id)
		}
		break
	}

	// The export, downloaded with the page's own session.
	exp := evalJS[struct {
		Found    bool   `json:"found"`
		Href     string `json:"href"`
		Download bool   `json:"download"`
		Status   int    `json:"status"`
		Type     string `json:"type"`
		Disp     string `json:"disp"`
		Body     string `json:"body"`
	}](tb, "download the export", `(async () => {
		const a = [...document.querySelectorAll('a')].find((a) => a.textContent.trim() === 'Download JSON');
		if (!a) return { found: false };
		const res = await fetch(a.href);
		return { found: true, href: a.getAttribute('href'), download: a.hasAttribute('download'), status: res.status,
			type: res.headers.get('Content-Type') || '', disp: res.headers.get('Content-Disposition') || '', body: await res.text() };
	})()`)
	if !exp.Found {
		t.Fatal("no Download JSON link")
	}
	if want := fmt.Sprintf("/api/v1/documents/%d/export", docID); exp.Href != want {
		t.Errorf("Download JSON links to %q, want %q", exp.Href, want)
	}
	if !exp.Download {
		t.Error("the Download JSON link has no download attribute")
	}
	if exp.Status != http.StatusOK || !strings.HasPrefix(exp.Type, "application/json") || !strings.HasPrefix(exp.Disp, "attachment") {
		t.Errorf("export: status %d, Content-Type %q, Content-Disposition %q", exp.Status, exp.Type, exp.Disp)
	}
	var export struct {
		Format     string `json:"format"`
		OffsetUnit string `json:"offset_unit"`
		Document   struct {
			Text string `json:"text"`
		} `json:"document"`
		Claims []claimJSON `json:"claims"`
	}
	if err := json.Unmarshal([]byte(exp.Body), &export); err != nil {
		t.Fatalf("the export is not JSON: %v\n%.300s", err, exp.Body)
	}
	if export.Format != "citecheck/v1" || export.OffsetUnit != "codepoint" {
		t.Errorf("export format %q offset_unit %q", export.Format, export.OffsetUnit)
	}
	if export.Document.Text != browserText {
		t.Errorf("the export's text differs from the pasted text")
	}
	if len(export.Claims) != len(cases) {
		t.Errorf("the export holds %d claims, want %d", len(export.Claims), len(cases))
	}
	for _, cl := range export.Claims {
		if want, ok := selectedText[cl.ID]; !ok || cl.Quote != want || string(runes[cl.Start:cl.End]) != want {
			t.Errorf("exported claim %d: %d..%d %q, want %q", cl.ID, cl.Start, cl.End, cl.Quote, want)
		}
	}
	tb.checkNoExceptions()
}

// testBrowserScreenshots renders the documents page and a document page with overlapping claims of
// every status, and saves full-page PNGs to $CITECHECK_SCREENSHOTS when it is set.
func testBrowserScreenshots(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Syria talks sample", browserText)
	h.createDocument("ralph", "An empty-ish note", "Nothing cited here [a], only [citation needed].\n")
	claims := []struct {
		needle, status, note string
		refs                 []int
	}{
		{"Ministers agreed that the Syrian government and the opposition should start political talks.", "supported", "Both sources say so.", []int{30, 31}},
		{"the Syrian government and the opposition", "partly-supported", "Overlaps the claim before.", []int{30}},
		{"with a deadline of 1 January 2016", "contradicted", "", []int{32}},
		{"34 opposition groups and individuals allied as the “High Negotiating Committee”.", "unsupported", "", []int{46}},
		{"“High Negotiating Committee”", "citation-needed", "", nil},
		{"Two of the 34 members are women", "unverified", "", []int{48}},
		{"“the depot”", "supported", "", []int{60}},
		{"«إن الهدنة صامدة»", "supported", "Arabic quote.", []int{61}},
	}
	for _, c := range claims {
		start, end := runeSpan(t, browserText, c.needle)
		body := map[string]any{"start": start, "end": end, "quote": c.needle, "refs": c.refs, "status": c.status, "note": c.note}
		if c.refs == nil {
			body["refs"] = []int{}
		}
		r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", body)
		if r.status != http.StatusCreated {
			t.Fatalf("create claim %q: %d %s", c.needle, r.status, r.body)
		}
	}

	tb := newTab(t, browserCtx, h.srv.URL, 30*time.Second)
	tb.do("login page", chromedp.Navigate(h.srv.URL+"/login"), chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)))
	tb.screenshot("login")
	tb.login("rita")
	tb.screenshot("documents")
	tb.do("document page", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	if n := evalJS[int](tb, "overlaps", `document.querySelectorAll('#doc-text .hl.ov2, #doc-text .hl.ov3').length`); n == 0 {
		t.Error("no overlapping highlight (.ov2/.ov3) on a document with overlapping claims")
	}
	tb.screenshot("document")

	// The popup after a selection, and the tooltip of a highlight.
	evalJS[selectionResult](tb, "select", selectTextJS+"("+jsArgs("Women`s Advisory Committee", 0)+")")
	tb.waitClaimForm("popup")
	tb.screenshot("document-popup")

	tb.do("narrow", chromedp.EmulateViewport(420, 900),
		chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	tb.screenshot("document-narrow")
	tb.checkNoExceptions()
}
