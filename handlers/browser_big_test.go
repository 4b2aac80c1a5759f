package handlers

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// testBrowserBigDocument opens a 1 MB document with 5,000 claims, selects a sentence deep in it
// and checks the claim form opens with the exact code point offsets: the page stays usable at
// that size. The timings are logged, not asserted (machines differ; benchmarks measure speed).
func testBrowserBigDocument(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	doc := bigDocument(t, h)
	tb := newTab(t, browserCtx, h.srv.URL, 120*time.Second)
	tb.login("rita")

	began := time.Now()
	tb.do("open the 1 MB document", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)),
		chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	loaded := time.Since(began)
	// The page came gzipped from the blocks' kept segments (pagegzip.go): Chromium read it whole.
	if sizes := evalJS[[]int](tb, "transfer sizes", `(e => [e.encodedBodySize, e.decodedBodySize])(performance.getEntriesByType('navigation')[0])`); sizes[0] == 0 || sizes[0]*2 > sizes[1] {
		t.Fatalf("page sent %d bytes for %d: want it gzipped", sizes[0], sizes[1])
	}
	// The blocks at its head came with their highlights, the others (lazy) with their text alone.
	if n := evalJS[int](tb, "highlighted runs", `document.querySelectorAll('#doc-text .blk:not([data-lazy]) .hl').length`); n < 20 {
		t.Fatalf("%d highlighted runs at the head of the text, want the claims there", n)
	}
	if n := evalJS[int](tb, "lazy blocks", `document.querySelectorAll('#doc-text .blk[data-lazy]').length`); n < 200 {
		t.Fatalf("%d lazy blocks, want all but the head's", n)
	}

	const needle = "Before the war, many in Daraa relied on transport and trade services between Syria and Jordan to support themselves."
	const nth = 200
	began = time.Now()
	sel := evalJS[selectionResult](tb, "select deep in the text", selectTextJS+"("+jsArgs(needle, nth)+")")
	tb.waitJS("the claim form", `!document.getElementById('claim-form').hidden && document.querySelector('#claim-form [name=end]').value !== ''`)
	opened := time.Since(began)
	if sel.Text != needle {
		t.Fatalf("selected %q", sel.Text)
	}
	got := evalJS[[]int](tb, "form offsets", `[+document.querySelector('#claim-form [name=start]').value, +document.querySelector('#claim-form [name=end]').value]`)
	at := 0
	for i := 0; i <= nth; i++ {
		k := strings.Index(doc.Text[at:], needle)
		if k < 0 {
			t.Fatalf("occurrence %d not in the text", i)
		}
		at += k
		if i < nth {
			at += len(needle)
		}
	}
	start := len([]rune(doc.Text[:at]))
	if len(got) != 2 || got[0] != start || got[1] != start+len([]rune(needle)) {
		t.Fatalf("form offsets %v, want [%d %d]", got, start, start+len([]rune(needle)))
	}
	tb.windowScreenshot("big-document-middle-selected")
	// The selection's block has its runs now, with the highlights of the claims over it.
	if n := evalJS[int](tb, "highlights on screen", `[...document.querySelectorAll('#doc-text .hl')].filter((s) => {
		const r = s.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }).length`); n < 5 {
		t.Errorf("%d highlighted runs on screen after the selection, want the claims there", n)
	}
	// The page lays out blocks, not one 1 MB paragraph, and the panel lists a page of claims.
	if n := evalJS[int](tb, "blocks", `document.querySelectorAll('#doc-text > .blk').length`); n < 100 {
		t.Errorf("%d blocks in the text, want the text cut in blocks of a few KB", n)
	}
	if n := evalJS[int](tb, "panel entries", `document.querySelectorAll('#claims-ol > li').length`); n != panelPageSize {
		t.Errorf("the panel lists %d claims, want a page of %d", n, panelPageSize)
	}
	// The panel follows the reading position to the claims near the selection.
	tb.waitJS("the panel on the claims where the reader is", fmt.Sprintf(`(() => {
		const items = document.querySelectorAll('#claims-ol > li');
		return items.length > 0 && +items[0].dataset.start <= %d && +items[items.length - 1].dataset.start >= %d;
	})()`, start, start-25000))
	// A highlight's label names its claims, also those the panel does not list.
	label := evalJS[string](tb, "hover label", `(async () => {
		const span = [...document.querySelectorAll('#doc-text [data-claims]')].find((s) => s.getBoundingClientRect().top > 100 && s.getBoundingClientRect().top < 700);
		span.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
		for (let i = 0; i < 100; i++) {
			const tip = document.getElementById('hl-label');
			if (tip && !tip.hidden && tip.textContent) return tip.textContent;
			await new Promise((r) => setTimeout(r, 20));
		}
		return '';
	})()`)
	if !regexp.MustCompile(`^#\d+ [a-z-]+ · [a-z]+`).MatchString(label) {
		t.Errorf("hover label %q, want '#ID status · review'", label)
	}
	// Saving updates the text in place.
	evalJS[bool](tb, "mark the window", `window.__marker = 1, true`)
	tb.click("save", `#claim-form button[type=submit]`)
	tb.waitJS("the saved claim highlighted", `document.getElementById('claim-form').hidden &&
		[...document.querySelectorAll('#doc-text [data-claims]')].some((s) => s.dataset.claims.split(' ').some((id) => +id > 5000))`)
	if !evalJS[bool](tb, "no reload", `window.__marker === 1`) {
		t.Error("saving reloaded the page")
	}
	tb.windowScreenshot("big-document-middle-saved")
	tb.checkNoExceptions()
	t.Logf("1 MB, 5,000 claims: page loaded in %v, selection to open form in %v", loaded.Round(time.Millisecond), opened.Round(time.Millisecond))
}
