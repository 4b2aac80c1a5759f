package handlers

// The browser benchmark of a big document: what a user in headless Chromium sees on a 1 MB text
// with 5,000 claims, each figure beside its baseline measured in the same run:
//
//	make bench-browser    (go test -run '^$' -bench BrowserPage -benchtime 1x ./handlers/)
//
// It is a go test benchmark, not a command under cmd/, because it drives the real router on a
// real SQLite file with the harness, the generators and the Chromium helpers that the tests
// already have; a command would need copies of them. It prints a table and reports each figure
// as a benchmark metric; it asserts nothing about speed.

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/performance"
	"github.com/chromedp/chromedp"

	"github.com/citecheck/citecheck"
)

// benchReps is how many times each load is measured; the median is reported.
const benchReps = 3

// loadFigures is what one page load costs in the browser.
type loadFigures struct {
	LoadMS   float64 `json:"load"`     // navigation start to the first frame rendered after the load event
	EventMS  float64 `json:"event"`    // navigation start to the end of the load event
	Elements int     `json:"elements"` // elements in the page
	Bytes    int     `json:"bytes"`    // the HTML, decoded
	Transfer int     `json:"transfer"` // the HTML as it came over the wire
	FirstMS  float64 `json:"first"`    // navigation start to the first byte of the HTML (the server's work)
	LastMS   float64 `json:"last"`     // navigation start to the last byte of the HTML
	ParsedMS float64 `json:"parsed"`   // navigation start to the HTML parsed (domInteractive)
	LayoutMS float64 `json:"-"`        // Chromium's LayoutDuration during the load
	StyleMS  float64 `json:"-"`        // Chromium's RecalcStyleDuration during the load
	ScriptMS float64 `json:"-"`        // Chromium's ScriptDuration during the load
}

// frameFigures are the frame intervals while the page scrolls.
type frameFigures struct {
	P95      float64 `json:"p95"`
	Worst    float64 `json:"worst"`
	N        int     `json:"n"`
	Requests int     `json:"requests"` // requests the page made meanwhile
	BusyMS   float64 `json:"-"`        // Chromium's TaskDuration meanwhile: the main thread's work

	JumpWorst float64 `json:"-"` // the longest frame from the jump to the middle until the page settled
}

// saveFigures is one save from the popup until the new highlight is in the text.
type saveFigures struct {
	MS       float64 `json:"ms"`
	Requests int     `json:"requests"`
	Biggest  int     `json:"biggest"` // the largest response body of the save, decoded
	Total    int     `json:"total"`   // all response bodies of the save, decoded
	Error    string  `json:"error"`
}

func BenchmarkBrowserPage(b *testing.B) {
	h := newHarness(b, Config{})
	doc, _ := hotDocument(b, h, 1<<20, 5000)
	bare := h.createDocument("rita", "no claims", doc.Text)
	plain := httptest.NewServer(plainTextPage(doc.Text))
	b.Cleanup(plain.Close)
	browserCtx := startBrowser(b)

	for b.Loop() {
		tb := newTab(b, browserCtx, h.srv.URL, 10*time.Minute)
		tb.login("rita")
		tb.do("performance metrics", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			if _, err := cdp.Call(ctx, t, performance.Enable, performance.EnableParams{}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, t, cdppage.AddScriptToEvaluateOnNewDocument,
				cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: renderedAfterLoad})
			return err
		}))
		pages := []struct{ name, url string }{
			{"claims", fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)},
			{"no-claims", fmt.Sprintf("%s/documents/%d", h.srv.URL, bare.ID)},
			{"plain", plain.URL},
		}
		loads := map[string][]loadFigures{}
		for range benchReps {
			for _, p := range pages {
				loads[p.name] = append(loads[p.name], measureLoad(tb, p.url))
			}
		}
		scroll := map[string]frameFigures{}
		for _, p := range pages {
			measureLoad(tb, p.url)
			scroll[p.name] = measureScroll(tb)
		}
		popup := map[string][]float64{}
		saves := map[string][]saveFigures{}
		for _, p := range pages[:2] {
			measureLoad(tb, p.url)
			for i := range benchReps {
				popup[p.name] = append(popup[p.name], measurePopup(tb, 100+i))
				saves[p.name] = append(saves[p.name], measureSave(tb, h, 100+i))
			}
		}
		printBrowserFigures(b, loads, scroll, popup, saves)
	}
}

