package handlers

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserEditor runs the claim editor's browser tests (issue 13) on one headless Chromium.
func TestBrowserEditor(t *testing.T) {
	browserCtx := startBrowser(t)
	t.Run("ForwardDragFromHighlightStart", func(t *testing.T) { testBrowserForwardDrag(t, browserCtx) })
	t.Run("ChangeSpan", func(t *testing.T) { testBrowserChangeSpan(t, browserCtx) })
	t.Run("Snapping", func(t *testing.T) { testBrowserSnapping(t, browserCtx) })
	t.Run("DuplicateWarning", func(t *testing.T) { testBrowserDuplicateWarning(t, browserCtx) })
	t.Run("KeyboardOnly", func(t *testing.T) { testBrowserKeyboardOnly(t, browserCtx) })
	t.Run("TouchSelection", func(t *testing.T) { testBrowserTouchSelection(t, browserCtx) })
	t.Run("Narrow390", func(t *testing.T) { testBrowserNarrow(t, browserCtx) })
}

// charPointJS answers the window coordinates of the left edge (or, with atEnd, the right edge)
// of the nth occurrence of needle's first (last) character in #doc-text, scrolled into view.
const charPointJS = `(function (needle, nth, atEnd) {
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
  const i = atEnd ? at + needle.length - 1 : at;
  const s = nodes.find(({ n, base }) => i >= base && i < base + n.data.length);
  const r = document.createRange();
  r.setStart(s.n, i - s.base);
  r.setEnd(s.n, i - s.base + 1);
  s.n.parentNode.scrollIntoView({ block: 'center' });
  const b = r.getBoundingClientRect();
  return { x: atEnd ? b.right - 1 : b.left + 1, y: b.top + b.height / 2 };
})`

