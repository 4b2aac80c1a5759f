package handlers

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/citecheck/citecheck"
)

// TestBrowserOrphanCandidateAccepted opens the tray of a revision that rewrote a claimed
// sentence beyond re-anchoring, and accepts the offered passage with one click in Chromium:
// the orphan leaves the tray, anchored at the passage and back to pending.
func TestBrowserOrphanCandidateAccepted(t *testing.T) {
	browserCtx := startBrowser(t)
	h := newHarness(t, Config{})
	const (
		v1 = "Before the war, many relied on trade. Trade with Jordan collapsed after protests began in early 2011. [13] Residents stayed."
		v2 = "Before the war, many relied on trade. Trade with Jordan stopped after the protests of early 2011. [13] Residents stayed."
		cq = "Trade with Jordan stopped after the protests of early 2011."
	)
	doc := h.createDocument("rita", "Trade", v1)
	s, e := runeSpan(t, v1, "Trade with Jordan collapsed after protests began in early 2011.")
	r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", map[string]any{"start": s, "end": e, "refs": []int{13}})
	if r.status != http.StatusCreated {
		t.Fatalf("claim: %d %s", r.status, r.body)
	}
	var cl citecheck.Claim
	r.json(t, &cl)
	if r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/revisions", doc.ID), "rita", map[string]any{"text": v2}); r.status != http.StatusCreated {
		t.Fatalf("revise: %d %s", r.status, r.body)
	}

	tb := newTab(t, browserCtx, h.srv.URL, 45*time.Second)
	tb.login("rita")
	tb.do("revision page",
		chromedp.Navigate(fmt.Sprintf("%s/documents/%d/revisions/2", h.srv.URL, doc.ID)),
		chromedp.WaitVisible(chromedp.ID("orphans")),
	)
	if got := evalJS[string](tb, "candidate", `document.querySelector('#orphans .candidate q').textContent`); got != cq {
		t.Fatalf("candidate shown %q, want %q", got, cq)
	}
	tb.screenshot("orphan-candidates")
	tb.click("accept", `#orphans .candidate button.accept-candidate`)
	waitAcrossNavigation(tb, "the tray to empty", `!!document.getElementById('orphans') && document.querySelectorAll('#orphans .orphan').length === 0`)
	tb.checkNoExceptions()

	got, err := h.st.Claim(t.Context(), cl.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Quote != cq || got.Revision != 2 || got.Anchor != string(citecheck.AnchorExact) || got.Review != citecheck.ReviewPending {
		t.Errorf("after accepting: quote %q revision %d anchor %q review %q", got.Quote, got.Revision, got.Anchor, got.Review)
	}
}
