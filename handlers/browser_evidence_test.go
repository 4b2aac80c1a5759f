package handlers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// testBrowserEvidence follows the link from a claim's evidence to its passage in a long source:
// the source page opens at the highlighted passage, with no script of its own. It takes the
// screenshots of the claim page's evidence and of the source page.
func testBrowserEvidence(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	f := newPageEvidenceFixture(t, h)
	long := strings.Repeat("Earlier paragraph of the wire story, not the passage.\n\n", 80) + evidencePageSource
	r := h.do("POST", sourcesPath(f.doc.ID, 1), "rita", map[string]any{"text": long, "title": "Reuters, long"})
	if r.status != 201 {
		t.Fatalf("capture: %d %s", r.status, r.body)
	}
	var src struct{ ID int64 }
	r.json(t, &src)
	start, end := cpSpan(t, long, "Talks began in Vienna")
	if r = h.do("POST", fmt.Sprintf("/api/v1/claims/%d/evidence", f.claim.ID), "rita", map[string]any{
		"source_id": src.ID, "start": start, "end": end, "stance": "context"}); r.status != 201 {
		t.Fatalf("evidence: %d %s", r.status, r.body)
	}
	tb := newTab(t, browserCtx, h.srv.URL, 45*time.Second)
	tb.login("ed")
	tb.do("claim page", chromedp.Navigate(fmt.Sprintf("%s/claims/%d", h.srv.URL, f.claim.ID)), chromedp.WaitVisible(chromedp.CSS(".evidence-list")))
	if n := evalJS[float64](tb, "evidence items", `document.querySelectorAll('.evidence-item').length`); n != 2 {
		t.Fatalf("claim page shows %v evidence items, want 2", n)
	}
	tb.screenshot("claim-evidence")

	frag := fmt.Sprintf("p-%d-%d", start, end)
	tb.click("click the passage link", `.evidence-item.stance-context a.passage-link`)
	tb.do("the source page", chromedp.WaitVisible(chromedp.ID(frag)))
	if loc := tb.location(); !strings.HasSuffix(loc, "#"+frag) {
		t.Errorf("the link led to %q, want the fragment #%s", loc, frag)
	}
	if got := evalJS[string](tb, "highlighted passage", fmt.Sprintf(`document.getElementById(%q).textContent`, frag)); got != "Talks began in Vienna" {
		t.Errorf("highlighted %q, want the passage", got)
	}
	inView := fmt.Sprintf(`(() => { const r = document.getElementById(%q).getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight })()`, frag)
	if !evalJS[bool](tb, "passage in view", inView) {
		t.Errorf("the source page did not open at the passage")
	}
	if evalJS[bool](tb, "page at the top", `scrollY === 0`) {
		t.Errorf("the source page stayed at the top of a long text")
	}
	tb.windowScreenshot("source-passage")
	tb.checkNoExceptions()
}
