package handlers

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// chromiumPath is where CI installs Debian's chromium package.
const chromiumPath = "/usr/bin/chromium"

// startBrowser starts one headless Chromium for a whole test and answers a context bound to it.
// Tabs made with newTab share this browser but not its cookies.
func startBrowser(t testing.TB) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("browser tests need Chromium at %s (apt-get install -y chromium): %v", chromiumPath, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "chromium-profile")),
		chromedp.WindowSize(1280, 800),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	// Start the browser with a bounded wait, but without binding its life to that timeout.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(browserCtx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("start %s: %v", chromiumPath, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("start %s: no answer after 30 s", chromiumPath)
	}
	return browserCtx
}

// tab is one browser tab in its own browser context (own cookies), with a deadline.
type tab struct {
	t    testing.TB
	ctx  context.Context
	base string // the test server's URL

	mu         sync.Mutex
	exceptions []string
}

func newTab(t testing.TB, browserCtx context.Context, base string, timeout time.Duration) *tab {
	t.Helper()
	tabCtx, cancelTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelTab)
	// Open the tab with a bounded wait, but no deadline on its life.
	opened := make(chan error, 1)
	go func() { opened <- chromedp.Do(tabCtx) }()
	select {
	case err := <-opened:
		if err != nil {
			t.Fatalf("open tab: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("open tab: no answer after 20 s")
	}
	ctx, cancel := context.WithTimeout(tabCtx, timeout)
	t.Cleanup(cancel)
	tb := &tab{t: t, ctx: ctx, base: base}
	messages := chromedp.Console(tabCtx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() {
				tb.mu.Lock()
				tb.exceptions = append(tb.exceptions, m.String())
				tb.mu.Unlock()
			}
		}
	}()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatalf("viewport: %v", err)
	}
	return tb
}

// do runs actions and fails the test with what was being done.
func (tb *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
}

// click clicks the element that css selects, as a user would (chromedp.Click: the mouse at its
// place). A page that live.js keeps in step may swap the element for a fresh copy between
// chromedp's query for it and the click ("Could not find node"); then the click is tried again
// on the copy, as a user's next click would land on it.
func (tb *tab) click(what, css string) {
	tb.t.Helper()
	var err error
	for range 5 {
		if err = chromedp.Do(tb.ctx, chromedp.Click(chromedp.CSS(css))); err == nil || !strings.Contains(err.Error(), "Could not find node") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression (awaiting a promise) and decodes its value into T.
func evalJS[T any](tb *tab, what, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("%s: %v\n(expression: %.300s)", what, err, expr)
	}
	return v
}

// waitJS polls a JavaScript expression until it is truthy.
func (tb *tab) waitJS(what, expr string) {
	tb.t.Helper()
	_, err := chromedp.Run(tb.ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(20*time.Millisecond)))
	if err != nil {
		tb.t.Fatalf("waiting for %s: %v (page: %s)", what, err, tb.location())
	}
}