// plainTextPage serves the text as one escaped node, styled as the document text is: the floor
// of any page that shows it.
func plainTextPage(text string) http.Handler {
	page := `<!doctype html><html><head><meta charset="utf-8"><title>plain</title>` +
		`<style>body{font-family:system-ui,sans-serif;margin:2rem}` +
		`div{white-space:pre-wrap;overflow-wrap:break-word;max-width:70ch;font-size:1.05rem;line-height:1.75}</style>` +
		`</head><body><div id="doc-text">` + html.EscapeString(text) + `</div></body></html>`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprint(w, page)
	})
}

// renderedAfterLoad runs in every page before its own scripts: it notes when the first frame
// after the load event is done. A page's load event may come before its text is laid out (the
// plain page's does), so the load figure is this one: the page loaded and shown.
const renderedAfterLoad = `window.addEventListener('load', () => requestAnimationFrame(() => setTimeout(() => {
	window.__rendered = performance.now();
}, 0)));`

// measureLoad opens url and answers the load figures of that navigation.
func measureLoad(tb *tab, url string) loadFigures {
	tb.t.Helper()
	tb.do("open "+url, chromedp.Navigate(url))
	tb.waitJS("the first frame after the load event", `window.__rendered > 0`)
	f := evalJS[loadFigures](tb, "load figures", `(() => {
		const n = performance.getEntriesByType('navigation')[0];
		return { load: window.__rendered, event: n.loadEventEnd, elements: document.getElementsByTagName('*').length,
			bytes: n.decodedBodySize, transfer: n.transferSize,
			first: n.responseStart, last: n.responseEnd, parsed: n.domInteractive };
	})()`)
	m := chromiumMetrics(tb)
	f.LayoutMS, f.StyleMS, f.ScriptMS = m["LayoutDuration"]*1000, m["RecalcStyleDuration"]*1000, m["ScriptDuration"]*1000
	return f
}

// chromiumMetrics are Chromium's performance metrics of the page since it was opened (the
// durations in seconds), by name.
func chromiumMetrics(tb *tab) map[string]float64 {
	tb.t.Helper()
	out := map[string]float64{}
	tb.do("performance metrics", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		res, err := cdp.Call(ctx, t, performance.GetMetrics, cdp.Empty{})
		if err != nil {
			return err
		}
		for _, m := range res.Metrics {
			out[m.Name] = m.Value
		}
		return nil
	}))
	return out
}

// measureScroll jumps to the middle of the page, lets the page settle there, then turns the
// mouse wheel 20 steps down over the text, the pointer moving a little before each step as a
// reader's hand does (so hover labels come and go), and answers the intervals between the
// frames meanwhile, with the main thread's busy time and the requests made; and apart, the
// longest frame of the jump and the settling after it.
//
// The page settles first because the side panel follows the jump: it asks the server for the
// panel's page at the new reading position and swaps it in once the scroll stops. That is the
// cost of a jump, not of the wheel steps; with a fixed pause (300 ms, as before) it landed in
// the wheel steps' frames whenever a loaded machine made the request slow.
func measureScroll(tb *tab) frameFigures {
	tb.t.Helper()
	slowCPU(tb, benchCPUSlowdown())
	jump := evalJS[float64](tb, "to the middle", `(async () => {
		for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
		let worst = 0, last = performance.now(), recording = true;
		const tick = (t) => { worst = Math.max(worst, t - last); last = t; if (recording) requestAnimationFrame(tick); };
		requestAnimationFrame(tick);
		window.scrollTo(0, document.documentElement.scrollHeight / 2);
		for (let quiet = 0, waited = 0; quiet < 3 || waited < 1000; waited += 200) {
			await new Promise((r) => setTimeout(r, 200));
			quiet = document.querySelector('#claims-panel[aria-busy="true"]') ? 0 : quiet + 1;
		}
		recording = false;
		return worst;
	})()`)
	before := chromiumMetrics(tb)
	evalJS[bool](tb, "record the frames", `(() => {
		window.__frames = [];
		window.__scrollFrom = performance.now();
		let last = performance.now();
		window.__recording = true;
		const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__recording) requestAnimationFrame(tick); };
		requestAnimationFrame(tick);
		return true;
	})()`)
	for i := range 20 {
		tb.do("wheel", pointerAt(float64(300+i%2*4), 400, 0), pointerAt(300, 400, 300))
	}
	f := evalJS[frameFigures](tb, "frames", `(async () => {
		let y = -1;
		while (y !== window.scrollY) { y = window.scrollY; for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r)); }
		window.__recording = false;
		const f = window.__frames.slice(1).sort((a, b) => a - b);
		const requests = performance.getEntriesByType('resource').filter((e) => e.startTime >= window.__scrollFrom).length;
		return { p95: f[Math.min(f.length - 1, Math.floor(f.length * 0.95))], worst: f[f.length - 1], n: f.length, requests };
	})()`)
	after := chromiumMetrics(tb)
	slowCPU(tb, 1)
	f.BusyMS = (after["TaskDuration"] - before["TaskDuration"]) * 1000
	f.JumpWorst = jump
	return f
}

