package handlers

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// testBrowserAccountSessions signs rita in from two browsers (separate cookie jars), lists the
// sessions on the Account page and ends the other one with its End button: the other browser
// is sent to sign in on its next page. It takes the screenshot of the Account page.
func testBrowserAccountSessions(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	laptop := newTab(t, browserCtx, h.srv.URL, 30*time.Second)
	office := newTab(t, browserCtx, h.srv.URL, 30*time.Second)
	office.login("rita")
	laptop.login("rita")
	laptop.do("account page", chromedp.Navigate(h.srv.URL+"/account"), chromedp.WaitVisible(chromedp.ID("session-list")))
	if n := evalJS[int](laptop, "rows", `document.querySelectorAll('#session-list tbody tr').length`); n != 2 {
		t.Fatalf("the Account page lists %d sessions, want 2", n)
	}
	current := evalJS[string](laptop, "current row", `document.querySelector('#session-list tr.current .session-browser').textContent`)
	if want := "Headless Chrome on Linux"; !containsAll(current, want, "this session") {
		t.Errorf("the current row says %q, want %q and 'this session'", current, want)
	}
	laptop.screenshot("account-sessions")

	laptop.do("end the other session",
		chromedp.Click(chromedp.CSS(`#session-list tr:not(.current) button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.banner.flash`)))
	if n := evalJS[int](laptop, "rows after", `document.querySelectorAll('#session-list tbody tr').length`); n != 1 {
		t.Errorf("after ending one the page lists %d sessions, want 1", n)
	}
	office.do("the ended browser's next page", chromedp.Navigate(h.srv.URL+"/account"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)))
	if loc := office.location(); !containsAll(loc, "/login") {
		t.Errorf("the ended browser opened %s", loc)
	}
	laptop.checkNoExceptions()
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
