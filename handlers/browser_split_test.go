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

// splitSource is a captured source where UTF-16 and code point offsets part before the passage
// (emoji, Arabic, a combining mark that NFC folds), so a wrong conversion would save the wrong words.
const splitSource = "Rockets 🚀🚀 hit the depot. قال المتحدث «إن الهدنة صامدة». Cafe\u0301 owners said so.\n\n" +
	"Talks began in Vienna on Monday, the wire reported. Nothing else was agreed."

// selectInSourceJS selects needle in #source-text with a DOM Range over its text node and ends
// it the way a mouse does.
const selectInSourceJS = `(function (needle) {
  const root = document.getElementById('source-text');
  const node = root.querySelector('span[data-o]').firstChild;
  const at = node.data.indexOf(needle);
  if (at < 0) throw new Error('not in #source-text: ' + needle);
  const range = document.createRange();
  range.setStart(node, at);
  range.setEnd(node, at + needle.length);
  const sel = window.getSelection();
  const opts = { bubbles: true, cancelable: true, view: window, button: 0 };
  root.dispatchEvent(new MouseEvent('mousedown', opts));
  sel.removeAllRanges();
  sel.addRange(range);
  root.dispatchEvent(new MouseEvent('mouseup', opts));
  return sel.toString();
})`

// testBrowserSplitEvidence: rita opens a source beside the document from an approved claim's
// panel entry, selects a passage and saves it as evidence, all without a page load; the claim
// goes back to pending. Ed then sees the passage in /review and approves the claim.
func testBrowserSplitEvidence(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "talks", sourcesDocText)
	r := h.do("POST", sourcesPath(doc.ID, 1), "rita", map[string]any{"text": splitSource, "title": "Reuters wire",
		"url": "https://example.org/r"})
	if r.status != 201 {
		t.Fatalf("capture: %d %s", r.status, r.body)
	}
	var src citecheck.Capture
	r.json(t, &src)
	cl := h.claimAt("rita", doc.ID, sourcesDocText, "Talks began in Vienna.", []int{1}, "supported")
	if r, _ := h.review("ed", cl.ID, map[string]any{"decision": "approved", "override": true}); r.status != 200 {
		t.Fatalf("approve before the evidence: %d %s", r.status, r.body)
	}
	const passage = "Talks began in Vienna on Monday"
	wantStart, wantEnd := cpSpan(t, src.Text, passage) // the text as stored: in NFC

	rita := newTab(t, browserCtx, h.srv.URL, 60*time.Second)
	rita.login("rita")
	rita.do("document page", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	evalJS[bool](rita, "mark the page", `window.__samePage = true`)
	rita.do("Add evidence", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#claim-%d a.add-evidence`, cl.ID))),
		chromedp.WaitVisible(chromedp.ID("source-text")))
	beside := `(() => { const a = document.getElementById('doc-text').getBoundingClientRect();
		const b = document.getElementById('split-pane').getBoundingClientRect(); return b.left >= a.right && b.top < a.bottom })()`
	if !evalJS[bool](rita, "pane beside the text", beside) {
		t.Errorf("the evidence pane is not beside the document text")
	}
	if loc := rita.location(); !strings.Contains(loc, fmt.Sprintf("evidence=%d", cl.ID)) {
		t.Errorf("the address %q does not reopen the pane", loc)
	}
	if got := evalJS[string](rita, "select", selectInSourceJS+"("+jsArgs(passage)+")"); got != passage {
		t.Fatalf("selected %q", got)
	}
	rita.waitJS("the offsets", `document.querySelector('#evidence-form [name=end]').value !== ''`)
	start := evalJS[string](rita, "start", `document.querySelector('#evidence-form [name=start]').value`)
	end := evalJS[string](rita, "end", `document.querySelector('#evidence-form [name=end]').value`)
	if start != fmt.Sprint(wantStart) || end != fmt.Sprint(wantEnd) {
		t.Fatalf("offsets %s..%s, want code points %d..%d", start, end, wantStart, wantEnd)
	}
	rita.do("stance and note",
		chromedp.Click(chromedp.CSS(`#evidence-form input[name=stance][value=supports]`)),
		chromedp.SendKeys(chromedp.CSS(`#evidence-form textarea[name=note]`), "wire, first paragraph"))
	rita.screenshot("split-selected")
	rita.click("save", `#evidence-form button[type=submit]`)
	rita.waitJS("the evidence in the pane", `!!document.querySelector('#split-pane .evidence-item') && document.querySelector('#split-pane .split-status').textContent !== ''`)
	if got := evalJS[string](rita, "quote in the pane", `document.querySelector('#split-pane .evidence-item mark.q').textContent`); got != passage {
		t.Errorf("the pane shows the quote %q, want %q", got, passage)
	}
	if !evalJS[bool](rita, "no reload", `window.__samePage === true`) {
		t.Errorf("saving the evidence reloaded the page")
	}
	entry := fmt.Sprintf(`#claim-%d`, cl.ID)
	if got := evalJS[string](rita, "panel entry", `document.querySelector('`+entry+` .badge.review').textContent + ' ' + document.querySelector('`+entry+` .evidence-count').textContent`); !strings.Contains(got, "pending") || !strings.Contains(got, "1 passage") {
		t.Errorf("the panel entry says %q, want pending with 1 passage", got)
	}
	if evalJS[bool](rita, "sources panel", `document.getElementById('sources-panel').textContent.includes('no-evidence')`) {
		t.Errorf("the Sources panel still lists the claim's no-evidence problem")
	}
	var now citecheck.Claim
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "rita", nil).json(t, &now)
	if now.Review != citecheck.ReviewPending || len(now.Evidence) != 1 || now.Evidence[0].Quote != passage ||
		now.Evidence[0].Note != "wire, first paragraph" || now.Evidence[0].Stance != citecheck.StanceSupports {
		t.Fatalf("after saving: review %s, evidence %+v", now.Review, now.Evidence)
	}
	rita.windowScreenshot("split-saved")
	rita.do("narrow", chromedp.EmulateViewport(390, 844))
	stacked := `(() => { const a = document.getElementById('doc-text').getBoundingClientRect();
		const b = document.getElementById('split-pane').getBoundingClientRect(); return b.bottom <= a.top && b.width > 300 })()`
	if !evalJS[bool](rita, "stacked", stacked) {
		t.Errorf("at 390 px the pane is not stacked above the text")
	}
	rita.windowScreenshot("split-390")
	rita.checkNoExceptions()

	ed := newTab(t, browserCtx, h.srv.URL, 45*time.Second)
	ed.login("ed")
	item := fmt.Sprintf("q-%d", cl.ID)
	ed.do("review queue", chromedp.Navigate(h.srv.URL+"/review"), chromedp.WaitVisible(chromedp.ID(item)))
	if got := evalJS[string](ed, "passage in the queue", `document.querySelector('#`+item+` .evidence-item mark.q').textContent`); got != passage {
		t.Fatalf("the queue shows %q, want the passage", got)
	}
	ed.click("approve", `#`+item+` .approve-form button.approve`)
	ed.waitJS("approved", fmt.Sprintf(`!!document.querySelector('#%s.decided')`, item))
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "rita", nil).json(t, &now)
	if now.Review != citecheck.ReviewApproved || now.ReviewedBy == nil || *now.ReviewedBy != "ed" {
		t.Fatalf("after ed's approval: %s by %v", now.Review, now.ReviewedBy)
	}
	ed.checkNoExceptions()
}
