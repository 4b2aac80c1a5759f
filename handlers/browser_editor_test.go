package handlers

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserEditor runs the claim editor's browser tests (issue 13) on one headless Chromium.
func TestBrowserEditor(t *testing.T) {
	browserCtx := startBrowser(t)
	t.Run("ForwardDragFromHighlightStart", func(t *testing.T) { testBrowserForwardDrag(t, browserCtx) })
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
	tb.do("document page", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)), chromedp.WaitVisible(chromedp.ID("doc-text")))
	from := evalJS[point](tb, "first char", charPointJS+"("+jsArgs(sentence, 0, false)+")")
	to := evalJS[point](tb, "end of Syrian", charPointJS+"("+jsArgs("Ministers agreed that the Syrian", 0, true)+")")
	tb.mouseDrag("drag forward from the highlight's first character", from, to)
	const nested = "Ministers agreed that the Syrian"
	if got := evalJS[string](tb, "selection", `window.getSelection().toString()`); got != nested {
		t.Fatalf("a forward drag from the first character of a highlight selected %q, want %q", got, nested)
	}
	tb.waitClaimForm("the popup after the drag")
	tb.do("save the nested claim", chromedp.Click(chromedp.CSS(`#claim-form button[type=submit]`)))
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
	tb.checkNoExceptions()
}
