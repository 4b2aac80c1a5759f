package handlers

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/citecheck/citecheck"
)

// liveText puts both claims of the test in one block, so that the block rita's claim changes is
// the one holding ed's selection.
const liveText = "Talks began in Vienna in May. [1] The ceasefire held for a week in the north. [2]"

// TestBrowserLiveDesk opens one document in two browser sessions (rita, a reviewer, and ed, an
// editor, each with their own cookies): each sees the other present; a claim rita saves by
// selecting text appears in ed's page without a reload while ed has a selection and the claim
// form open, and both are still there after; a claim made while ed's stream is dropped reaches
// him when it reconnects with Last-Event-ID; a change to a claim whose reject form ed has open
// leaves the form as it is and says who changed it; the review queue and the documents list
// take new claims in place; a claim's page warns its edit form when someone else changes it.
func TestBrowserLiveDesk(t *testing.T) {
	browserCtx := startBrowser(t)
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Live desk", liveText)
	docURL := fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID)

	rita := newTab(t, browserCtx, h.srv.URL, 90*time.Second)
	rita.login("rita")
	rita.do("rita opens the document", chromedp.Navigate(docURL), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	ed := newTab(t, browserCtx, h.srv.URL, 90*time.Second)
	ed.login("ed")
	ed.do("ed opens the document", chromedp.Navigate(docURL), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	rita.waitJS("rita sees ed", `(document.getElementById('live-presence') || {}).textContent === 'Also here: ed'`)
	ed.waitJS("ed sees rita", `(document.getElementById('live-presence') || {}).textContent === 'Also here: rita'`)

	// Ed selects a passage; the claim form opens beside it.
	const edNeedle = "ceasefire held"
	evalJS[selectionResult](ed, "ed selects", selectTextJS+"("+jsArgs(edNeedle, 0)+")")
	ed.waitClaimForm("ed's claim form")

	// Rita saves a claim by selecting text in her page.
	evalJS[selectionResult](rita, "rita selects", selectTextJS+"("+jsArgs("Talks began in Vienna", 0)+")")
	rita.waitClaimForm("rita's claim form")
	saved := time.Now()
	rita.click("rita saves", `#claim-form button[type=submit]`)
	rita.waitJS("rita's claim in her panel", `document.querySelectorAll('#claims-panel li.claim').length === 1`)
	claims, err := h.st.Claims(t.Context(), doc.ID, citecheck.ClaimFilter{})
	if err != nil || len(claims) != 1 {
		t.Fatalf("rita's claim: %v %+v", err, claims)
	}
	first := claims[0].ID
	ed.waitJS("rita's claim in ed's page", fmt.Sprintf(
		`!!document.getElementById('claim-%d') && !!document.querySelector('#doc-text [data-claims~="%d"]')`, first, first))
	t.Logf("rita's save to ed's page: %v", time.Since(saved).Round(time.Millisecond))
	if got := evalJS[string](ed, "ed's selection", selectionShownJS); got != edNeedle {
		t.Errorf("ed's selection after the live update = %q, want %q", got, edNeedle)
	}
	ed.waitJS("ed's header count", `document.querySelector('.nav-review .count').textContent === '(1)'`)
	if hidden := evalJS[bool](ed, "ed's form", `document.getElementById('claim-form').hidden`); hidden {
		t.Error("ed's claim form closed on the live update")
	}
	ed.screenshot("live-two-readers")

	// Ed's stream drops (every connection to the server is cut); a claim made before it is back
	// reaches him when it reconnects with the id of the last event it saw.
	ed.do("ed's selection goes", chromedp.Evaluate[chromedp.Void](`document.querySelector('#claim-form .cancel').click()`))
	h.srv.CloseClientConnections()
	ed.waitJS("ed's stream dropped", `window.citecheckLive.readyState !== EventSource.OPEN`)
	missed := streamClaim(t, h, "rita", doc.ID)
	ed.waitJS("the claim made while ed's stream was down", fmt.Sprintf(`!!document.getElementById('claim-%d')`, missed.ID))
	ed.waitJS("ed's stream back", `window.citecheckLive.readyState === EventSource.OPEN`)

	// The document is assigned (so its Reassign form is closed as the server sends it); ed
	// opens that form and fills it in; rita's next claim changes the state card ("3 claims
	// pending"), and the form stays as ed left it: open, filled, focused.
	if r := h.do("PUT", fmt.Sprintf("/api/v1/documents/%d/assignment", doc.ID), "ed", map[string]any{
		"checker": "rita", "due_at": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)}); r.status != 200 {
		t.Fatalf("assign: %d %s", r.status, r.body)
	}
	ed.do("ed reloads the document", chromedp.Navigate(docURL), chromedp.WaitVisible(chromedp.ID("doc-text")), appReady)
	ed.waitJS("ed's stream open", `window.citecheckLive && window.citecheckLive.readyState === EventSource.OPEN`)
	ed.click("ed opens Reassign", `#assignment details.assign summary`)
	ed.do("ed types in the Reassign form", chromedp.SendKeys(chromedp.CSS(`#assignment details.assign input[name=start]`), "12"))
	evalJS[bool](ed, "mark the form", `(window.__assign = document.querySelector('#assignment form.assign-form'), true)`)
	another := streamClaim(t, h, "rita", doc.ID)
	ed.waitJS("the state card follows", fmt.Sprintf(
		`!!document.getElementById('claim-%d') && document.getElementById('desk-missing').textContent.includes('3 claims pending')`, another.ID))
	type assignState struct {
		Open, Same, Focus bool
		Start             string
	}
	as := evalJS[assignState](ed, "the Assign form after", `(() => {
		const d = document.querySelector('#assignment details.assign');
		const start = d.querySelector('input[name=start]');
		return { Open: d.open, Same: window.__assign === d.querySelector('form.assign-form'),
			Focus: document.activeElement === start, Start: start.value };
	})()`)
	if !as.Open || !as.Same || !as.Focus || as.Start != "12" {
		t.Errorf("the Reassign form through a live refresh: %+v", as)
	}
	ed.do("ed leaves the Assign form", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))

	// Ed opens the reject form of rita's first claim; rita changes the claim meanwhile.
	ed.do("ed opens the reject form", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`document.querySelector('#claim-%d details.reject summary, #claim-%d details summary').click()`, first, first)))
	ed.do("ed types a comment", chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`#claim-%d textarea[name=comment]`, first)), "Which source?"))
	if r := h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", first), "rita", map[string]any{"version": 1, "note": "Reuters"}); r.status != 200 {
		t.Fatalf("rita's change: %d %s", r.status, r.body)
	}
	ed.waitJS("the conflict notice on ed's form", fmt.Sprintf(
		`(document.querySelector('#claim-%d .live-conflict span') || {}).textContent === 'Changed by rita just now — reload it before saving.'`, first))
	if n := evalJS[int](ed, "notices", fmt.Sprintf(`document.querySelectorAll('#claim-%d .live-conflict').length`, first)); n != 1 {
		t.Errorf("%d conflict notices on the entry, want 1", n)
	}
	if got := evalJS[string](ed, "ed's comment", fmt.Sprintf(`document.querySelector('#claim-%d textarea[name=comment]').value`, first)); got != "Which source?" {
		t.Errorf("ed's comment after the live update = %q", got)
	}
	ed.screenshot("live-conflict")
	ed.do("ed at 390 px", chromedp.EmulateViewport(390, 800))
	ed.screenshot("live-conflict-390")
	ed.do("ed back to 1280 px", chromedp.EmulateViewport(1280, 800))
	ed.do("ed reloads the claim", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#claim-%d .live-conflict button`, first))))
	ed.waitJS("the claim as it is now", fmt.Sprintf(
		`!document.querySelector('#claim-%d .live-conflict') && document.querySelector('#claim-%d input[name=version]').value === '2'`, first, first))
	ed.checkNoExceptions()
	rita.checkNoExceptions()

	// The review queue and the documents list take a new claim in place.
	ed.do("ed's review queue", chromedp.Navigate(h.srv.URL+"/review"), chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("q-%d", missed.ID))))
	rita.do("rita's documents", chromedp.Navigate(h.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("table.docs")))
	ed.do("mark ed's queue page", chromedp.Evaluate[chromedp.Void](`window.__same = 1`))
	third := streamClaim(t, h, "rita", doc.ID)
	ed.waitJS("the new claim in ed's queue", fmt.Sprintf(`!!document.getElementById('q-%d') && window.__same === 1`, third.ID))
	rita.waitJS("the count in rita's list", `document.querySelector('table.docs tbody td.claims').textContent === '4'`)
	ed.screenshot("live-queue")

	// Rita has the claim's edit form open on its own page when ed changes the claim.
	rita.do("rita's claim page", chromedp.Navigate(fmt.Sprintf("%s/claims/%d", h.srv.URL, first)),
		chromedp.WaitVisible(chromedp.CSS(".claim-edit form")))
	rita.waitJS("rita's stream open", `window.citecheckLive && window.citecheckLive.readyState === EventSource.OPEN`)
	if r := h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", first), "ed", map[string]any{"version": 2, "note": "Reuters, 2 May"}); r.status != 200 {
		t.Fatalf("ed's change: %d %s", r.status, r.body)
	}
	rita.waitJS("the conflict notice on rita's edit form",
		`(document.querySelector('.claim-edit .live-conflict span') || {}).textContent === 'Changed by ed just now — reload it before saving.'`)
	rita.screenshot("live-claim-page")
	ed.checkNoExceptions()
	rita.checkNoExceptions()
}

// selectionShownJS answers the text the reader has selected in #doc-text: the page's selection,
// or, once the popup has the focus (which takes the selection into its input), the range of the
// CSS highlight that shows the popup's span.
const selectionShownJS = `(() => {
  const root = document.getElementById('doc-text');
  const sel = window.getSelection();
  if (sel.rangeCount && root.contains(sel.getRangeAt(0).startContainer) && sel.toString()) return sel.toString();
  const shown = [];
  if (window.CSS && CSS.highlights) {
    for (const [name, hl] of CSS.highlights) for (const r of hl) if (root.contains(r.startContainer) && !r.collapsed) shown.push(r.toString());
  }
  return shown.sort((a, b) => b.length - a.length)[0] || '';
})()`
