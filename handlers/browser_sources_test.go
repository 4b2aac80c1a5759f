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

// testBrowserSourcesPanel works through the Sources panel on the real sample: the coverage, a
// jump to an uncovered marker, a claim on the sentence before it, and the plain notice and
// one-click citation-needed for a sentence with no citation. It also takes the screenshots of
// the panel and of the suggestions page.
func testBrowserSourcesPanel(t *testing.T, browserCtx context.Context) {
	h := newHarness(t, Config{})
	sample := readSample(t)
	doc := h.createDocument("rita", "Syria talks (user sample)", sample)
	tb := newTab(t, browserCtx, h.srv.URL, 45*time.Second)
	tb.login("rita")
	tb.do("document page", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)), chromedp.WaitVisible(chromedp.ID("sources-panel")))
	coverage := func() string {
		return evalJS[string](tb, "coverage", `document.querySelector('#sources-panel .coverage strong').textContent`)
	}
	if got := coverage(); got != "0 / 10" {
		t.Fatalf("coverage shown %q, want 0 / 10", got)
	}
	if v := evalJS[float64](tb, "meter", `document.querySelector('#sources-panel meter').value`); v != 0 {
		t.Errorf("meter value %v, want 0", v)
	}
	tb.screenshot("sources-panel-empty")

	// Jump to the first uncovered marker.
	hash := evalJS[string](tb, "first marker link", `document.querySelector('#sources-panel a.marker-link').getAttribute('href')`)
	tb.click("click the marker link", `#sources-panel .uncovered li:first-child a.marker-link`)
	tb.waitJS("the hash to change", fmt.Sprintf(`location.hash === %q`, hash))
	target := evalJS[string](tb, "the target", fmt.Sprintf(`(() => { const m = document.querySelector(%q); return m && m.closest('#doc-text') ? m.textContent : ''; })()`, hash))
	if !strings.HasPrefix(target, "[") {
		t.Errorf("the link %s leads to %q, want a marker in the text", hash, target)
	}

	// Claim the sentence before it: coverage goes up (the first uncovered marker is [30] of
	// "talks. [30] [31]", so the claim takes both) and the sentence is highlighted.
	tb.click("claim the sentence before", `#sources-panel .uncovered li:first-child button.claim-before`)
	waitAcrossNavigation(tb, "the new claim", `!!document.querySelector('.banner.flash') && document.querySelectorAll('#doc-text .hl').length > 0`)
	if got := coverage(); got != "2 / 10" {
		t.Errorf("coverage after the claim %q, want 2 / 10", got)
	}
	claims, _ := h.st.Claims(t.Context(), doc.ID, citecheck.ClaimFilter{})
	if len(claims) != 1 {
		t.Fatalf("%d claims after one click", len(claims))
	}
	if loc := tb.location(); !strings.HasSuffix(loc, fmt.Sprintf("#c-%d", claims[0].ID)) {
		t.Errorf("after the claim the page is %s, want the claim's anchor", loc)
	}
	if n := evalJS[int](tb, "uncovered", `document.querySelectorAll('#sources-panel .uncovered li').length`); n != 8 {
		t.Errorf("%d uncovered markers listed, want 8", n)
	}
	tb.do("top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	tb.screenshot("sources-panel")

	// A sentence with no citation: the plain notice, then citation-needed in one click.
	const needle = "Before the war, many in Daraa relied on transport and trade services between Syria and Jordan to support themselves."
	evalJS[selectionResult](tb, "select", selectTextJS+"("+jsArgs(needle, 0)+")")
	tb.waitClaimForm("the claim form")
	tb.waitJS("the notice", `!document.querySelector('#claim-form .no-citation').hidden`)
	if got := evalJS[string](tb, "notice", `document.querySelector('#claim-form .no-citation').textContent`); !strings.Contains(got, "No citation in this sentence.") {
		t.Errorf("notice %q", got)
	}
	tb.screenshot("selection-no-citation")
	tb.click("mark citation-needed", `#claim-form .mark-cn`)
	tb.waitJS("the claim in the panel", `document.querySelectorAll('#claims-panel li.claim').length === 2 && document.getElementById('claim-form').hidden`)
	claims, _ = h.st.Claims(t.Context(), doc.ID, citecheck.ClaimFilter{})
	found := false
	for _, cl := range claims {
		found = found || cl.Quote == needle && cl.Status == citecheck.StatusCitationNeeded && len(cl.Refs) == 0
	}
	if !found {
		t.Errorf("no citation-needed claim over the sentence: %+v", claims)
	}

	// A selection whose sentence is cited keeps the refs and shows no notice.
	evalJS[selectionResult](tb, "select cited", selectTextJS+"("+jsArgs("with a deadline of 1 January 2016", 0)+")")
	tb.waitClaimForm("the claim form")
	tb.waitJS("the refs", `document.querySelector('#claim-form input[name=refs]').value === '32'`)
	if !evalJS[bool](tb, "notice hidden", `document.querySelector('#claim-form .no-citation').hidden`) {
		t.Error("the no-citation notice shows for a cited sentence")
	}
	tb.click("cancel", `#claim-form .cancel`)

	// The suggestions page, and one accepted there.
	tb.click("suggestions", `.doc-actions a[href$="/suggestions"]`)
	waitAcrossNavigation(tb, "the suggestions page", `!!document.getElementById('suggestions')`)
	tb.screenshot("suggestions")
	before := evalJS[int](tb, "items", `document.querySelectorAll('#suggestions li.suggestion').length`)
	tb.click("accept the first", `#suggestions li.suggestion:first-child button.approve`)
	waitAcrossNavigation(tb, "accepted", fmt.Sprintf(`!!document.querySelector('.banner.flash') && document.querySelectorAll('#suggestions li.suggestion').length === %d`, before-1))
	if msg := evalJS[string](tb, "flash", `document.querySelector('.banner.flash').textContent`); !strings.Contains(msg, "created") {
		t.Errorf("flash after accepting: %q", msg)
	}

	// A document with a reference list: its entries, their uses and the document's problems.
	listed := h.createDocument("rita", "With a reference list", withList)
	twoSides := h.claimAt("ralph", listed.ID, withList, "Two sides met.", []int{2}, "supported")
	tb.do("listed document", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", h.srv.URL, listed.ID)), chromedp.WaitVisible(chromedp.ID("sources-panel")))
	if n := evalJS[int](tb, "entries", `document.querySelectorAll('#sources-panel li.reference').length`); n != 2 {
		t.Errorf("%d reference entries shown, want 2", n)
	}
	tb.screenshot("sources-panel-list")

	// Another checker's claim comes in live while the reader types a new entry: the panel
	// follows (coverage, the entry's uses), so does the document's state, and the entry being typed and the parts that did not
	// change stay as they are.
	tb.click("open Add an entry", `#sources-panel details.add-reference summary`)
	tb.do("type an entry",
		chromedp.SendKeys(chromedp.CSS(`#sources-panel details.add-reference input[name=number]`), "4"),
		chromedp.SendKeys(chromedp.CSS(`#sources-panel details.add-reference input[name=text]`), "typed entry"),
	)
	evalJS[bool](tb, "mark the parts", `(window.__ref3 = document.getElementById('ref-3'), window.__h3 = [...document.querySelectorAll('#sources-panel > h3')].pop(), true)`)
	other := h.claimAt("ralph", listed.ID, withList, "Talks began in Vienna.", []int{1}, "supported")
	tb.waitJS("the live coverage", `document.querySelector('#sources-panel .coverage strong').textContent === '2 / 2'`)
	type panelState struct {
		Open, Focus, Ref3, H3, Uncovered bool
		Text, Uses, Missing              string
	}
	kept := evalJS[panelState](tb, "the panel after", `(() => {
		const add = document.querySelector('#sources-panel details.add-reference');
		const text = add.querySelector('input[name=text]');
		return { Open: add.open, Focus: document.activeElement === text, Text: text.value,
			Ref3: window.__ref3 === document.getElementById('ref-3'), H3: window.__h3 === [...document.querySelectorAll('#sources-panel > h3')].pop(),
			Uncovered: !!document.querySelector('#sources-panel .uncovered'),
			Uses: document.querySelector('#ref-1 .ref-use').textContent,
			Missing: document.getElementById('desk-missing').textContent };
	})()`)
	if !kept.Open || !kept.Focus || kept.Text != "typed entry" {
		t.Errorf("the entry being typed after a live refresh: open %v, focus %v, text %q", kept.Open, kept.Focus, kept.Text)
	}
	if !kept.Ref3 || !kept.H3 {
		t.Errorf("a live refresh swapped parts of the panel that did not change: ref-3 kept %v, heading kept %v", kept.Ref3, kept.H3)
	}
	tb.screenshot("sources-panel-live")
	if strings.Contains(kept.Missing, "uncovered") || !strings.Contains(kept.Missing, "2 claims pending") {
		t.Errorf("the document's state did not follow the new claim: %q", kept.Missing)
	}
	if kept.Uncovered || !strings.Contains(kept.Uses, fmt.Sprintf("#%d", other.ID)) {
		t.Errorf("the panel did not follow the new claim: uncovered list shown %v, [1] used by %q", kept.Uncovered, kept.Uses)
	}

	// Another checker adds the missing entry [2]: it comes in live, in its place, the claim
	// that cited it loses its unknown-ref, and the entry being typed still stays. Removed
	// again, it goes.
	twoSidesEntry := fmt.Sprintf("document.getElementById('claim-%d')", twoSides.ID)
	if !evalJS[bool](tb, "the claim's check", twoSidesEntry+`.textContent.includes('unknown-ref')`) {
		t.Fatalf("the claim citing [2] shows no unknown-ref before [2] is listed")
	}
	evalJS[bool](tb, "mark ref-1", `(window.__ref1 = document.getElementById('ref-1'), true)`)
	refs := fmt.Sprintf("/api/v1/documents/%d/references", listed.ID)
	if r := h.do("POST", refs, "ralph", map[string]any{"number": 2, "text": "BBC, listed live"}); r.status != 201 {
		t.Fatalf("add entry [2]: %d %s", r.status, r.body)
	}
	tb.waitJS("the new entry", `!!document.getElementById('ref-2') && !`+twoSidesEntry+`.textContent.includes('unknown-ref')`)
	type listState struct {
		Order      []string
		Open, Ref1 bool
		Text       string
		Focus      bool
	}
	ls := evalJS[listState](tb, "the list after", `(() => {
		const add = document.querySelector('#sources-panel details.add-reference');
		const text = add.querySelector('input[name=text]');
		return { Order: [...document.querySelectorAll('#sources-panel ol.references > li')].map((li) => li.id),
			Open: add.open, Text: text.value, Focus: document.activeElement === text,
			Ref1: window.__ref1 === document.getElementById('ref-1') };
	})()`)
	if strings.Join(ls.Order, " ") != "ref-1 ref-2 ref-3" {
		t.Errorf("entries after [2] came in live: %v", ls.Order)
	}
	if !ls.Open || !ls.Focus || ls.Text != "typed entry" || !ls.Ref1 {
		t.Errorf("after a live entry: form open %v, focus %v, text %q, [1] kept %v", ls.Open, ls.Focus, ls.Text, ls.Ref1)
	}
	tb.screenshot("sources-panel-live-entry")
	if r := h.do("DELETE", refs+"/2", "ralph", nil); r.status != 204 {
		t.Fatalf("remove entry [2]: %d %s", r.status, r.body)
	}
	tb.waitJS("the entry gone", `!document.getElementById('ref-2') && `+twoSidesEntry+`.textContent.includes('unknown-ref')`)

	// A source archived for [1] by another checker shows under its entry.
	var src citecheck.Capture
	h.do("POST", refs+"/1/sources", "ralph", map[string]any{"text": "Talks began in Vienna on Monday.", "title": "Reuters copy"}).json(t, &src)
	tb.waitJS("the archived source", fmt.Sprintf(`!!document.querySelector('#ref-1 #source-%d')`, src.ID))
	tb.checkNoExceptions()
}
