package handlers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserDesk drives the desk in headless Chromium: an editor assigns a document to a
// checker with a due time, the checker finds it in My work and opens it, the documents list
// sorts and filters by state, checker and due; a checker and an editor discuss a claim in its
// thread, the other sees the comment appear live and then in My work.
func TestBrowserDesk(t *testing.T) {
	browserCtx := startBrowser(t)
	t.Run("AssignMyWorkAndTheList", func(t *testing.T) { testBrowserAssign(t, browserCtx) })
	t.Run("DiscussAClaim", func(t *testing.T) { testBrowserDiscussion(t, browserCtx) })
}

func testBrowserAssign(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Desk talks", reviewText)
	other := h.createDocument("ralph", "Another text", "Nothing cited here.")
	due := time.Now().Add(72 * time.Hour).UTC().Format("2006-01-02T15:04")

	ed := newTab(t, browserCtx, h.srv.URL, 60*time.Second)
	ed.login("ed")
	ed.do("the document", chromedp.Navigate(h.srv.URL+docURL(doc.ID)), chromedp.WaitVisible(chromedp.CSS(`.assign-form`)))
	if got := evalJS[string](ed, "the state", `document.getElementById('doc-state').textContent`); got != "unassigned" {
		t.Fatalf("a new document is %q", got)
	}
	if got := evalJS[string](ed, "what is missing", `document.getElementById('desk-missing').textContent`); !strings.Contains(got, "no claims yet") || !strings.Contains(got, "2 markers uncovered") {
		t.Errorf("missing for approved: %q", got)
	}
	ed.do("assign to rita",
		chromedp.SetValue(chromedp.CSS(`.assign-form select[name=checker]`), "rita"),
		chromedp.SetValue(chromedp.CSS(`.assign-form select[name=editor]`), "ed"),
		chromedp.SetValue(chromedp.CSS(`.assign-form input[name=due_at]`), due),
		chromedp.Click(chromedp.CSS(`.assign-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("assigned")),
	)
	if got := evalJS[string](ed, "the assignment", `document.getElementById('assigned').textContent`); !strings.Contains(got, "rita") || !strings.Contains(got, strings.Replace(due, "T", " ", 1)) {
		t.Fatalf("the page says %q", got)
	}
	ed.screenshot("desk-document-assigned")
	ed.checkNoExceptions()

	rita := newTab(t, browserCtx, h.srv.URL, 60*time.Second)
	rita.login("rita")
	row := fmt.Sprintf("mw-doc-%d", doc.ID)
	rita.do("My work from the navigation", chromedp.Click(chromedp.CSS(`nav a.nav-my-work`)), chromedp.WaitVisible(chromedp.ID(row)))
	if got := evalJS[string](rita, "the assigned row", fmt.Sprintf(`document.getElementById(%q).textContent`, row)); !strings.Contains(got, "Desk talks") || !strings.Contains(got, "in progress") {
		t.Errorf("My work says %q", got)
	}
	rita.screenshot("desk-my-work")
	rita.do("open it", chromedp.Click(chromedp.CSS("#"+row+" a")), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	if loc := rita.location(); !strings.HasSuffix(loc, docURL(doc.ID)+"#assignment") {
		t.Fatalf("opened %s", loc)
	}

	// The list: state, checker and due in columns, sorted by a click on a header, filtered.
	rita.do("the list", chromedp.Navigate(h.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`table.docs`)))
	rows := `[...document.querySelectorAll('table.docs tbody tr')].map(r => r.id).join(',')`
	first, second := fmt.Sprintf("doc-row-%d", doc.ID), fmt.Sprintf("doc-row-%d", other.ID)
	if got := evalJS[string](rita, "newest first", rows); got != second+","+first {
		t.Fatalf("the list's order: %s", got)
	}
	if got := evalJS[string](rita, "the row", fmt.Sprintf(`document.getElementById(%q).textContent`, first)); !strings.Contains(got, "in progress") || !strings.Contains(got, "rita") {
		t.Errorf("the row says %q", got)
	}
	// Each wait is for an element only the new page has: its header links carry the new order.
	rita.do("sort by due", chromedp.Click(chromedp.CSS(`table.docs th a[href*="sort=due"]`)),
		chromedp.WaitReady(chromedp.CSS(`table.docs th a[href="/?order=desc&sort=due"]`)))
	if got := evalJS[string](rita, "sorted by due", rows); got != first+","+second || !strings.Contains(rita.location(), "sort=due") {
		t.Fatalf("sorted by due: %s at %s", got, rita.location())
	}
	rita.do("filter by state",
		chromedp.SetValue(chromedp.CSS(`#docs-filter select[name=state]`), "unassigned"),
		chromedp.Click(chromedp.CSS(`#docs-filter button[type=submit]`)),
		chromedp.WaitReady(chromedp.CSS(`#docs-filter select[name=state] option[value="unassigned"][selected]`)),
	)
	if got := evalJS[string](rita, "filtered", rows); got != second || !strings.Contains(rita.location(), "state=unassigned") {
		t.Fatalf("filtered by state: %s at %s", got, rita.location())
	}
	rita.do("filter by checker",
		chromedp.SetValue(chromedp.CSS(`#docs-filter select[name=state]`), ""),
		chromedp.SetValue(chromedp.CSS(`#docs-filter select[name=checker]`), "rita"),
		chromedp.Click(chromedp.CSS(`#docs-filter button[type=submit]`)),
		chromedp.WaitReady(chromedp.CSS(`#docs-filter select[name=checker] option[value="rita"][selected]`)),
	)
	if got := evalJS[string](rita, "filtered by checker", rows); got != first {
		t.Fatalf("filtered by checker: %s", got)
	}
	rita.do("390 px", chromedp.EmulateViewport(390, 844))
	rita.do("My work at 390 px", chromedp.Navigate(h.srv.URL+"/my"))
	rita.do("its row at 390 px", chromedp.WaitVisible(chromedp.ID(row)))
	if w := evalJS[int](rita, "page width", `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("My work is %d px wide at 390", w)
	}
	rita.screenshot("desk-my-work-390")
	rita.do("list at 390 px", chromedp.Navigate(h.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`table.docs`)))
	if w := evalJS[int](rita, "page width", `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the list is %d px wide at 390 (the table scrolls in its own box)", w)
	}
	rita.screenshot("desk-list-390")
	rita.checkNoExceptions()
}

func testBrowserDiscussion(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Discussed", reviewText)
	cl := h.claimAt("rita", doc.ID, reviewText, "Ministers agreed to start talks.", []int{30, 31}, "unverified")

	rita := newTab(t, browserCtx, h.srv.URL, 60*time.Second)
	rita.login("rita")
	rita.do("rita's claim page", chromedp.Navigate(h.srv.URL+claimURL(cl.ID)), chromedp.WaitVisible(chromedp.ID("discussion")))
	rita.waitJS("the live stream", `window.citecheckLive && window.citecheckLive.readyState === 1`)

	ed := newTab(t, browserCtx, h.srv.URL, 60*time.Second)
	ed.login("ed")
	question := "Which page of [30]? <script>alert(1)</script> — «ça» 👩🏽‍🔬"
	ed.do("ed asks",
		chromedp.Navigate(h.srv.URL+claimURL(cl.ID)),
		chromedp.WaitVisible(chromedp.CSS(`.comment-form textarea`)),
		chromedp.Focus(chromedp.CSS(`.comment-form textarea`)),
		insertText(question),
		chromedp.Click(chromedp.CSS(`.comment-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#comment-list .comment`)),
	)
	if got := evalJS[string](ed, "ed's comment", `document.querySelector('#comment-list .comment-body').textContent`); got != question {
		t.Fatalf("the comment reads %q", got)
	}
	// rita's open page shows it without a reload, the text she is typing left alone.
	rita.do("rita starts typing", chromedp.Focus(chromedp.CSS(`.comment-form textarea`)), insertText("draft"))
	rita.waitJS("the comment live", `document.querySelectorAll('#comment-list .comment').length === 1`)
	if got := evalJS[string](rita, "the draft", `document.querySelector('.comment-form textarea').value`); got != "draft" {
		t.Errorf("the draft became %q", got)
	}
	if n := evalJS[int](rita, "scripts in the thread", `document.querySelectorAll('#discussion script').length`); n != 0 {
		t.Fatalf("the comment's markup ran: %d scripts", n)
	}
	rita.do("rita answers",
		chromedp.SetValue(chromedp.CSS(`.comment-form textarea`), "Page 4, second paragraph."),
		chromedp.Click(chromedp.CSS(`.comment-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#comment-list .comment:nth-child(2)`)),
	)
	rita.screenshot("desk-discussion")
	// ed, who commented, sees rita's answer in My work; once seen it is no longer new.
	ed.do("ed's My work", chromedp.Navigate(h.srv.URL+"/my"), chromedp.WaitVisible(chromedp.ID("my-comments")))
	if got := evalJS[string](ed, "new comments", `document.getElementById('my-comments').textContent`); !strings.Contains(got, "Page 4, second paragraph.") || !strings.Contains(got, "rita") {
		t.Fatalf("ed's new comments: %q", got)
	}
	ed.do("the link to it", chromedp.Click(chromedp.CSS(`#my-comments li a`)), chromedp.WaitVisible(chromedp.ID("discussion")))
	if loc := ed.location(); !strings.Contains(loc, claimURL(cl.ID)+"#comment-") {
		t.Fatalf("the notice opened %s", loc)
	}
	ed.do("My work again", chromedp.Navigate(h.srv.URL+"/my"), chromedp.WaitVisible(chromedp.ID("my-comments")))
	if got := evalJS[string](ed, "no new comments", `document.getElementById('my-comments').textContent`); !strings.Contains(got, "No new comments") {
		t.Fatalf("seen comments are still new: %q", got)
	}
	// rita, the claim's creator, had ed's question waiting, and the panel counts the thread.
	rita.do("rita's My work", chromedp.Navigate(h.srv.URL+"/my"), chromedp.WaitVisible(chromedp.ID("my-comments")))
	if got := evalJS[string](rita, "rita's new comments", `document.getElementById('my-comments').textContent`); !strings.Contains(got, "Which page of [30]?") {
		t.Fatalf("rita's new comments: %q", got)
	}
	rita.do("the panel", chromedp.Navigate(h.srv.URL+docURL(doc.ID)), chromedp.WaitVisible(chromedp.CSS(`.comments-link`)))
	if got := evalJS[string](rita, "the count", `document.querySelector('.comments-link').textContent.trim()`); got != "2 comments" {
		t.Errorf("the panel's link says %q", got)
	}
	rita.checkNoExceptions()
	ed.checkNoExceptions()
}
