package handlers

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/citecheck/citecheck"
)

// trashBrowserText has three claims over its first sentence: overlapping, with three verdicts.
const trashBrowserText = "On 30 October 2015, ministers of 20 countries met in Vienna to start talks on Syria. [30] [31] " +
	"The second round, in mid-November, set a deadline of 1 January 2016. [32]\n"

// TestBrowserTrash deletes a claim through its confirmation step, sees it gone from the
// document, undoes it from the message and finds deleted and restored in its history; then
// deletes the document and restores it from /trash. On the way it checks that an overlap
// underlines every verdict in it, and takes screenshots at 1280 and 390 px.
func TestBrowserTrash(t *testing.T) {
	browserCtx := startBrowser(t)
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Vienna talks", trashBrowserText)
	claim := func(needle string, refs []int, status citecheck.Status) citecheck.Claim {
		start, end := runeSpan(t, trashBrowserText, needle)
		var cl citecheck.Claim
		r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
			map[string]any{"start": start, "end": end, "refs": refs, "status": status})
		if r.status != 201 {
			t.Fatalf("claim %q: %d %s", needle, r.status, r.body)
		}
		r.json(t, &cl)
		return cl
	}
	whole := claim("On 30 October 2015, ministers of 20 countries met in Vienna to start talks on Syria.", []int{30, 31}, citecheck.StatusSupported)
	claim("ministers of 20 countries", []int{30}, citecheck.StatusContradicted)
	doomed := claim("20 countries met in Vienna", []int{31}, citecheck.StatusUnsupported)

	tb := newTab(t, browserCtx, h.srv.URL, 60*time.Second)
	tb.login("rita")
	docURL := fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)
	tb.do("document page", chromedp.Navigate(docURL), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)

	// The run under all three claims underlines each verdict, and its title names them.
	type overlap struct {
		Shadow, Title, Supported, Contradicted, Unsupported string
	}
	ov := evalJS[overlap](tb, "the overlap", `(() => {
		const s = [...document.querySelectorAll('#doc-text .hl.ov3')].find((e) => e.textContent.includes('20 countries'));
		const ink = (st) => { const e = document.createElement('span'); e.className = 'hl st-' + st;
			document.body.appendChild(e); const c = getComputedStyle(e).boxShadow.match(/rgb\([^)]*\)/)[0]; e.remove(); return c; };
		return {Shadow: s ? getComputedStyle(s).boxShadow : '', Title: s ? s.title : '',
			Supported: ink('supported'), Contradicted: ink('contradicted'), Unsupported: ink('unsupported')};
	})()`)
	for name, colour := range map[string]string{"supported": ov.Supported, "contradicted": ov.Contradicted, "unsupported": ov.Unsupported} {
		if !strings.Contains(ov.Shadow, colour) {
			t.Errorf("the overlap's underlines %q lack %s (%s)", ov.Shadow, name, colour)
		}
	}
	if !strings.HasPrefix(ov.Title, "3 claims: ") || !strings.Contains(ov.Title, "supported") || !strings.Contains(ov.Title, "contradicted") {
		t.Errorf("overlap title %q", ov.Title)
	}
	tb.windowScreenshot("trash-overlaps")
	tb.saveScreenshot("trash-overlaps-zoom", chromedp.ScreenshotScale(chromedp.ID("doc-text"), 2.5))

	// Delete a claim: the button asks first, the claim leaves the page, Undo brings it back.
	tb.do("the claim page", chromedp.Navigate(fmt.Sprintf("%s/claims/%d", h.srv.URL, doomed.ID)),
		chromedp.WaitVisible(chromedp.CSS(`.delete-claim button`)),
		chromedp.Click(chromedp.CSS(`.delete-claim button`)))
	waitAcrossNavigation(tb, "the confirmation step", `!!document.querySelector('.confirm-delete button.danger')`)
	if _, err := h.st.Claim(t.Context(), doomed.ID); err != nil {
		t.Fatalf("the first click deleted the claim: %v", err)
	}
	tb.screenshot("trash-confirm")
	tb.click("confirm", `.confirm-delete button.danger`)
	waitAcrossNavigation(tb, "the document with Undo", `!!document.getElementById('doc-text') && !!document.querySelector('.banner.undo button')`)
	gone := fmt.Sprintf(`document.querySelectorAll('#doc-text [data-claims~="%d"]').length`, doomed.ID)
	if n := evalJS[int](tb, "the deleted claim's runs", gone); n != 0 {
		t.Errorf("%d runs still show the deleted claim", n)
	}
	tb.windowScreenshot("trash-undo")
	tb.click("undo", `.banner.undo button`)
	waitAcrossNavigation(tb, "the restored claim's page", `!!document.querySelector('#history .ev-restored')`)
	tb.screenshot("trash-restored-claim")
	events := evalJS[[]string](tb, "the history", `[...document.querySelectorAll('#history .event .action')].map((e) => e.textContent)`)
	if n := len(events); n < 3 || events[n-2] != "deleted" || events[n-1] != "restored" {
		t.Errorf("history %v, want it to end deleted, restored", events)
	}
	tb.do("the document again", chromedp.Navigate(docURL), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	if n := evalJS[int](tb, "the restored claim's runs", gone); n == 0 {
		t.Error("the restored claim is not highlighted")
	}

	// Delete the document, then restore it from the trash page.
	tb.click("delete the document", `.doc-actions button.danger`)
	waitAcrossNavigation(tb, "the document's confirmation", `!!document.querySelector('.confirm-delete button.danger')`)
	tb.click("confirm", `.confirm-delete button.danger`)
	waitAcrossNavigation(tb, "the documents page", `!!document.querySelector('.banner.undo') && location.pathname === '/'`)
	if n := evalJS[int](tb, "links to the document", fmt.Sprintf(`document.querySelectorAll('main a[href="/documents/%d"]').length`, doc.ID)); n != 0 {
		t.Errorf("the deleted document is still listed (%d links)", n)
	}
	tb.do("the trash", chromedp.Navigate(h.srv.URL+"/trash"), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#trash-d-%d button`, doc.ID))))
	if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	tb.screenshot("trash-page-390")
	if w := evalJS[int](tb, "page width", `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the trash page is %d px wide at 390", w)
	}
	if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	tb.do("restore", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#trash-d-%d button`, doc.ID))))
	waitAcrossNavigation(tb, "the restored document", `!!document.getElementById('doc-text') && !!document.getElementById('document-history')`)
	if n := evalJS[int](tb, "claims on the restored document", fmt.Sprintf(`document.querySelectorAll('#doc-text [data-claims~="%d"]').length`, whole.ID)); n == 0 {
		t.Error("the restored document's claims are not highlighted")
	}
	if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	tb.windowScreenshot("trash-overlaps-390")
	tb.checkNoExceptions()
}