// pointerAt moves the mouse pointer to x, y in the window, and turns the wheel dy pixels there
// unless dy is 0.
func pointerAt(x, y, dy float64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		p := input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: x, Y: y}
		if dy != 0 {
			p.Type = input.DispatchMouseEventTypeMouseWheel
			p.DeltaY, p.DeltaX = dy, 1e-6 // the protocol wants both deltas, and the struct drops a zero
		}
		_, err := cdp.Call(ctx, t, input.DispatchMouseEvent, p)
		return err
	})
}

// benchCPUSlowdown is CITECHECK_BENCH_CPU_SLOWDOWN, how many times Chromium slows its CPU down
// while the wheel turns (1, the default, is not at all): a slow or loaded machine, reproduced
// on a quiet one, the same for every page of the run.
func benchCPUSlowdown() float64 {
	rate, err := strconv.ParseFloat(os.Getenv("CITECHECK_BENCH_CPU_SLOWDOWN"), 64)
	if err != nil || rate < 1 {
		return 1
	}
	return rate
}

// slowCPU makes the tab's CPU rate times slower (1 is full speed).
func slowCPU(tb *tab, rate float64) {
	tb.t.Helper()
	tb.do("CPU throttling", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: rate})
		return err
	}))
}

// selectInText selects the nth occurrence of needle in #doc-text, as selectTextJS does, but
// leaves the mouseup to the caller: it answers the element to dispatch it on.
const selectInText = `(needle, nth) => {
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
  return () => e.n.parentNode.dispatchEvent(new MouseEvent('mouseup', opts));
}`

// showInText scrolls the nth occurrence of needle in #doc-text into view, as selectInText does,
// and waits until the blocks on screen have their runs: a big document's page fetches them for
// the lazy blocks that near the screen (lazyblocks.go), and a reader sees the text before
// selecting in it.
const showInText = `async (needle, nth) => {
  const root = document.getElementById('doc-text');
  const all = root.textContent;
  let at = -1;
  for (let i = 0; i <= nth; i++) at = all.indexOf(needle, at + 1);
  if (at < 0) throw new Error('not in #doc-text: ' + needle);
  const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n, base = 0; (n = w.nextNode()); base += n.data.length) {
    if (at < base + n.data.length) { n.parentNode.scrollIntoView({ block: 'center' }); break; }
  }
  const lazyOnScreen = () => [...root.querySelectorAll('.blk[data-lazy]')].some((b) => {
    const r = b.getBoundingClientRect();
    return r.bottom > 0 && r.top < innerHeight;
  });
  for (const t0 = performance.now(); lazyOnScreen(); ) {
    if (performance.now() - t0 > 10000) throw new Error('the blocks on screen got no runs in 10 s');
    await new Promise((r) => setTimeout(r, 10));
  }
  for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
  return true;
}`

// benchNeedle is a sentence of the sample, selected deep in the text.
const benchNeedle = "Before the war, many in Daraa relied on transport and trade services between Syria and Jordan to support themselves."

// measurePopup selects the nth occurrence of a sentence and answers the milliseconds from the
// mouseup to the frame that shows the claim form.
func measurePopup(tb *tab, nth int) float64 {
	tb.t.Helper()
	evalJS[bool](tb, "close the form", `(() => { const f = document.getElementById('claim-form'); if (!f.hidden) f.querySelector('.cancel').click(); return true; })()`)
	evalJS[bool](tb, "show the sentence", `(`+showInText+`)(`+jsArgs(benchNeedle, nth)+`)`)
	return evalJS[float64](tb, "selection to popup", `(async () => {
		const release = (`+selectInText+`)(`+jsArgs(benchNeedle, nth)+`);
		const form = document.getElementById('claim-form');
		for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
		const shown = new Promise((resolve) => {
			const mo = new MutationObserver(() => { if (!form.hidden && form.elements.end.value !== '') { mo.disconnect(); resolve(); } });
			mo.observe(form, { attributes: true, subtree: true, attributeFilter: ['hidden', 'style'] });
		});
		const t0 = performance.now();
		release();
		await shown;
		await new Promise((r) => requestAnimationFrame(r));
		return performance.now() - t0;
	})()`)
}

