package handlers

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/citecheck/citecheck"
)

// TestBrowserReviewLoop drives the review loop and the printable report in headless Chromium:
// an orphan marked in the queue without Approve, an approval undone, Approve anyway from the
// keyboard, a fact-checker's rejected claims and the comment that outlives the fix, a document
// titled by its first line, the CSV and ClaimReview downloads, and the report printed to PDF.
func TestBrowserReviewLoop(t *testing.T) {
	browserCtx := startBrowser(t)
	t.Run("QueueOrphanUndoApproveAnyway", func(t *testing.T) { testBrowserQueueLoop(t, browserCtx) })
	t.Run("RejectedClaimsAndTheCommentAfterAFix", func(t *testing.T) { testBrowserRejectedClaims(t, browserCtx) })
	t.Run("EmptyTitleAndDownloads", func(t *testing.T) { testBrowserTitleAndDownloads(t, browserCtx) })
	t.Run("PrintableReport", func(t *testing.T) { testBrowserReport(t, browserCtx) })
}

// claimState is what the loop's browser tests read of a claim through the API.
func claimState(t *testing.T, h *harness, id int64) (citecheck.Claim, citecheck.ClaimEvent) {
	t.Helper()
	var cl citecheck.Claim
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d", id), "rita", nil).json(t, &cl)
	return cl, h.lastEvent(id)
}

