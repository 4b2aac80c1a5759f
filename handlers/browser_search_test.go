package handlers

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserSearchFindsAndOpensInPlace types a cut-short query into the search box of the
// header bar in Chromium, sees the claim found with its words marked (its note's markup shown
// as text), clicks through to the claim in place on a long document (scrolled to, the panel at
// it), then opens a passage result and finds that passage highlighted on screen.
func TestBrowserSearchFindsAndOpensInPlace(t *testing.T) {
	browserCtx := startBrowser(t)
	h := newHarness(t, Config{})
	var lines []string
	for i := range 300 {
		lines = append(lines, fmt.Sprintf("Line %d is a routine entry of the log. [1]", i))
	}
	lines[220] = "The harbour pilot refused the order at dawn. [1]"
	lines[260] = "Later the harbour was closed to pilots and tugs. [1]"
	text := strings.Join(lines, "\n")
	doc := h.createDocument("rita", "Port log", text)
	cl := h.claimAt("rita", doc.ID, text, "The harbour pilot refused the order at dawn.", []int{1}, "supported")
	if r := h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "rita", map[string]any{"version": cl.Version, "note": "<b>pilot</b> named in the logbook"}); r.status != 200 {
		t.Fatalf("note: %d %s", r.status, r.body)
	}

	tb := newTab(t, browserCtx, h.srv.URL, 45*time.Second)
	tb.login("ed")
	tb.do("type in the search box",
		chromedp.Navigate(h.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`.top-search input`)),
		chromedp.SendKeys(chromedp.CSS(`.top-search input`), "harbour pil"+kb.Enter),
		chromedp.WaitVisible(chromedp.ID("search-results")),
	)
	first := `document.querySelector('#search-results .search-result')`
	if got := evalJS[string](tb, "first result", first+`.className`); got != "search-result kind-claim" {
		t.Fatalf("first result is %q, want the claim", got)
	}
	marks := evalJS[[]string](tb, "marks", `[...`+first+`.querySelectorAll('.snippet mark')].map(m => m.textContent)`)
	if strings.Join(marks, " ") != "harbour pilot" {
		t.Fatalf("marked %q, want harbour and the prefix's word pilot", marks)
	}
	if n := evalJS[int](tb, "tags from the note", `document.querySelectorAll('#search-results b').length`); n != 0 {
		t.Fatalf("the note's markup became %d elements", n)
	}
	tb.screenshot("search-results")
	tb.do("narrow", chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("search-results")))
	tb.screenshot("search-results-390")
	if w := evalJS[int](tb, "page width", `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the page is %d px wide at 390", w)
	}
	tb.do("wide", chromedp.EmulateViewport(1280, 800))

	results := tb.location()
	tb.click("open the claim", `#search-results .kind-claim a.result-link`)
	waitAcrossNavigation(tb, "the claim in place", fmt.Sprintf(`location.hash === '#c-%d' && !!document.getElementById('claim-%d')`, cl.ID, cl.ID))
	inView := func(id string) string {
		return fmt.Sprintf(`(() => { const r = document.getElementById(%q).getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`, id)
	}
	tb.waitJS("the claim on screen", inView(fmt.Sprintf("c-%d", cl.ID)))
	tb.windowScreenshot("search-claim-in-place")

	tb.do("back to the results", chromedp.Navigate(results), chromedp.WaitVisible(chromedp.ID("search-results")))
	tb.click("open the passage", `#search-results .kind-document a.result-link[href*="#p-"]`)
	waitAcrossNavigation(tb, "the passage marked", `!!(window.CSS && CSS.highlights && CSS.highlights.has('search-passage'))`)
	marked := evalJS[string](tb, "the marked passage", `[...CSS.highlights.get('search-passage')][0].toString()`)
	if marked != "Later the harbour was closed to pilots and tugs. [1]" && marked != "The harbour pilot refused the order at dawn. [1]" {
		t.Fatalf("marked %q", marked)
	}
	tb.waitJS("the passage on screen", `(() => { const r = [...CSS.highlights.get('search-passage')][0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`)
	tb.windowScreenshot("search-passage-in-place")
	tb.checkNoExceptions()
}
