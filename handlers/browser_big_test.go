package handlers

import (
	"context"
	"fmt"
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
		chromedp.WaitVisible(chromedp.ID("doc-text")))
	loaded := time.Since(began)
	if n := evalJS[int](tb, "highlighted runs", `document.querySelectorAll('#doc-text .hl').length`); n < 5000 {
		t.Fatalf("%d highlighted runs, want at least one per claim", n)
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
	tb.checkNoExceptions()
	t.Logf("1 MB, 5,000 claims: page loaded in %v, selection to open form in %v", loaded.Round(time.Millisecond), opened.Round(time.Millisecond))
}