type point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// mouseDrag drags with the real mouse (CDP input events) from one point to another.
func (tb *tab) mouseDrag(what string, from, to point) {
	tb.t.Helper()
	acts := []chromedp.Action[chromedp.Void]{
		chromedp.MouseEvent(chromedp.MouseMoved, from.X, from.Y),
		chromedp.MouseEvent(chromedp.MousePressed, from.X, from.Y, chromedp.ButtonLeft, chromedp.ClickCount(1)),
	}
	for i := 1; i <= 8; i++ {
		f := float64(i) / 8
		acts = append(acts, chromedp.MouseEvent(chromedp.MouseMoved, from.X+(to.X-from.X)*f, from.Y+(to.Y-from.Y)*f, chromedp.ButtonLeft))
	}
	acts = append(acts, chromedp.MouseEvent(chromedp.MouseReleased, to.X, to.Y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	tb.do(what, acts...)
}

func testBrowserForwardDrag(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Syria talks sample", browserText)
	const sentence = "Ministers agreed that the Syrian government and the opposition should start political talks."
	start, end := runeSpan(t, browserText, sentence)
	r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
		map[string]any{"start": start, "end": end, "refs": []int{30, 31}})
	if r.status != http.StatusCreated {
		t.Fatalf("create claim: %d %s", r.status, r.body)
	}
	tb := newTab(t, browserCtx, h.srv.URL, 45*time.Second)
	tb.login("rita")
	tb.do("document page", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	from := evalJS[point](tb, "first char", charPointJS+"("+jsArgs(sentence, 0, false)+")")
	to := evalJS[point](tb, "end of Syrian", charPointJS+"("+jsArgs("Ministers agreed that the Syrian", 0, true)+")")
	// The selection as the drag ends: right after, the popup opens and takes the focus (and with
	// it the document's selection) into its first field.
	evalJS[bool](tb, "watch the release", `(document.addEventListener('mouseup', () => { window.dragSelection = String(window.getSelection()); }, { capture: true, once: true }), true)`)
	tb.mouseDrag("drag forward from the highlight's first character", from, to)
	const nested = "Ministers agreed that the Syrian"
	if got := evalJS[string](tb, "selection", `window.dragSelection`); got != nested {
		t.Fatalf("a forward drag from the first character of a highlight selected %q, want %q", got, nested)
	}
	tb.waitClaimForm("the popup after the drag")
	tb.click("save the nested claim", `#claim-form button[type=submit]`)
	tb.waitJS("the nested claim in the panel", `document.querySelectorAll('#claims-panel li.claim').length === 2`)
	var list struct {
		Claims []claimJSON `json:"claims"`
	}
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", nil).json(t, &list)
	if len(list.Claims) != 2 || list.Claims[0].Start != start || list.Claims[1].Start != start {
		t.Fatalf("claims after the drag: %+v, want two starting at %d", list.Claims, start)
	}
	quotes := []string{list.Claims[0].Quote, list.Claims[1].Quote}
	if !slices.Contains(quotes, nested) {
		t.Errorf("no nested claim %q among %q", nested, quotes)
	}

	// The text itself is focusable (one tab stop): a drag from its very first character works too.
	tb.do("close", chromedp.KeyEvent(kbEscape))
	from = evalJS[point](tb, "first char of the text", charPointJS+"("+jsArgs("On 30 October", 0, false)+")")
	to = evalJS[point](tb, "end of October", charPointJS+"("+jsArgs("On 30 October", 0, true)+")")
	tb.mouseDrag("drag forward from the text's first character", from, to)
	tb.waitClaimForm("the popup after the drag from the text's start")
	if got := tb.preview(); got != "On 30 October" {
		t.Errorf("a drag from the text's first character gave %q", got)
	}
	tb.checkNoExceptions()
}

// editorText is the sample with a marker glued to a full stop, and an emoji with its modifier.
const editorText = sampleText + "\n\nTalks resumed within weeks.[12] Then 👍🏽 came, and more.\n"

// editorSetup makes a document of editorText with one claim over needle (refs, status) and
// opens it in a signed-in tab of user.
func editorSetup(t *testing.T, browserCtx context.Context, user, needle string, refs []int, status string) (*harness, *tab, int64, claimJSON) {
	t.Helper()
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Syria talks sample", editorText)
	var cl claimJSON
	if needle != "" {
		start, end := runeSpan(t, editorText, needle)
		r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
			map[string]any{"start": start, "end": end, "refs": refs, "status": status})
		if r.status != http.StatusCreated {
			t.Fatalf("create claim: %d %s", r.status, r.body)
		}
		r.json(t, &cl)
	}
	tb := newTab(t, browserCtx, h.srv.URL, 60*time.Second)
	tb.login(user)
	tb.do("document page", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	return h, tb, doc.ID, cl
}

func (h *harness) claimJSON(t *testing.T, id int64) claimJSON {
	t.Helper()
	var cl claimJSON
	r := h.do("GET", fmt.Sprintf("/api/v1/claims/%d", id), "rita", nil)
	if r.status != http.StatusOK {
		t.Fatalf("get claim %d: %d %s", id, r.status, r.body)
	}
	r.json(t, &cl)
	return cl
}

func (h *harness) claimsOf(t *testing.T, docID int64) []claimJSON {
	t.Helper()
	var list struct {
		Claims []claimJSON `json:"claims"`
	}
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims", docID), "rita", nil).json(t, &list)
	return list.Claims
}

func (tb *tab) preview() string {
	tb.t.Helper()
	return evalJS[string](tb, "preview", `document.querySelector('#claim-form .quote-preview').textContent`)
}

// testBrowserChangeSpan moves an approved claim's span from its panel entry with the mouse, then
// resizes it from the keyboard (p, s, Shift+Left, Enter): both go through the PATCH rule, back
// to pending, and show in the history as quote changes.
func testBrowserChangeSpan(t *testing.T, browserCtx context.Context) {
	const old = "The second round of the Viennese talks, in mid-November, resulted in an agreement"
	h, tb, _, cl := editorSetup(t, browserCtx, "rita", old, []int{32}, "supported")
	if r := h.do("POST", fmt.Sprintf("/api/v1/claims/%d/review", cl.ID), "ed", map[string]any{"decision": "approved", "version": 1, "override": true}); r.status != http.StatusOK {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	tb.do("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	tb.do("Change span", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#claim-%d a.change-span`, cl.ID))))
	tb.waitJS("the span-change bar", `!document.getElementById('respan-bar').hidden`)
	if got := evalJS[string](tb, "bar", `document.querySelector('#respan-bar .respan-text').textContent`); !strings.Contains(got, fmt.Sprintf("claim #%d", cl.ID)) {
		t.Errorf("the bar says %q", got)
	}
	const moved = "The second round of the Viennese talks"
	evalJS[selectionResult](tb, "select the new span", selectTextJS+"("+jsArgs(moved, 0)+")")
	tb.waitClaimForm("the span popup")
	popup := evalJS[struct {
		Respan bool   `json:"respan"`
		Old    string `json:"old"`
		Button string `json:"button"`
		Refs   bool   `json:"refs"`
	}](tb, "popup", `(() => { const f = document.getElementById('claim-form');
		return { respan: f.classList.contains('respanning'), old: f.querySelector('.old-quote').textContent,
			button: f.querySelector('.submit').textContent, refs: f.elements.refs.offsetParent !== null }; })()`)
	if !popup.Respan || popup.Old != old || popup.Button != "Save span" || popup.Refs {
		t.Errorf("the span popup: %+v", popup)
	}
	if got := tb.preview(); got != moved {
		t.Errorf("new quote %q, want %q", got, moved)
	}
	tb.screenshot("editor-change-span")
	tb.click("save the span", `#claim-form button[type=submit]`)
	tb.waitJS("the panel entry with the new quote", fmt.Sprintf(
		`document.getElementById('claim-form').hidden && document.querySelector('#claim-%d a.quote').textContent === %q`, cl.ID, moved))
	got := h.claimJSON(t, cl.ID)
	if got.Quote != moved || got.Status != "supported" || mustJSON(got.Refs) != "[32]" {
		t.Fatalf("after the span change: %+v", got)
	}
	if review := evalJS[string](tb, "review badge", fmt.Sprintf(`document.querySelector('#claim-%d .badge.review').textContent`, cl.ID)); !strings.Contains(review, "pending") {
		t.Errorf("the moved claim's review badge says %q, want pending", review)
	}
	if !evalJS[bool](tb, "bar hidden", `document.getElementById('respan-bar').hidden`) {
		t.Error("the span-change bar stays after saving")
	}

	// From the keyboard (the caret is after the saved span): p goes to the claim, s starts the change with its span selected,
	// Shift+Left gives back the last word, Enter opens the popup, Enter on Save saves.
	if !evalJS[bool](tb, "focus", `document.activeElement.id === 'doc-text'`) {
		t.Error("the focus is not back in the text after saving the span")
	}
	tb.do("p s", chromedp.KeyEvent("p"), chromedp.KeyEvent("s"))
	tb.waitJS("the span-change bar", `!document.getElementById('respan-bar').hidden`)
	tb.do("Shift+Left", chromedp.KeyEvent(kbArrowLeft, chromedp.KeyModifiers(chromedp.ModifierShift)), chromedp.KeyEvent("\r"))
	tb.waitClaimForm("the keyboard span popup")
	const shorter = "The second round of the Viennese"
	if got := tb.preview(); got != shorter {
		t.Errorf("keyboard span %q, want %q", got, shorter)
	}
	if !evalJS[bool](tb, "focus on Save", `document.activeElement === document.querySelector('#claim-form .submit')`) {
		t.Error("the span popup did not take the focus")
	}
	tb.do("Enter on Save", chromedp.KeyEvent("\r"))
	tb.waitJS("the popup closes", `document.getElementById('claim-form').hidden`)
	if got := h.claimJSON(t, cl.ID); got.Quote != shorter {
		t.Errorf("after the keyboard change the quote is %q, want %q", got.Quote, shorter)
	}

	var hist struct {
		Events []struct {
			Action  string                            `json:"action"`
			Changes map[string]struct{ From, To any } `json:"changes"`
		} `json:"events"`
	}
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d/history", cl.ID), "rita", nil).json(t, &hist)
	var quotes []string
	for _, e := range hist.Events {
		if q, ok := e.Changes["quote"]; ok && q.From != nil {
			quotes = append(quotes, fmt.Sprint(q.From, " → ", q.To))
		}
	}
	want := []string{old + " → " + moved, moved + " → " + shorter}
	if !slices.Equal(quotes, want) {
		t.Errorf("history quote changes %q, want %q", quotes, want)
	}
	tb.do("claim page", chromedp.Navigate(fmt.Sprintf("%s/claims/%d", h.srv.URL, cl.ID)), chromedp.WaitVisible(chromedp.ID("history")))
	if page := evalJS[string](tb, "history", `document.getElementById('history').textContent`); !strings.Contains(page, moved) || !strings.Contains(page, shorter) {
		t.Errorf("the claim page's history lacks the span changes")
	}
	tb.screenshot("editor-claim-page")
	tb.checkNoExceptions()
}

// The keys of the kb package, by name.
const (
	kbArrowLeft  = kb.ArrowLeft
	kbArrowRight = kb.ArrowRight
	kbArrowDown  = kb.ArrowDown
	kbTab        = kb.Tab
	kbEscape     = kb.Escape
)

// testBrowserSnapping selects the three bad selections of issue 13 (half a marker at the start,
// half a word, half a marker at the end) and half an emoji with its modifier: the popup offers
// whole words and markers, and "keep exact selection" saves the raw one.
func testBrowserSnapping(t *testing.T, browserCtx context.Context) {
	h, tb, docID, _ := editorSetup(t, browserCtx, "rita", "", nil, "")
	for _, c := range []struct{ raw, snapped string }{
		{"6] These include", "These include"},
		{"n 30 October 2", "On 30 October 2015"},
		{"resumed within weeks.[", "resumed within weeks."},
		{"not Syrian Kurds[46", "not Syrian Kurds[46]"},
		{"Then 👍", "Then 👍🏽"},
	} {
		evalJS[selectionResult](tb, "select "+c.raw, selectTextJS+"("+jsArgs(c.raw, 0)+")")
		tb.waitClaimForm(c.raw)
		if got := tb.preview(); got != c.snapped {
			t.Errorf("%q snapped to %q, want %q", c.raw, got, c.snapped)
		}
		if !evalJS[bool](tb, "snap note", `!document.querySelector('#claim-form .snap-note').hidden`) {
			t.Errorf("%q: no “keep exact selection” offered", c.raw)
		}
		tb.click("cancel", `#claim-form .cancel`)
	}
	tb.screenshot("editor-snapped")

	// Keep the exact selection: the raw span is saved.
	const raw = "6] These include"
	evalJS[selectionResult](tb, "select", selectTextJS+"("+jsArgs(raw, 0)+")")
	tb.waitClaimForm("snapped")
	tb.click("keep exact", `#claim-form .keep-exact`)
	tb.waitJS("the raw quote", fmt.Sprintf(`!document.getElementById('claim-form').hasAttribute('aria-busy') && document.querySelector('#claim-form .quote-preview').textContent === %q`, raw))
	if got := evalJS[string](tb, "the marked span", `[...CSS.highlights.get('cc-span')][0].toString()`); got != raw {
		t.Errorf("the text marks %q as the popup's span, want %q", got, raw)
	}
	tb.screenshot("editor-keep-exact")
	tb.click("save", `#claim-form button[type=submit]`)
	tb.waitJS("saved", `document.querySelectorAll('#claims-panel li.claim').length === 1`)
	if cls := h.claimsOf(t, docID); len(cls) != 1 || cls[0].Quote != raw {
		t.Errorf("kept exact: %+v, want one claim %q", cls, raw)
	}
	tb.checkNoExceptions()
}

// testBrowserDuplicateWarning: a selection with the span of an existing claim warns and names
// it; Save refuses until the warning is ticked; then the duplicate is saved (the API allows it).
func testBrowserDuplicateWarning(t *testing.T, browserCtx context.Context) {
	const sentence = "Ministers agreed that the Syrian government and the opposition should start political talks."
	h, tb, docID, cl := editorSetup(t, browserCtx, "rita", sentence, []int{30, 31}, "supported")
	evalJS[selectionResult](tb, "select", selectTextJS+"("+jsArgs(sentence, 0)+")")
	tb.waitClaimForm("popup")
	warn := evalJS[string](tb, "warning", `(() => { const w = document.querySelector('#claim-form .dup-warning'); return w.hidden ? '' : w.textContent; })()`)
	if !strings.Contains(warn, "already exists") || !strings.Contains(warn, fmt.Sprintf("#%d", cl.ID)) {
		t.Fatalf("duplicate warning %q, want one naming #%d", warn, cl.ID)
	}
	tb.screenshot("editor-duplicate")
	tb.click("save unconfirmed", `#claim-form button[type=submit]`)
	tb.waitJS("the refusal", `document.querySelector('#claim-form .form-error').textContent !== ''`)
	if n := len(h.claimsOf(t, docID)); n != 1 {
		t.Fatalf("an unconfirmed duplicate was saved: %d claims", n)
	}
	tb.do("confirm and save", chromedp.Click(chromedp.CSS(`#claim-form .confirm-dup`)), chromedp.Click(chromedp.CSS(`#claim-form button[type=submit]`)))
	tb.waitJS("saved", `document.querySelectorAll('#claims-panel li.claim').length === 2`)
	if cls := h.claimsOf(t, docID); len(cls) != 2 || cls[0].Quote != cls[1].Quote {
		t.Errorf("claims after the confirmed duplicate: %+v", cls)
	}
	// A different span warns of nothing.
	evalJS[selectionResult](tb, "select", selectTextJS+"("+jsArgs("Ministers agreed", 0)+")")
	tb.waitClaimForm("popup")
	if !evalJS[bool](tb, "no warning", `document.querySelector('#claim-form .dup-warning').hidden`) {
		t.Error("a new span warns of a duplicate")
	}
	tb.checkNoExceptions()
}

// testBrowserKeyboardOnly claims a sentence and a selection without any mouse event: Tab into
// the text (one tab stop, highlights are none), arrows, Enter, focus in the popup, refs typed,
// Enter saves, focus back in the text; p, Shift+Right, c, and Esc closes.
func testBrowserKeyboardOnly(t *testing.T, browserCtx context.Context) {
	const first = "On 30 October 2015, the first round of peace talks"
	h, tb, docID, _ := editorSetup(t, browserCtx, "rita", first, []int{30}, "supported")
	evalJS[bool](tb, "count mouse events", `(() => { window.__mouse = 0;
		for (const k of ['mousedown', 'mouseup', 'pointerdown']) document.addEventListener(k, (e) => { if (e.isTrusted) window.__mouse++; }, true);
		document.activeElement.blur(); return true; })()`)
	tabs := 0
	for ; tabs < 40 && !evalJS[bool](tb, "focus", `document.activeElement && document.activeElement.id === 'doc-text'`); tabs++ {
		tb.do("Tab", chromedp.KeyEvent(kbTab))
	}
	if tabs == 40 {
		t.Fatal("Tab never reached the text")
	}
	t.Logf("%d Tab presses to the text", tabs)
	const second = "Ministers agreed that the Syrian government and the opposition should start political talks."
	tb.do("down to the second sentence", chromedp.KeyEvent(kbArrowDown))
	tb.screenshot("editor-keyboard-sentence")
	tb.do("claim it", chromedp.KeyEvent("\r"))
	tb.waitClaimForm("the popup from the keyboard")
	if got := tb.preview(); got != second {
		t.Errorf("Enter claimed %q, want %q", got, second)
	}
	if !evalJS[bool](tb, "focus in the popup", `document.activeElement === document.querySelector('#claim-form input[name=refs]')`) {
		t.Fatal("the popup did not take the focus")
	}
	tb.screenshot("editor-keyboard-popup")
	tb.do("refs, Enter", chromedp.KeyEvent(strings.Repeat(kb.Backspace, 8)+"31 30"), chromedp.KeyEvent("\r"))
	tb.waitJS("saved and the focus back in the text", `document.getElementById('claim-form').hidden &&
		document.querySelectorAll('#claims-panel li.claim').length === 2 && document.activeElement.id === 'doc-text'`)
	cls := h.claimsOf(t, docID)
	if len(cls) != 2 || cls[1].Quote != second || mustJSON(cls[1].Refs) != "[30,31]" {
		t.Fatalf("claims after the keyboard save: %+v", cls)
	}

	// p goes back to that claim's start; Shift+Right twice selects two words; c claims them.
	tb.do("p, Shift+Right ×2, c", chromedp.KeyEvent("p"),
		chromedp.KeyEvent(kbArrowRight, chromedp.KeyModifiers(chromedp.ModifierShift)),
		chromedp.KeyEvent(kbArrowRight, chromedp.KeyModifiers(chromedp.ModifierShift)))
	tb.screenshot("editor-keyboard-cursor")
	tb.do("c", chromedp.KeyEvent("c"))
	tb.waitClaimForm("the popup for the selection")
	if got := tb.preview(); got != "Ministers agreed" {
		t.Errorf("Shift+Right ×2 from the claim's start selected %q, want %q", got, "Ministers agreed")
	}
	tb.do("Esc", chromedp.KeyEvent(kbEscape))
	tb.waitJS("closed, focus in the text", `document.getElementById('claim-form').hidden && document.activeElement.id === 'doc-text'`)
	// One tab stop: the next Tab leaves the text, past every highlight.
	tb.do("Tab", chromedp.KeyEvent(kbTab))
	if evalJS[bool](tb, "left the text", `document.getElementById('doc-text').contains(document.activeElement)`) {
		t.Error("Tab from the text went to something inside it")
	}
	if n := evalJS[int](tb, "mouse events", `window.__mouse`); n != 0 {
		t.Errorf("%d mouse events in a keyboard-only test", n)
	}
	tb.checkNoExceptions()
}

// testBrowserTouchSelection: with touch emulated, a tap and then a selection made without any
// mouse event (as a long press and its handles make one) opens the popup.
func testBrowserTouchSelection(t *testing.T, browserCtx context.Context) {
	_, tb, _, _ := editorSetup(t, browserCtx, "rita", "", nil, "")
	at := evalJS[point](tb, "a word", charPointJS+"("+jsArgs("Ministers agreed", 0, false)+")")
	tb.do("touch", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 1}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, input.DispatchTouchEvent, input.DispatchTouchEventParams{
			Type: input.DispatchTouchEventTypeTouchStart, TouchPoints: []*input.TouchPoint{{X: at.X, Y: at.Y}}}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{}})
		return err
	}))
	tb.waitJS("the touch reached the page", `window.getSelection().rangeCount >= 0`)
	evalJS[bool](tb, "select as a long press does", `(() => {
		const root = document.getElementById('doc-text');
		const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
		for (let n; (n = w.nextNode()); ) {
			const i = n.data.indexOf('Ministers agreed');
			if (i < 0) continue;
			const r = document.createRange();
			r.setStart(n, i);
			r.setEnd(n, i + 'Ministers agreed'.length);
			const sel = window.getSelection();
			sel.removeAllRanges();
			sel.addRange(r);
			return true;
		}
		return false;
	})()`)
	tb.waitClaimForm("the popup after a touch selection")
	if got := tb.preview(); got != "Ministers agreed" {
		t.Errorf("touch popup quote %q", got)
	}
	tb.checkNoExceptions()
}

