package handlers

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserScrollFollowsReading turns the mouse wheel over a long text with many claims, as a
// reader does: once the wheel stops, the hover label names the claims of the run under the
// pointer (and none shows over plain text), and the side panel has turned to the page of claims
// where the reader is, with no request left in flight; its entries still open their claims.
func TestBrowserScrollFollowsReading(t *testing.T) {
	h := newHarness(t, Config{})
	doc, _ := hotDocument(t, h, 256<<10, 1200)
	browserCtx := startBrowser(t)
	tb := newTab(t, browserCtx, h.srv.URL, 120*time.Second)
	tb.login("rita")
	tb.do("open the document", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)),
		chromedp.WaitVisible(chromedp.ID("claims-ol")))
	if page := evalJS[string](tb, "first page", `document.getElementById('claims-list').dataset.page`); page != "1" {
		t.Fatalf("the panel opens on page %s, want 1", page)
	}
	for range 3 {
		tb.do("pointer on the text", pointerAt(300, 400, 0))
		for range 30 {
			tb.do("wheel", pointerAt(300, 400, 600))
		}
		tb.waitJS("the scroll stopped and the panel settled", `(async () => {
			const y = window.scrollY;
			for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
			await new Promise((r) => setTimeout(r, 400));
			return y === window.scrollY && y > 0 && !document.getElementById('claims-panel').hasAttribute('aria-busy');
		})()`)
		// The label belongs to the run under the pointer, once the scroll has stopped.
		tb.waitJS("the label of the run under the pointer", `(() => {
			const run = document.elementFromPoint(300, 400)?.closest('#doc-text [data-claims]');
			const tip = document.getElementById('hl-label');
			if (!run) return !tip || tip.hidden;
			return tip && !tip.hidden && run.dataset.claims.split(' ').every((id) => tip.textContent.includes('#' + id + ' '));
		})()`)
		// The panel shows the page of the claims where the reader is.
		tb.waitJS("the panel on the claims where the reader is", `(() => {
			const items = [...document.querySelectorAll('#claims-ol > li')];
			const list = document.getElementById('claims-list');
			const top = [...document.querySelectorAll('#doc-text [data-o]')].find((s) => s.getBoundingClientRect().bottom > 0);
			if (!top || items.length === 0) return false;
			const at = +top.dataset.o;
			const page = +list.dataset.page, pages = +list.dataset.pages;
			return (page === 1 || +items[0].dataset.start <= at) && (page === pages || +items[items.length - 1].dataset.start >= at);
		})()`)
	}
	if page := evalJS[string](tb, "page after the wheel", `document.getElementById('claims-list').dataset.page`); page == "1" {
		t.Errorf("after turning the wheel through a quarter of the text the panel is still on page 1")
	}
	// An entry of the turned page, shown or not yet laid out, links to its claim in the text.
	got := evalJS[[]string](tb, "entry links", `[...document.querySelectorAll('#claims-ol > li')].filter((_, i, all) => i === 0 || i === all.length - 1).map((li) => {
		const a = li.querySelector('a.quote');
		const id = li.id.replace('claim-', '');
		return (a.getAttribute('href') === '#c-' + id && document.getElementById('c-' + id)) ? 'ok' : li.id;
	})`)
	for _, g := range got {
		if g != "ok" {
			t.Errorf("panel entry %s does not link to its claim in the text", g)
		}
	}
	tb.checkNoExceptions()
}

// TestBrowserNarrowLongDocumentFits opens a long document at 390 px: the text wraps to the
// window, with no sideways scroll, though most of its blocks are not laid out yet (their
// placeholder gives a height, never a width).
func TestBrowserNarrowLongDocumentFits(t *testing.T) {
	h := newHarness(t, Config{})
	doc, _ := hotDocument(t, h, 256<<10, 1200)
	browserCtx := startBrowser(t)
	tb := newTab(t, browserCtx, h.srv.URL, 60*time.Second)
	tb.login("rita")
	tb.do("a phone's window", chromedp.EmulateViewport(390, 800))
	tb.do("open the document", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)),
		chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	for _, at := range []string{"0", "document.documentElement.scrollHeight / 3"} {
		got := evalJS[[]int](tb, "widths", `(async () => {
			window.scrollTo(0, `+at+`);
			for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
			return [document.documentElement.scrollWidth, window.innerWidth, Math.round(document.getElementById('doc-text').getBoundingClientRect().width)];
		})()`)
		if got[0] > got[1] || got[2] > got[1] {
			t.Errorf("scrolled to %s at 390 px: the page is %d px wide and the text %d px, in a window of %d px", at, got[0], got[2], got[1])
		}
	}
	tb.checkNoExceptions()
}