func (tb *tab) location() string {
	loc, err := chromedp.Run(tb.ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return loc
}

// checkNoExceptions fails the test if the page threw an uncaught exception.
func (tb *tab) checkNoExceptions() {
	tb.t.Helper()
	time.Sleep(50 * time.Millisecond) // let the console events arrive
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, e := range tb.exceptions {
		tb.t.Errorf("uncaught exception in the page: %s", e)
	}
}

// waitClaimForm waits until the claim form is open beside a selection and the server's
// suggestion (quote, refs) is in it: the form opens at once, marked aria-busy until then.
func (tb *tab) waitClaimForm(what string) {
	tb.t.Helper()
	tb.do(what, chromedp.WaitVisible(chromedp.ID("claim-form")))
	tb.waitJS(what+": the suggestion", `!document.getElementById('claim-form').hasAttribute('aria-busy')`)
}

// login signs in through the real /login form.
func (tb *tab) login(name string) {
	tb.t.Helper()
	tb.do("open /", chromedp.Navigate(tb.base+"/"))
	if loc := tb.location(); !strings.Contains(loc, "/login") {
		tb.t.Fatalf("a signed-out visit to / should end on /login, got %s", loc)
	}
	tb.do("sign in",
		chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.topbar .user-name`)),
	)
	if got := evalJS[string](tb, "user name", `document.querySelector('.topbar .user-name').textContent`); got != name {
		tb.t.Fatalf("signed in as %q, want %q", got, name)
	}
}

// insertText types text into the focused element the way a paste does (one input event).
func insertText(text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: text})
		return err
	})
}

// screenshot writes a full-page PNG into $CITECHECK_SCREENSHOTS, if set; it always takes it.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	tb.saveScreenshot(name, chromedp.FullScreenshot(100))
}

// windowScreenshot is screenshot of what the window shows: a big document's full page would be
// hundreds of thousands of pixels high.
func (tb *tab) windowScreenshot(name string) {
	tb.t.Helper()
	tb.saveScreenshot(name, chromedp.CaptureScreenshot())
}

func (tb *tab) saveScreenshot(name string, shot chromedp.Action[[]byte]) {
	tb.t.Helper()
	buf, err := chromedp.Run(tb.ctx, shot)
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	if len(buf) < 8 || string(buf[1:4]) != "PNG" {
		tb.t.Fatalf("screenshot %s is not a PNG", name)
	}
	dir := os.Getenv("CITECHECK_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot: %s", path)
}

// jsArgs encodes Go values as JavaScript literals for a call expression.
func jsArgs(args ...any) string {
	parts := make([]string, len(args))
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			panic(err)
		}
		parts[i] = string(b)
	}
	return strings.Join(parts, ", ")
}

// selectionResult is what selectTextJS reports about the selection it made.
type selectionResult struct {
	Text      string  `json:"text"`      // window.getSelection().toString()
	RangeText string  `json:"rangeText"` // range.toString()
	ScrollY   float64 `json:"scrollY"`
	Nodes     int     `json:"nodes"` // how many run text nodes the range touches
}

// selectTextJS selects the nth (from 0) occurrence of needle in #doc-text with a DOM Range over
// the real run text nodes, scrolls it to the middle of the window, and ends the selection the way
// a mouse does: mousedown where it starts, mouseup where it ends, both on the text.
const selectTextJS = `(function (needle, nth) {
  const root = document.getElementById('doc-text');
  const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let all = '';
  for (let n; (n = w.nextNode()); ) { nodes.push({ n, base: all.length }); all += n.data; }
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = all.indexOf(needle, at + 1);
    if (at < 0) throw new Error('not in #doc-text: ' + needle);
  }
  const end = at + needle.length;
  // The start lies in the node holding the first selected character, the end in the node
  // holding the last one, so a range never begins or ends on a node boundary by accident.
  const s = nodes.find(({ n, base }) => at >= base && at < base + n.data.length);
  const e = nodes.find(({ n, base }) => end > base && end <= base + n.data.length);
  const range = document.createRange();
  range.setStart(s.n, at - s.base);
  range.setEnd(e.n, end - e.base);
  s.n.parentNode.scrollIntoView({ block: 'center' });
  const sel = window.getSelection();
  sel.removeAllRanges();
  const opts = { bubbles: true, cancelable: true, view: window, button: 0 };
  s.n.parentNode.dispatchEvent(new MouseEvent('mousedown', opts));
  sel.addRange(range);
  e.n.parentNode.dispatchEvent(new MouseEvent('mouseup', opts));
  return {
    text: sel.toString(),
    rangeText: range.toString(),
    scrollY: window.scrollY,
    nodes: nodes.filter(({ n }) => range.intersectsNode(n)).length,
  };
})`

// claimJSON is the part of an API claim the browser tests look at.
type claimJSON struct {
	ID     int64  `json:"id"`
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Quote  string `json:"quote"`
	Refs   []int  `json:"refs"`
	Status string `json:"status"`
	Note   string `json:"note"`
}

// runeSpan finds needle in text and answers its code point span.
func runeSpan(t *testing.T, text, needle string) (int, int) {
	t.Helper()
	i := strings.Index(text, needle)
	if i < 0 {
		t.Fatalf("%q is not in the text", needle)
	}
	start := len([]rune(text[:i]))
	return start, start + len([]rune(needle))
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// appReady waits until app.js has set up its listeners (it marks the page last): a drag made
// before that, while the module was still loading under load, selected nothing.
var appReady = chromedp.WaitReady(`html[data-app="ready"]`)