func testBrowserQueueLoop(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Review loop", reviewText)
	clean := h.claimAt("rita", doc.ID, reviewText, "Ministers agreed to start talks.", []int{30, 31}, "unverified")
	gone := h.claimAt("rita", doc.ID, reviewText, "The deadline was 1 January 2016.", []int{32}, "unverified")
	revised := strings.Replace(reviewText, "The deadline was 1 January 2016. [32] ", "", 1) + " Talks resumed in May. [33]"
	if r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/revisions", doc.ID), "rita", map[string]any{"text": revised}); r.status != 201 {
		t.Fatalf("revise: %d %s", r.status, r.body)
	}
	problem := h.claimAt("ralph", doc.ID, revised, "Talks resumed in May.", []int{33, 99}, "unverified")

	ed := newTab(t, browserCtx, h.srv.URL, 60*time.Second)
	ed.login("ed")
	ed.do("the queue", chromedp.Navigate(h.srv.URL+"/review"), chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("q-%d", gone.ID))))

	// The orphan says what happened and offers no approval, only the re-anchoring.
	orphan := fmt.Sprintf("#q-%d", gone.ID)
	if got := evalJS[string](ed, "the orphan's mark", fmt.Sprintf(`document.querySelector('%s .orphan-mark').textContent`, orphan)); !strings.Contains(got, "its text changed in revision 2") {
		t.Errorf("the orphan's mark says %q", got)
	}
	if evalJS[bool](ed, "approve offered", fmt.Sprintf(`!!document.querySelector('%s .approve-form')`, orphan)) {
		t.Error("the orphan is offered for approval")
	}
	if !evalJS[bool](ed, "re-anchor offered", fmt.Sprintf(`!!document.querySelector('%s .orphan-note a[href*="reanchor=%d"]')`, orphan, gone.ID)) {
		t.Error("the orphan offers no re-anchoring")
	}
	ed.screenshot("review-queue-orphan")

	// Approve the clean claim with a click, then undo it in place.
	row := fmt.Sprintf("#q-%d", clean.ID)
	evalJS[bool](ed, "the row before", fmt.Sprintf(`(window.__before = document.querySelector('%s').outerHTML, true)`, row))
	ed.click("approve", row+" .approve-form button")
	ed.waitJS("the decided row with its undo", fmt.Sprintf(`!!document.querySelector('%s.decided .undo-form')`, row))
	// A refresh of the queue fetched before the decision and answered after it shows the row
	// as it was: the decided row, newer, stays.
	if !evalJS[bool](ed, "a stale refresh of the queue", fmt.Sprintf(`import('/assets/live.js').then((m) => {
		const queue = document.getElementById('review-queue');
		const fresh = document.createElement('ol');
		fresh.innerHTML = [...queue.children].map((li) => li.matches('%s') ? window.__before : li.outerHTML).join('');
		m.mergeList(queue, fresh);
		return !!document.querySelector('%s.decided .undo-form');
	})`, row, row)) {
		t.Fatal("a stale refresh of the queue put the decided row back for review")
	}
	if cl, _ := claimState(t, h, clean.ID); cl.Review != citecheck.ReviewApproved {
		t.Fatalf("after approving: %s", cl.Review)
	}
	// A live refresh of the queue (another checker's new claim comes in) keeps the decided row
	// with its undo in its place, even with the focus elsewhere.
	evalJS[bool](ed, "focus elsewhere", `(document.activeElement && document.activeElement.blur(), true)`)
	newer := h.claimAt("ralph", doc.ID, revised, "Ministers agreed to start talks.", []int{30}, "unverified")
	ed.waitJS("the new claim in the queue", fmt.Sprintf(`!!document.getElementById('q-%d')`, newer.ID))
	if !evalJS[bool](ed, "the decided row after the refresh", fmt.Sprintf(`(() => {
		const row = document.querySelector('%s.decided');
		return !!row && !!row.querySelector('.undo-form') && row.previousElementSibling === null;
	})()`, row)) {
		t.Fatal("a live refresh of the queue took the decided row, or its undo, or moved it")
	}
	ed.screenshot("review-queue-undo")
	ed.click("undo", row+" .undo-form button")
	ed.waitJS("the row back for review", fmt.Sprintf(`!!document.querySelector('%s:not(.decided) .approve-form')`, row))
	if cl, ev := claimState(t, h, clean.ID); cl.Review != citecheck.ReviewPending || ev.Action != citecheck.ActionReviewUndone || ev.By != "ed" {
		t.Fatalf("after the undo: %s, last event %+v", cl.Review, ev)
	}
	if msg := evalJS[string](ed, "status", `document.getElementById('queue-status').textContent`); !strings.Contains(msg, "pending again") {
		t.Errorf("the queue says %q after the undo", msg)
	}

	// The claim with an open problem: a takes the keyboard to "Approve anyway", Enter confirms,
	// u takes it back.
	prow := fmt.Sprintf("#q-%d", problem.ID)
	wording := evalJS[string](ed, "wording", fmt.Sprintf(`document.querySelector('%s .approve-form').textContent`, prow))
	if !strings.Contains(wording, "Approve anyway") || !strings.Contains(wording, "unknown-ref") || strings.Contains(wording, "override") {
		t.Errorf("the approval of a claim with problems says %q", wording)
	}
	ed.click("make it current", prow+" .queue-doc")
	ed.do("a", chromedp.KeyEvent("a"))
	ed.waitJS("Approve anyway has focus", fmt.Sprintf(`document.activeElement === document.querySelector('%s .approve-form button')`, prow))
	// A live refresh of the queue meanwhile (another claim comes in) leaves the focus there, so
	// the Enter that follows still confirms.
	another := h.claimAt("ralph", doc.ID, revised, "Nothing else.", []int{30}, "unverified")
	ed.waitJS("the other new claim in the queue", fmt.Sprintf(`!!document.getElementById('q-%d')`, another.ID))
	if !evalJS[bool](ed, "focus after the refresh", fmt.Sprintf(`document.activeElement === document.querySelector('%s .approve-form button')`, prow)) {
		t.Fatal("a live refresh of the queue took the focus from Approve anyway")
	}
	if cl, _ := claimState(t, h, problem.ID); cl.Review != citecheck.ReviewPending {
		t.Fatalf("a alone approved over the problems: %s", cl.Review)
	}
	ed.do("Enter", chromedp.KeyEvent("\r"))
	ed.waitJS("approved anyway", fmt.Sprintf(`!!document.querySelector('%s.decided')`, prow))
	if cl, ev := claimState(t, h, problem.ID); cl.Review != citecheck.ReviewApproved || ev.Changes["override"].To != true {
		t.Fatalf("Approve anyway: %s, %+v", cl.Review, ev)
	}
	ed.do("u", chromedp.KeyEvent("u"))
	ed.waitJS("undone by key", fmt.Sprintf(`!!document.querySelector('%s:not(.decided) .approve-form')`, prow))
	if cl, _ := claimState(t, h, problem.ID); cl.Review != citecheck.ReviewPending {
		t.Fatalf("after u: %s", cl.Review)
	}
	ed.do("narrow", chromedp.EmulateViewport(390, 844))
	ed.screenshot("review-queue-390")

	// On the claim page: Approve anyway, then Undo, each a form that posts and comes back.
	ed.do("wide", chromedp.EmulateViewport(1280, 800))
	ed.do("the claim page", chromedp.Navigate(fmt.Sprintf("%s/claims/%d", h.srv.URL, problem.ID)), chromedp.WaitVisible(chromedp.ID("history")))
	ed.screenshot("claim-approve-anyway")
	ed.click("approve anyway", `#claim-detail .approve-form button`)
	waitAcrossNavigation(ed, "approved, with its undo", `!!document.querySelector('#claim-detail .undo-form')`)
	ed.screenshot("claim-undo")
	ed.click("undo", `#claim-detail .undo-form button`)
	waitAcrossNavigation(ed, "pending again", `/pending again/.test((document.querySelector('.banner.flash') || {}).textContent || '')`)
	if cl, ev := claimState(t, h, problem.ID); cl.Review != citecheck.ReviewPending || ev.Action != citecheck.ActionReviewUndone {
		t.Fatalf("after the claim page's undo: %s, %+v", cl.Review, ev)
	}

	// In the document's panel, in place: approve, then undo.
	entry := fmt.Sprintf("#claim-%d", clean.ID)
	ed.do("the document", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)), chromedp.WaitVisible(chromedp.CSS(entry)))
	evalJS[bool](ed, "the entry before", fmt.Sprintf(`(window.__before = document.querySelector('%s').outerHTML, true)`, entry))
	ed.click("approve in the panel", entry+" .approve-form button")
	ed.waitJS("the entry's undo", fmt.Sprintf(`!!document.querySelector('%s .undo-form')`, entry))
	// A live refresh sent before the approval and answered after it brings the entry as it was:
	// the newer entry stays.
	if !evalJS[bool](ed, "a stale refresh of the entry", fmt.Sprintf(`import('/assets/app.js').then((m) => {
		m.applyFragment(window.__before);
		return !!document.querySelector('%s .undo-form') && !document.querySelector('%s .approve-form');
	})`, entry, entry)) {
		t.Fatal("a stale live refresh put the approved entry back for review")
	}
	// The approval is a live event too, whose refresh may swap the entry in again (tab.click).
	ed.click("undo in the panel", entry+" .undo-form button")
	ed.waitJS("the entry back for review", fmt.Sprintf(`!!document.querySelector('%s .approve-form') && !document.querySelector('%s .undo-form')`, entry, entry))
	if msg := evalJS[string](ed, "the panel says", `document.getElementById('live-status').textContent`); !strings.Contains(msg, "pending again") {
		t.Errorf("the panel says %q after the undo", msg)
	}
	if cl, ev := claimState(t, h, clean.ID); cl.Review != citecheck.ReviewPending || ev.Action != citecheck.ActionReviewUndone {
		t.Fatalf("after the panel's undo: %s, %+v", cl.Review, ev)
	}
	ed.checkNoExceptions()
}

