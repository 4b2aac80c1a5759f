package handlers

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// testBrowserRevisions uploads a new revision through the document page's form, reads the
// counts per anchor kind on the revision page, and fixes the orphan: Re-anchor in the tray,
// then a selection of its new text, after which the tray is empty.
func testBrowserRevisions(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	doc, claims := revisionDoc(t, h)
	tb := newTab(t, browserCtx, h.srv.URL, 90*time.Second)
	tb.login("rita")
	tb.do("document page",
		chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)),
		chromedp.WaitVisible(chromedp.ID("doc-text")),
		chromedp.Click(chromedp.CSS(`#new-revision summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#new-revision textarea[name=text]`)),
		chromedp.Focus(chromedp.CSS(`#new-revision textarea[name=text]`)),
		insertText(revText2),
		chromedp.Click(chromedp.CSS(`#new-revision button[type=submit]`)),
	)
	waitAcrossNavigation(tb, "the revision page", `!!document.getElementById('anchor-counts')`)
	for kind, want := range map[string]string{"exact": "0", "moved": "1", "fuzzy": "1", "orphaned": "1"} {
		got := evalJS[string](tb, kind, fmt.Sprintf(`document.querySelector('#anchor-counts [data-kind=%s] strong').textContent`, kind))
		if got != want {
			t.Errorf("%s count shown %q, want %s", kind, got, want)
		}
	}
	if n := evalJS[int](tb, "orphans", `document.querySelectorAll('#orphans .orphan').length`); n != 1 {
		t.Fatalf("%d orphans in the tray, want 1", n)
	}
	tb.screenshot("revision-diff")

	tb.click("re-anchor the orphan", `#orphans a.reanchor`)
	// The selection is the app's to handle once its listeners are set (data-app="ready").
	waitAcrossNavigation(tb, "the re-anchor banner", `!!document.getElementById('reanchor-banner') && !!document.querySelector('#doc-text[data-reanchor]') &&
		document.documentElement.dataset.app === 'ready'`)
	evalJS[selectionResult](tb, "select the new text", selectTextJS+"("+jsArgs("Closing.", 0)+")")
	tb.waitClaimForm("the claim form")
	tb.do("save the new span",
		chromedp.Click(chromedp.CSS(`#claim-form button[type=submit]`)),
	)
	waitAcrossNavigation(tb, "the tray to empty",
		`!document.getElementById('reanchor-banner') && !!document.getElementById('doc-text') && document.querySelectorAll('#orphans .orphan').length === 0`)
	tb.checkNoExceptions()

	cl, err := h.st.Claim(t.Context(), claims["short"].ID)
	if err != nil {
		t.Fatal(err)
	}
	if cl.Revision != 2 || cl.Anchor != "exact" || cl.Quote != "Closing." {
		t.Errorf("the orphan after its re-anchoring: revision %d anchor %q quote %q", cl.Revision, cl.Anchor, cl.Quote)
	}
	if n := evalJS[int](tb, "highlights", `new Set([...document.querySelectorAll('#doc-text [data-claims]')].flatMap((s) => s.dataset.claims.split(' '))).size`); n != 3 {
		t.Errorf("%d claims highlighted after the fix, want 3", n)
	}
}
