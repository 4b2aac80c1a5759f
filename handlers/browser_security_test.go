package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/citecheck/citecheck"
)

// Script payloads that would run, load something or navigate if any page put them in the DOM
// as markup instead of text.
const (
	xssScript   = `<script>alert(1)</script>`
	xssImg      = `<img src=x onerror=alert(2)>`
	xssSVG      = `"><svg onload=alert(3)>`
	xssTextarea = `</textarea><script>alert(4)</script>`
	xssJSURL    = `javascript:alert(5)`
)

// appPath is every path the app's own pages may make the browser fetch: pages, assets, the
// JSON API its script calls, and the favicon Chromium asks for by itself.
var appPath = regexp.MustCompile(`^/(|login|review|documents/\d+|claims/\d+|assets/[\w./-]+|api/v1/[\w./-]+|favicon\.ico)$`)

// testBrowserXSS stores script payloads in every field a user controls (title, text, claim
// notes, review comments, reference entries and a reference URL), opens every page that shows
// them, and checks that they render inert: no JavaScript dialog, no request anywhere but the
// app's own paths on the test server, no injected element or event handler, and the payload
// readable as text.
func testBrowserXSS(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	title := xssScript + " " + xssSVG + " " + xssTextarea
	text := "Opening claim " + xssScript + " is here. [30]\n\n" +
		"An image " + xssImg + " in the text. [31]\n\n" +
		"A quote breaks out " + xssSVG + " and " + xssTextarea + " ends. [32]\n\n" +
		"A link " + xssJSURL + " in prose.\n\n" +
		"References\n30. " + xssImg + " https://example.org/a\n31. " + xssSVG + " https://example.org/b\n32. Plain source\n"
	doc := h.createDocument("rita", title, text)

	claim := func(needle, note string) int64 {
		t.Helper()
		s, e := runeSpan(t, doc.Text, needle)
		r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
			map[string]any{"start": s, "end": e, "refs": []int{30}, "status": "supported", "note": note})
		if r.status != http.StatusCreated {
			t.Fatalf("claim on %q: %d %s", needle, r.status, r.body)
		}
		var c claimJSON
		r.json(t, &c)
		return c.ID
	}
	rejected := claim("Opening claim "+xssScript, xssImg+" "+xssTextarea)
	pending := claim("An image "+xssImg, xssSVG+" "+xssScript)
	claim("A quote breaks out "+xssSVG, xssTextarea)
	const comment = xssImg + " " + xssTextarea + " " + xssSVG
	if r := h.do("POST", fmt.Sprintf("/api/v1/claims/%d/review", rejected), "ed",
		map[string]any{"decision": "rejected", "comment": comment, "version": 1}); r.status != http.StatusOK {
		t.Fatalf("reject: %d %s", r.status, r.body)
	}
	// The API refuses a javascript: reference URL; an entry holding payloads is fine as text.
	refs := fmt.Sprintf("/api/v1/documents/%d/references", doc.ID)
	if r := h.do("POST", refs, "rita", map[string]any{"number": 33, "text": "Bad link", "url": xssJSURL}); r.status < 400 || r.status >= 500 {
		t.Errorf("a javascript: reference URL was answered %d, want a 4xx", r.status)
	}
	if r := h.do("POST", refs, "rita", map[string]any{"number": 33, "text": xssScript + " " + xssTextarea,
		"url": "https://example.org/c"}); r.status != http.StatusCreated {
		t.Fatalf("add reference: %d %s", r.status, r.body)
	}
	// A javascript: URL stored behind the API's back (an older version, a hand edit) must
	// still not become a link.
	d, err := h.st.Document(t.Context(), doc.ID)
	if err != nil || d.References == nil {
		t.Fatalf("document: %v %+v", err, d)
	}
	list := *d.References
	list.Entries = append([]citecheck.Reference(nil), list.Entries...)
	list.Entries = append(list.Entries, citecheck.Reference{Number: 34, Text: "Stored bad link " + xssJSURL, URL: xssJSURL, Manual: true})
	if err := h.st.SetReferences(t.Context(), doc.ID, h.userID("rita"), &list); err != nil {
		t.Fatal(err)
	}

	check := func(who, path string, wantText []string) {
		t.Helper()
		tb := newTab(t, browserCtx, h.srv.URL, 45*time.Second)
		w := watchTab(t, tb)
		tb.login(who)
		tb.do("open "+path, chromedp.Navigate(h.srv.URL+path), chromedp.WaitReady(chromedp.CSS("body")))
		time.Sleep(300 * time.Millisecond) // let late loads (images, scripts) start
		body := evalJS[string](tb, "body text", `document.body.innerText`)
		for _, want := range wantText {
			if !strings.Contains(body, want) {
				t.Errorf("%s as %s: the payload %q is not shown as text", path, who, want)
			}
		}
		bad := evalJS[[]string](tb, "injected elements", `(() => {
			const out = [];
			for (const el of document.querySelectorAll('*')) {
				for (const a of el.attributes) {
					if (/^on/i.test(a.name)) out.push(el.tagName + ' ' + a.name + '=' + a.value);
					if (/^(href|src|action|formaction|xlink:href|data|srcdoc)$/i.test(a.name) && /^\s*(javascript|data|vbscript):/i.test(a.value)) out.push(el.tagName + ' ' + a.name + '=' + a.value);
				}
			}
			for (const s of document.querySelectorAll('script')) {
				if (!s.src || new URL(s.src).origin !== location.origin || !new URL(s.src).pathname.startsWith('/assets/')) out.push('script ' + (s.src || s.textContent.slice(0, 60)));
			}
			for (const s of document.querySelectorAll('svg, iframe, object, embed')) out.push(s.tagName);
			for (const i of document.querySelectorAll('img')) if (new URL(i.src, location.href).origin !== location.origin) out.push('img ' + i.src);
			return out;
		})()`)
		for _, b := range bad {
			t.Errorf("%s as %s: injected markup in the DOM: %s", path, who, b)
		}
		w.check(path + " as " + who)
		tb.checkNoExceptions()
	}
	check("rita", "/", []string{xssScript, xssSVG, xssTextarea})
	check("rita", fmt.Sprintf("/documents/%d", doc.ID), []string{xssScript, xssImg, xssSVG, xssTextarea, xssJSURL, "Stored bad link"})
	check("rita", fmt.Sprintf("/claims/%d", rejected), []string{xssScript, xssImg, xssTextarea, comment})
	check("ed", "/review", []string{xssImg, xssSVG, xssScript})
	check("ed", fmt.Sprintf("/claims/%d", pending), []string{xssImg, xssSVG, xssScript})

	// Control: the watchers do see a dialog and a stray request when there is one, so the
	// silence above means something.
	tb := newTab(t, browserCtx, h.srv.URL, 45*time.Second)
	w := watchTab(t, tb)
	tb.login("rita")
	w.take()
	evalJS[bool](tb, "control", `(() => {
		const i = document.createElement('img'); i.src = '/x-control'; document.body.append(i);
		setTimeout(() => alert('control'), 0);
		return true;
	})()`)
	time.Sleep(300 * time.Millisecond)
	dialogs, requests := w.take()
	if len(dialogs) != 1 || !strings.Contains(strings.Join(requests, " "), "/x-control") {
		t.Errorf("control: the watchers saw dialogs %v and requests %v, want the alert and /x-control", dialogs, requests)
	}
}

