package handlers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/citecheck/citecheck"
)

// testBrowserReview walks the editorial sign-off in two browsers: rita records a claim by
// selecting text; ed rejects it from the review queue by keyboard; rita sees the comment and
// fixes the claim on its page; ed approves it with a key. It also takes the screenshots of the
// review pages.
func testBrowserReview(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Syria talks sample", browserText)
	docURL := fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)

	// Rita selects a passage and saves it as a claim.
	rita := newTab(t, browserCtx, h.srv.URL, 45*time.Second)
	rita.login("rita")
	rita.do("document page", chromedp.Navigate(docURL), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	const needle = "with a deadline of 1 January 2016"
	evalJS[selectionResult](rita, "select", selectTextJS+"("+jsArgs(needle, 0)+")")
	rita.waitClaimForm("the claim form")
	rita.do("save the claim",
		chromedp.SetValue(chromedp.CSS(`#claim-form select[name=status]`), "unsupported"),
		chromedp.Click(chromedp.CSS(`#claim-form button[type=submit]`)),
	)
	rita.waitJS("the claim in the panel", `document.querySelectorAll('#claims-panel li.claim').length === 1`)
	claims, err := h.st.Claims(t.Context(), doc.ID, citecheck.ClaimFilter{})
	if err != nil || len(claims) != 1 || claims[0].Quote != needle {
		t.Fatalf("rita's claim: %v %+v", err, claims)
	}
	id := claims[0].ID
	item := fmt.Sprintf("q-%d", id)

	// Ed, in his own browser context, rejects it from the queue with j, r, a comment, Ctrl+Enter.
	ed := newTab(t, browserCtx, h.srv.URL, 45*time.Second)
	ed.login("ed")
	if got := evalJS[string](ed, "header count", `document.querySelector('.nav-review .count').textContent`); got != "(1)" {
		t.Errorf("ed's header count = %q, want (1)", got)
	}
	ed.do("review queue", chromedp.Navigate(h.srv.URL+"/review"), chromedp.WaitVisible(chromedp.ID(item)))
	ed.do("?", chromedp.KeyEvent("?"))
	ed.waitJS("the help opens", `document.getElementById('review-help').open`)
	ed.screenshot("review-help")
	ed.do("? again", chromedp.KeyEvent("?"))
	ed.waitJS("the help closes", `!document.getElementById('review-help').open`)
	ed.do("j", chromedp.KeyEvent("j"))
	ed.waitJS("a current item", fmt.Sprintf(`document.querySelector('.queue-item.current') && document.querySelector('.queue-item.current').id === %q`, item))
	ed.do("r", chromedp.KeyEvent("r"))
	ed.waitJS("the comment box has focus", `document.activeElement && document.activeElement.matches('.queue-item.current .reject-form textarea')`)
	if v := evalJS[string](ed, "comment", `document.activeElement.value`); v != "" {
		t.Errorf("pressing r typed %q into the comment box", v)
	}
	const comment = "The source [32] says the deadline was agreed, not that talks start."
	ed.do("type the comment", chromedp.KeyEvent(comment))
	ed.screenshot("review-queue")
	evalJS[bool](ed, "mark the window", `window.__marker = 1, true`)
	ed.do("send with Ctrl+Enter", chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	// Decided in place: the row says so where it was, the page is not reloaded, the cursor stays.
	ed.waitJS("the claim's row decided", fmt.Sprintf(`!!document.querySelector('#%s.decided') && !!document.querySelector('.banner.flash')`, item))
	if msg := evalJS[string](ed, "flash", `document.querySelector('.banner.flash').textContent`); !strings.Contains(msg, "rejected") {
		t.Errorf("after rejecting, the queue says %q", msg)
	}
	if !evalJS[bool](ed, "no reload", `window.__marker === 1`) {
		t.Error("rejecting reloaded the queue")
	}
	if got := evalJS[string](ed, "cursor", `(document.querySelector('.queue-item.current') || {}).id || ''`); got != item {
		t.Errorf("after rejecting, the keyboard cursor is on %q, want %q", got, item)
	}
	if got := evalJS[string](ed, "queue total", `document.getElementById('queue-total').textContent`); got != "0 claims are" {
		t.Errorf("after rejecting, the queue says %q waiting", got)
	}
	var cl claimReviewJSON
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d", id), "rita", nil).json(t, &cl)
	if cl.Review != "rejected" || cl.ReviewComment != comment || cl.ReviewedBy == nil || *cl.ReviewedBy != "ed" {
		t.Fatalf("after the keyboard rejection: %+v", cl)
	}

	// Rita sees the comment on her document and fixes the claim on its page.
	rita.do("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	got := evalJS[string](rita, "rejection comment", fmt.Sprintf(`(document.querySelector('#claim-%d .review-comment') || {}).textContent || ''`, id))
	if got != comment {
		t.Errorf("rita's document shows the comment %q, want %q", got, comment)
	}
	rita.screenshot("document-review")
	rita.do("open the claim page",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#claim-%d .byline a[href="/claims/%d"]`, id, id))),
		chromedp.WaitVisible(chromedp.ID("history")),
		chromedp.SetValue(chromedp.CSS(`.claim-edit select[name=status]`), "citation-needed"),
		chromedp.Click(chromedp.CSS(`.claim-edit button.primary`)),
	)
	waitAcrossNavigation(rita, "saved", `!!document.querySelector('.banner.flash') && document.querySelectorAll('#history .event').length === 3`)
	rita.screenshot("claim-page")
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d", id), "rita", nil).json(t, &cl)
	if cl.Status != "citation-needed" || cl.Review != "pending" {
		t.Fatalf("after rita's fix: %+v", cl)
	}

	// Ed approves it with a.
	ed.do("review queue again", chromedp.Navigate(h.srv.URL+"/review"), chromedp.WaitVisible(chromedp.ID(item)))
	ed.do("j a", chromedp.KeyEvent("j"), chromedp.KeyEvent("a"))
	ed.waitJS("the claim's row decided", fmt.Sprintf(`!!document.querySelector('#%s.decided') && /approved/.test(document.querySelector('.banner.flash').textContent)`, item))
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d", id), "rita", nil).json(t, &cl)
	if cl.Review != "approved" || cl.ReviewedBy == nil || *cl.ReviewedBy != "ed" {
		t.Fatalf("after approving with a: %+v", cl)
	}
	if got := evalJS[string](ed, "header count", `document.querySelector('.nav-review .count').textContent`); got != "(0)" {
		t.Errorf("ed's header count after approving = %q, want (0)", got)
	}
	rita.do("document page", chromedp.Navigate(docURL), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	if s := evalJS[string](rita, "summary", `document.getElementById('doc-summary').textContent`); !strings.Contains(s, "all claims approved") {
		t.Errorf("summary after approval: %q", s)
	}
	rita.checkNoExceptions()
	ed.checkNoExceptions()
	testBrowserReviewScreenshots(t, browserCtx, h, doc)
}

// claimReviewJSON is the part of an API claim the review browser test looks at.
type claimReviewJSON struct {
	Status        string  `json:"status"`
	Review        string  `json:"review"`
	ReviewComment string  `json:"review_comment"`
	ReviewedBy    *string `json:"reviewed_by"`
}

// testBrowserReviewScreenshots fills the queue with claims in several states and takes the
// pages an editor and an admin see.
func testBrowserReviewScreenshots(t *testing.T, browserCtx context.Context, h *harness, doc citecheck.Document) {
	for _, c := range []struct {
		user, needle, status string
		refs                 []int
	}{
		{"rita", "Ministers agreed that the Syrian government and the opposition should start political talks.", "supported", []int{30, 31}},
		{"ralph", "34 opposition groups and individuals allied as the “High Negotiating Committee”.", "unsupported", []int{46, 99}},
		{"ed", "Two of the 34 members are women", "unverified", []int{48}},
		{"rita", "«إن الهدنة صامدة»", "supported", nil},
	} {
		h.claimAt(c.user, doc.ID, browserText, c.needle, c.refs, c.status)
	}
	ada := newTab(t, browserCtx, h.srv.URL, 30*time.Second)
	ada.login("ada")
	ada.do("review queue", chromedp.Navigate(h.srv.URL+"/review"), chromedp.WaitVisible(chromedp.ID("review-queue")))
	ada.screenshot("review-queue-full")
	ada.do("document", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	ada.screenshot("document-editor")
	ada.do("users", chromedp.Navigate(h.srv.URL+"/admin/users"), chromedp.WaitVisible(chromedp.ID("users")))
	ada.screenshot("admin-users")
	ada.do("account", chromedp.Navigate(h.srv.URL+"/account"), chromedp.WaitVisible(chromedp.CSS(`form[action="/account/password"]`)))
	ada.screenshot("account")
	ada.checkNoExceptions()
}

// waitAcrossNavigation polls expr like waitJS, but through a page load that a form submission
// or a link starts meanwhile, on the page once it is parsed.
func waitAcrossNavigation(tb *tab, what, expr string) {
	tb.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		// A page still being parsed may hold only the first part of what it shows.
		_, err := chromedp.Run(tb.ctx, chromedp.Poll[chromedp.Void](`document.readyState !== 'loading' && (`+expr+`)`,
			chromedp.WithPollingTimeout(2*time.Second), chromedp.WithPollingInterval(20*time.Millisecond)))
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("waiting for %s: %v (page: %s)", what, err, tb.location())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