// testBrowserNarrow: at 390 px neither the documents page nor the document page scrolls
// sideways, and the popup fits the screen.
func testBrowserNarrow(t *testing.T, browserCtx context.Context) {
	h, tb, docID, _ := editorSetup(t, browserCtx, "rita", "Ministers agreed", []int{30}, "supported")
	h.createDocument("rita", "A document with a rather long title that would widen a table", "Text [1].")
	noOverflow := `document.documentElement.scrollWidth <= window.innerWidth`
	tb.do("390 px", chromedp.EmulateViewport(390, 844), chromedp.Navigate(h.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`table.docs`)))
	if !evalJS[bool](tb, "documents width", noOverflow) {
		t.Errorf("the documents page overflows at 390 px: scrollWidth %d", evalJS[int](tb, "w", `document.documentElement.scrollWidth`))
	}
	tb.screenshot("editor-documents-390")
	tb.do("document", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, docID)), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	if !evalJS[bool](tb, "document width", noOverflow) {
		t.Errorf("the document page overflows at 390 px: scrollWidth %d", evalJS[int](tb, "w", `document.documentElement.scrollWidth`))
	}
	evalJS[selectionResult](tb, "select", selectTextJS+"("+jsArgs("the first round of peace talks", 0)+")")
	tb.waitClaimForm("popup")
	if !evalJS[bool](tb, "popup fits", `(() => { const r = document.getElementById('claim-form').getBoundingClientRect();
		return r.left >= 0 && r.right <= window.innerWidth; })()`) {
		t.Error("the popup does not fit a 390 px screen")
	}
	if !evalJS[bool](tb, "document width with the popup", noOverflow) {
		t.Error("the open popup widens the page at 390 px")
	}
	tb.windowScreenshot("editor-popup-390")
	tb.checkNoExceptions()
}
