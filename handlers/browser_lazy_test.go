package handlers

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/citecheck/citecheck"
)

// lazyDocument stores the sample repeated past bigDocumentChars, with three claims in its first
// copy and one far down, and answers the text's nth occurrence of a needle as code points.
func lazyDocument(t *testing.T, h *harness) (doc citecheck.Document, early []citecheck.Claim, deep citecheck.Claim, at func(needle string, nth int) int) {
	t.Helper()
	sample, err := os.ReadFile("../testdata/user-sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for sb.Len() < bigDocumentChars+60_000 {
		sb.Write(sample)
		sb.WriteString("\n\n")
	}
	doc = h.createDocument("rita", "long", sb.String())
	at = func(needle string, nth int) int {
		i := -1
		for k := 0; k <= nth; k++ {
			j := strings.Index(doc.Text[i+1:], needle)
			if j < 0 {
				t.Fatalf("occurrence %d of %q not in the text", k, needle)
			}
			i += 1 + j
		}
		return len([]rune(doc.Text[:i]))
	}
	claim := func(start, end int) citecheck.Claim {
		r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
			map[string]any{"start": start, "end": end, "refs": []int{13}, "status": "supported"})
		if r.status != http.StatusCreated {
			t.Fatalf("create claim: %d %s", r.status, r.body)
		}
		var cl citecheck.Claim
		r.json(t, &cl)
		return cl
	}
	for _, n := range []string{"The second round of the Viennese talks", "It is mainly due to allegations", "Before the war, many in Daraa"} {
		s := at(n, 0)
		early = append(early, claim(s, s+len([]rune(n))))
	}
	const far = "But trade with Jordan collapsed after protests began in early 2011."
	copies := strings.Count(doc.Text, far)
	s := at(far, copies*4/5)
	deep = claim(s, s+len([]rune(far)))
	return doc, early, deep, at
}