// measureSave saves the open popup as a claim and answers the time until a highlight of the new
// claim is in the text, with the bytes of every request made meanwhile.
func measureSave(tb *tab, h *harness, nth int) saveFigures {
	tb.t.Helper()
	var maxID int64
	docID := evalJS[int64](tb, "document id", `+document.getElementById('doc-text').dataset.docId`)
	claims, err := h.st.Claims(context.Background(), docID, citecheck.ClaimFilter{})
	if err != nil {
		tb.t.Fatal(err)
	}
	for _, cl := range claims {
		maxID = max(maxID, cl.ID)
	}
	return evalJS[saveFigures](tb, "save to highlight", `(async (maxID) => {
		const form = document.getElementById('claim-form');
		if (form.hidden) return { error: 'the claim form is not open' };
		form.elements.status.value = 'supported';
		const isNew = (el) => el.nodeType === 1 && [el, ...el.querySelectorAll('[data-claims]')].some((s) =>
			(s.dataset.claims || '').split(' ').some((id) => +id > maxID));
		const shown = new Promise((resolve) => {
			const mo = new MutationObserver((records) => {
				if (records.some((r) => [...r.addedNodes].some(isNew))) { mo.disconnect(); resolve(); }
			});
			mo.observe(document.body, { childList: true, subtree: true });
		});
		performance.setResourceTimingBufferSize(10000);
		performance.clearResourceTimings();
		const t0 = performance.now();
		form.requestSubmit();
		const timeout = new Promise((r) => setTimeout(() => r('timeout'), 60000));
		if (await Promise.race([shown, timeout]) === 'timeout') return { error: 'no new highlight after 60 s: ' + form.querySelector('.form-error').textContent };
		await new Promise((r) => requestAnimationFrame(r));
		const ms = performance.now() - t0;
		const res = performance.getEntriesByType('resource').filter((e) => e.startTime >= t0 - 1);
		return { ms, requests: res.length, biggest: Math.max(0, ...res.map((e) => e.decodedBodySize)),
			total: res.reduce((n, e) => n + e.decodedBodySize, 0) };
	})(`+jsArgs(maxID)+`)`)
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func medianOf[T any](xs []T, f func(T) float64) float64 {
	v := make([]float64, len(xs))
	for i, x := range xs {
		v[i] = f(x)
	}
	return median(v)
}

// printBrowserFigures writes the table of figures with their ratios and reports them as metrics.
func printBrowserFigures(b *testing.B, loads map[string][]loadFigures, scroll map[string]frameFigures,
	popup map[string][]float64, saves map[string][]saveFigures) {
	for _, s := range saves["claims"] {
		if s.Error != "" {
			b.Fatalf("save: %s", s.Error)
		}
	}
	load := func(name string, f func(loadFigures) float64) float64 { return medianOf(loads[name], f) }
	ms := func(l loadFigures) float64 { return l.LoadMS }
	var w strings.Builder
	fmt.Fprintf(&w, "\nBrowser figures, 1 MB text, 5,000 claims (median of %d; same run, same Chromium):\n", benchReps)
	if r := benchCPUSlowdown(); r > 1 {
		fmt.Fprintf(&w, "(the scroll with Chromium's CPU %gx slower, CITECHECK_BENCH_CPU_SLOWDOWN)\n", r)
	}
	fmt.Fprintf(&w, "%-34s %14s %14s %14s %8s\n", "figure", "5,000 claims", "no claims", "plain text", "ratio")
	row := func(what string, v, noClaims, plain, base float64, unit string) {
		cell := func(x float64) string {
			if x < 0 {
				return "-"
			}
			return fmt.Sprintf("%.1f %s", x, unit)
		}
		fmt.Fprintf(&w, "%-34s %14s %14s %14s %7.2fx\n", what, cell(v), cell(noClaims), cell(plain), v/base)
	}
	lc, ln, lp := load("claims", ms), load("no-claims", ms), load("plain", ms)
	row("page load, shown (vs plain)", lc, ln, lp, lp, "ms")
	ev := func(l loadFigures) float64 { return l.EventMS }
	row("load event (vs plain)", load("claims", ev), load("no-claims", ev), load("plain", ev), load("plain", ev), "ms")
	el := func(l loadFigures) float64 { return float64(l.Elements) }
	row("elements (vs plain)", load("claims", el), load("no-claims", el), load("plain", el), load("plain", el), "")
	for _, part := range []struct {
		what string
		f    func(loadFigures) float64
	}{
		{"first byte of the HTML (vs plain)", func(l loadFigures) float64 { return l.FirstMS }},
		{"last byte of the HTML (vs plain)", func(l loadFigures) float64 { return l.LastMS }},
		{"HTML parsed (vs plain)", func(l loadFigures) float64 { return l.ParsedMS }},
		{"layout during load (vs plain)", func(l loadFigures) float64 { return l.LayoutMS }},
		{"style during load (vs plain)", func(l loadFigures) float64 { return l.StyleMS }},
		{"script during load (vs plain)", func(l loadFigures) float64 { return l.ScriptMS }},
	} {
		row(part.what, load("claims", part.f), load("no-claims", part.f), load("plain", part.f), load("plain", part.f), "ms")
	}
	kb := func(l loadFigures) float64 { return float64(l.Bytes) / 1024 }
	row("HTML decoded (vs plain)", load("claims", kb), load("no-claims", kb), load("plain", kb), load("plain", kb), "KB")
	tkb := func(l loadFigures) float64 { return float64(l.Transfer) / 1024 }
	row("HTML transferred (vs plain)", load("claims", tkb), load("no-claims", tkb), load("plain", tkb), load("plain", tkb), "KB")
	row("scroll frame p95 (vs no claims)", scroll["claims"].P95, scroll["no-claims"].P95, scroll["plain"].P95, scroll["no-claims"].P95, "ms")
	row("scroll worst frame (vs no claims)", scroll["claims"].Worst, scroll["no-claims"].Worst, scroll["plain"].Worst, scroll["no-claims"].Worst, "ms")
	jw := func(p string) float64 { return scroll[p].JumpWorst }
	row("jump to the middle: worst frame", jw("claims"), jw("no-claims"), jw("plain"), jw("no-claims"), "ms")
	busy := func(p string) float64 { return scroll[p].BusyMS }
	row("scroll: main thread busy (vs no c.)", busy("claims"), busy("no-claims"), busy("plain"), busy("no-claims"), "ms")
	reqs := func(p string) float64 { return float64(scroll[p].Requests) }
	row("scroll: requests (vs no claims)", reqs("claims"), reqs("no-claims"), reqs("plain"), max(1, reqs("no-claims")), "")
	pc, pn := median(popup["claims"]), median(popup["no-claims"])
	row("selection to popup (vs no claims)", pc, pn, -1, pn, "ms")
	sms := func(s saveFigures) float64 { return s.MS }
	sc, sn := medianOf(saves["claims"], sms), medianOf(saves["no-claims"], sms)
	row("save to highlight (vs no claims)", sc, sn, -1, sn, "ms")
	big := func(s saveFigures) float64 { return float64(s.Biggest) / 1024 }
	bc, bn := medianOf(saves["claims"], big), medianOf(saves["no-claims"], big)
	row("save: biggest response", bc, bn, -1, bn, "KB")
	tot := func(s saveFigures) float64 { return float64(s.Total) / 1024 }
	row("save: all responses", medianOf(saves["claims"], tot), medianOf(saves["no-claims"], tot), -1, medianOf(saves["no-claims"], tot), "KB")
	fmt.Fprint(os.Stdout, w.String())

	b.ReportMetric(lc, "load-ms")
	b.ReportMetric(lc/lp, "load/plain")
	b.ReportMetric(scroll["claims"].P95, "scroll-p95-ms")
	b.ReportMetric(scroll["claims"].P95/scroll["no-claims"].P95, "p95/no-claims")
	b.ReportMetric(busy("claims")/busy("no-claims"), "scroll-busy/no-claims")
	b.ReportMetric(pc, "popup-ms")
	b.ReportMetric(sc, "save-ms")
	b.ReportMetric(bc, "save-max-KB")
}