func testBrowserRejectedClaims(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Rejections", reviewText)
	cl := h.claimAt("rita", doc.ID, reviewText, "The deadline was 1 January 2016.", []int{32}, "unverified")
	const comment = "Which page of [32] gives the date?"
	if r, _ := h.review("ed", cl.ID, map[string]any{"decision": "rejected", "comment": comment}); r.status != 200 {
		t.Fatalf("reject: %d %s", r.status, r.body)
	}
	rita := newTab(t, browserCtx, h.srv.URL, 60*time.Second)
	rita.login("rita")
	item := fmt.Sprintf("#mr-%d", cl.ID)
	rita.do("my rejected claims", chromedp.Click(chromedp.CSS(`.topbar a[href="/my/rejected"]`)), chromedp.WaitVisible(chromedp.CSS(item)))
	if got := evalJS[string](rita, "the comment", fmt.Sprintf(`document.querySelector('%s .review-comment').textContent`, item)); got != comment {
		t.Errorf("the list shows the comment %q", got)
	}
	rita.screenshot("my-rejected")
	rita.do("fix it", chromedp.Click(chromedp.CSS(item+" a.fix-claim")), chromedp.WaitVisible(chromedp.ID("history")),
		chromedp.SetValue(chromedp.CSS(`.claim-edit select[name=status]`), "citation-needed"),
		chromedp.Click(chromedp.CSS(`.claim-edit button.primary`)))
	waitAcrossNavigation(rita, "saved", `!!document.querySelector('.banner.flash') && !!document.querySelector('.last-rejection')`)
	if got, _ := claimState(t, h, cl.ID); got.Review != citecheck.ReviewPending || got.ReviewComment != "" {
		t.Fatalf("after the fix: %+v", got)
	}
	last := evalJS[string](rita, "the last rejection", `document.querySelector('#claim-detail .last-rejection').textContent`)
	if !strings.Contains(last, "Last rejected by ed") || !strings.Contains(last, comment) {
		t.Errorf("the claim page says %q", last)
	}
	rita.screenshot("claim-last-rejection")
	rita.do("the document", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	if got := evalJS[string](rita, "the panel", fmt.Sprintf(`(document.querySelector('#claim-%d .last-rejection') || {}).textContent || ''`, cl.ID)); !strings.Contains(got, comment) {
		t.Errorf("the panel entry says %q", got)
	}
	rita.do("my rejected claims again", chromedp.Navigate(h.srv.URL+"/my/rejected"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if evalJS[bool](rita, "gone from the list", fmt.Sprintf(`!!document.querySelector('%s')`, item)) {
		t.Error("the fixed claim is still on the list")
	}
	rita.checkNoExceptions()
}

func testBrowserTitleAndDownloads(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	rita := newTab(t, browserCtx, h.srv.URL, 60*time.Second)
	rita.login("rita")
	const text = "Talks resume in Vienna\n\nMinisters agreed to start talks. [30] Nothing else."
	rita.do("a document without a title",
		chromedp.WaitVisible(chromedp.CSS(`section.new-document`)),
		chromedp.Focus(chromedp.CSS(`section.new-document textarea[name=text]`)),
		insertText(text),
		chromedp.Click(chromedp.CSS(`section.new-document button[type=submit]`)))
	waitAcrossNavigation(rita, "the document page", `!!document.getElementById('doc-text')`)
	if got := evalJS[string](rita, "title", `document.querySelector('.doc-head h1').textContent`); got != "Talks resume in Vienna" {
		t.Fatalf("the document is titled %q", got)
	}
	var list struct {
		Documents []citecheck.DocumentSummary `json:"documents"`
	}
	h.do("GET", "/api/v1/documents", "rita", nil).json(t, &list)
	if len(list.Documents) != 1 {
		t.Fatalf("documents: %+v", list.Documents)
	}
	id := list.Documents[0].ID
	cl := h.claimAt("rita", id, text, "Ministers agreed to start talks.", []int{30}, "unsupported") // rated: ClaimReview publishes it
	if r, _ := h.review("ed", cl.ID, map[string]any{"decision": "approved"}); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	rita.do("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	rita.windowScreenshot("document-actions")

	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(rita.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
		BrowserContextID: chromedp.FromContext(rita.ctx).BrowserContextID,
	}); err != nil {
		t.Fatalf("downloads: %v", err)
	}
	for _, d := range []struct{ button, file, want string }{
		{"CSV", fmt.Sprintf("citecheck-document-%d.csv", id), "Ministers agreed to start talks."},
		{"ClaimReview", fmt.Sprintf("citecheck-document-%d.claimreview.jsonld", id), `"ClaimReview"`},
	} {
		rita.do("click "+d.button, chromedp.Click(chromedp.CSS(fmt.Sprintf(`.doc-actions a[href$="format=%s"]`, strings.ToLower(d.button)))))
		body := waitForFile(t, filepath.Join(dir, d.file))
		if !strings.Contains(body, d.want) {
			t.Errorf("%s download lacks %q: %.300s", d.button, d.want, body)
		}
	}
	rita.checkNoExceptions()
}

// waitForFile waits until a download has written path and answers its content.
func waitForFile(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return string(b)
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(filepath.Dir(path))
			t.Fatalf("no download at %s (the folder holds %v)", path, entries)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// pdfPage counts the page objects of a PDF that Chromium printed.
var pdfPage = regexp.MustCompile(`/Type\s*/Page\b[^s]`)

func testBrowserReport(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	var text strings.Builder
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&text, "Sentence number %d states a claim about the talks. [%d] ", i, i)
	}
	doc := h.createDocument("rita", "A long report", text.String())
	for i := 1; i <= 60; i += 2 {
		cl := h.claimAt("rita", doc.ID, doc.Text, fmt.Sprintf("Sentence number %d states a claim about the talks.", i), []int{i}, "unverified")
		if i%4 == 1 {
			h.review("ed", cl.ID, map[string]any{"decision": "rejected", "comment": fmt.Sprintf("Check source %d again.", i)})
		}
	}
	ed := newTab(t, browserCtx, h.srv.URL, 90*time.Second)
	ed.login("ed")
	ed.do("the document", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	ed.do("the report link", chromedp.Click(chromedp.CSS(fmt.Sprintf(`.doc-actions a[href="/documents/%d/report"]`, doc.ID))))
	waitAcrossNavigation(ed, "the report", `!!document.getElementById('report-claims')`)
	if n := evalJS[int](ed, "claims", `document.querySelectorAll('#report-claims .report-claim').length`); n != 30 {
		t.Errorf("the report shows %d claims, want 30", n)
	}
	if n := evalJS[int](ed, "uncovered", `document.querySelectorAll('#report-uncovered li').length`); n != 30 {
		t.Errorf("the report lists %d uncovered markers, want 30", n)
	}
	ed.windowScreenshot("report")
	ed.do("print media", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	if shown := evalJS[string](ed, "header in print", `getComputedStyle(document.querySelector('.topbar')).display + ' ' + getComputedStyle(document.querySelector('.report-actions')).display`); shown != "none none" {
		t.Errorf("in print the header and the buttons show: %q", shown)
	}
	ed.windowScreenshot("report-print")
	var pdf []byte
	ed.do("print to PDF", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, cdppage.PrintToPDF, cdppage.PrintToPDFParams{})
		pdf = res.Data
		return err
	}))
	if !strings.HasPrefix(string(pdf), "%PDF") {
		t.Fatalf("PrintToPDF gave %d bytes that are not a PDF", len(pdf))
	}
	if n := len(pdfPage.FindAll(pdf, -1)); n < 3 {
		t.Errorf("the report of 30 claims prints on %d pages, want several", n)
	}
	if dir := os.Getenv("CITECHECK_SCREENSHOTS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "report.pdf"), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ed.do("screen media at 390 px", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return err
	}), chromedp.EmulateViewport(390, 844))
	ed.windowScreenshot("report-390")
	ed.checkNoExceptions()
}