// testBrowserLazyBlocks drives a big document's page whose blocks away from its head come
// without their runs (lazyblocks.go): a link to a claim or a marker far down brings that block's
// runs and goes to its target; n and p go from claim to claim across blocks still lazy; a
// selection made in a lazy block at once snaps to its markers; scrolling brings the runs.
func testBrowserLazyBlocks(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	doc, early, deep, at := lazyDocument(t, h)
	tb := newTab(t, browserCtx, h.srv.URL, 120*time.Second)
	tb.login("rita")
	page := fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)
	open := func(what, url string) {
		tb.do(what, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	}
	onScreenTarget := func(id string) string {
		return fmt.Sprintf(`(() => { const el = document.getElementById(%q); if (!el || !el.matches(':target')) return false;
			const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`, id)
	}

	// A link to the claim far down.
	open("open the link to a claim far down", fmt.Sprintf("%s#c-%d", page, deep.ID))
	tb.waitJS("the claim's anchor on screen, the link's target", onScreenTarget(fmt.Sprintf("c-%d", deep.ID)))
	if n := evalJS[int](tb, "lazy blocks", `document.querySelectorAll('#doc-text .blk[data-lazy]').length`); n < 50 {
		t.Fatalf("%d lazy blocks on a page of %d characters, want most of them", n, doc.Length)
	}
	if got := evalJS[int](tb, "text length", `[...document.getElementById('doc-text').textContent].length`); got != doc.Length {
		t.Fatalf("the page shows %d code points of text, want %d", got, doc.Length)
	}
	if got := evalJS[string](tb, "the claim's highlight", fmt.Sprintf(
		`[...document.querySelectorAll('#doc-text [data-claims~="%d"]')].map((s) => s.textContent).join('')`, deep.ID)); got != deep.Quote {
		t.Errorf("the far claim's highlight shows %q, want %q", got, deep.Quote)
	}
	tb.windowScreenshot("lazy-link-to-claim")

	// A link to a marker far down, in another block.
	marker := at("[13]", strings.Count(doc.Text, "[13]")/2)
	open("open the link to a marker", fmt.Sprintf("%s#m-%d", page, marker))
	tb.waitJS("the marker on screen, the link's target", onScreenTarget(fmt.Sprintf("m-%d", marker)))

	// A search result's link to a passage far down: marked, and still marked once its block's
	// runs replaced the text it was marked on.
	const passage = "Although the Nassib transition was reopened"
	ps := at(passage, strings.Count(doc.Text, passage)/3)
	open("open the link to a passage", fmt.Sprintf("%s#p-%d-%d", page, ps, ps+len([]rune(passage))))
	tb.waitJS("the passage marked in a block with its runs", fmt.Sprintf(`(() => {
		const h = CSS.highlights.get('search-passage'); if (!h) return false; const [r] = [...h];
		const b = r.startContainer.parentNode.closest('.blk');
		return r.toString() === %q && b && !b.hasAttribute('data-lazy') && b.querySelectorAll('span[data-o]').length > 1;
	})()`, passage))

	// n and p from the head of the text: the three claims there, then across the lazy blocks to
	// the one far down, and back.
	open("open the page", page)
	evalJS[bool](tb, "the app module", `import('/assets/app.js').then((m) => { window.__app = m; return true; })`)
	caretAt := `(() => { const h = CSS.highlights.get('cc-caret'); if (!h) return -1; const [r] = [...h];
		return window.__app.pointOffset(document.getElementById('doc-text'), r.startContainer, r.startOffset); })()`
	tb.do("focus the text", chromedp.Focus(chromedp.CSS(`#doc-text`)))
	for _, want := range []citecheck.Claim{early[0], early[1], early[2], deep} {
		tb.do("n", chromedp.KeyEvent("n"))
		tb.waitJS(fmt.Sprintf("the caret on claim #%d", want.ID), fmt.Sprintf(`%s === %d`, caretAt, want.Start))
	}
	tb.do("p", chromedp.KeyEvent("p"))
	tb.waitJS("the caret back on the last claim of the head", fmt.Sprintf(`%s === %d`, caretAt, early[2].Start))

	// A selection in a lazy block, made as soon as it is on screen, that ends inside a marker:
	// its runs come first, and the popup's span takes the whole marker.
	open("open the page again", page)
	const needle = "cripple activities in the region. [13"
	nth := strings.Count(doc.Text, needle) * 3 / 5
	if !evalJS[bool](tb, "the sentence's block is lazy", fmt.Sprintf(`(() => {
		const root = document.getElementById('doc-text'); const at = %d;
		const b = [...root.children].filter((b) => +b.dataset.b <= at).pop(); return b.hasAttribute('data-lazy'); })()`, at(needle, nth))) {
		t.Fatal("the block of the selection has its runs already: the test would not see a lazy one")
	}
	sel := evalJS[selectionResult](tb, "select into a marker", selectTextJS+"("+jsArgs(needle, nth)+")")
	if sel.Text != needle {
		t.Fatalf("selected %q", sel.Text)
	}
	tb.waitClaimForm("the popup over a lazy block")
	if got := tb.preview(); got != needle+"]" {
		t.Errorf("the popup's span is %q, want the whole marker: %q", got, needle+"]")
	}
	start := at(needle, nth)
	got := evalJS[[]int](tb, "form offsets", `[+document.querySelector('#claim-form [name=start]').value, +document.querySelector('#claim-form [name=end]').value]`)
	if len(got) != 2 || got[0] != start || got[1] != start+len([]rune(needle))+1 {
		t.Errorf("form offsets %v, want [%d %d]", got, start, start+len([]rune(needle))+1)
	}
	tb.windowScreenshot("lazy-selection-snapped")

	// Scrolling down brings the runs of the blocks that come on screen.
	tb.do("close the popup", chromedp.KeyEvent(kbEscape))
	evalJS[bool](tb, "scroll to the end of the text", `(document.querySelector('#doc-text .blk:last-child').scrollIntoView(), true)`)
	tb.waitJS("the blocks on screen have their runs", `(() => {
		const shown = [...document.querySelectorAll('#doc-text .blk')].filter((b) => { const r = b.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; });
		return shown.length > 0 && shown.every((b) => !b.hasAttribute('data-lazy')) && shown.some((b) => b.querySelectorAll('span[data-o]').length > 1);
	})()`)

	// A claim someone saves meanwhile in a block this page has not shown yet is highlighted
	// there when the reader gets to it.
	const other = "Although the Nassib transition was reopened"
	edAt := at(other, strings.Count(doc.Text, other)*2/5)
	r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "ed",
		map[string]any{"start": edAt, "end": edAt + len([]rune(other)), "refs": []int{13}, "status": "contradicted"})
	var made citecheck.Claim
	if r.status != http.StatusCreated {
		t.Fatalf("ed's claim: %d %s", r.status, r.body)
	}
	r.json(t, &made)
	evalJS[bool](tb, "scroll to ed's claim", fmt.Sprintf(`(() => { const b = [...document.querySelectorAll('#doc-text .blk')].filter((b) => +b.dataset.b <= %d).pop();
		b.scrollIntoView({ block: 'center' }); return true; })()`, edAt))
	tb.waitJS("ed's claim highlighted", fmt.Sprintf(
		`[...document.querySelectorAll('#doc-text [data-claims~="%d"]')].map((s) => s.textContent).join('') === %q`, made.ID, other))
	tb.checkNoExceptions()
}

// testBrowserLazyBlocksWithoutJavaScript opens a big document's page with scripting off: it says
// that highlights further down come with JavaScript and links to ?full=1, which shows the
// highlight of a claim far down the text.
func testBrowserLazyBlocksWithoutJavaScript(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	doc, _, deep, _ := lazyDocument(t, h)
	tb := newTab(t, browserCtx, h.srv.URL, 60*time.Second)
	tb.login("rita")
	tb.do("scripting off", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	tb.do("open the page", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)), chromedp.WaitVisible(chromedp.ID("doc-text")))
	tb.do("the link to every highlight", chromedp.WaitVisible(chromedp.CSS(`.lazy-note a`)))
	tb.windowScreenshot("lazy-without-javascript")
	if has := evalJS[bool](tb, "the far claim", fmt.Sprintf(`!!document.querySelector('#doc-text [data-claims~="%d"]')`, deep.ID)); has {
		t.Fatal("the far claim is highlighted on the lazy page: the test would not see the link's effect")
	}
	tb.click("follow it", `.lazy-note a`)
	// Polling runs in the page's own script, which is off: evaluate from here instead.
	check := fmt.Sprintf(`location.search === '?full=1' && document.readyState === 'complete' &&
		!document.querySelector('#doc-text .blk[data-lazy]') && !!document.querySelector('#doc-text [data-claims~="%d"]')`, deep.ID)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if ok, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](check)); err == nil && ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no page with every highlight after following the link (page: %s)", tb.location())
		}
	}
}