// tabWatch records the JavaScript dialogs a tab opens (and dismisses them) and every request
// it sends.
type tabWatch struct {
	t    *testing.T
	host string // host:port of the test server

	mu       sync.Mutex
	dialogs  []string
	requests []string
}

func watchTab(t *testing.T, tb *tab) *tabWatch {
	t.Helper()
	u, _ := url.Parse(tb.base)
	w := &tabWatch{t: t, host: u.Host}
	if err := chromedp.Do(tb.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{})
		return err
	})); err != nil {
		t.Fatalf("enable network events: %v", err)
	}
	dialogs := chromedp.Events(tb.ctx, cdppage.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			w.mu.Lock()
			w.dialogs = append(w.dialogs, fmt.Sprintf("%s: %q", ev.Type, ev.Message))
			w.mu.Unlock()
			// Dismiss it, or the page would wait for an answer for ever.
			chromedp.Do(tb.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
				return err
			}))
		}
	}()
	if err := chromedp.Listen(tb.ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok && e.Request != nil {
			w.mu.Lock()
			w.requests = append(w.requests, e.Request.URL)
			w.mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("listen: %v", err)
	}
	return w
}

// take answers and forgets what was seen so far.
func (w *tabWatch) take() (dialogs, requests []string) {
	time.Sleep(100 * time.Millisecond) // let the last events arrive
	w.mu.Lock()
	defer w.mu.Unlock()
	dialogs, requests = w.dialogs, w.requests
	w.dialogs, w.requests = nil, nil
	return dialogs, requests
}

// check fails the test for any dialog and any request off the app's own paths on its server.
func (w *tabWatch) check(what string) {
	w.t.Helper()
	dialogs, requests := w.take()
	for _, d := range dialogs {
		w.t.Errorf("%s: a JavaScript dialog opened: %s", what, d)
	}
	if len(requests) == 0 {
		w.t.Errorf("%s: no request seen; is the network listener working?", what)
	}
	for _, raw := range requests {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "http" || u.Host != w.host || !appPath.MatchString(u.Path) {
			w.t.Errorf("%s: the page fired a request to an unexpected URL %s", what, raw)
		}
	}
	w.t.Logf("%s: %d requests checked", what, len(requests))
}
