package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

func TestClaimPageShowsTheClaimItsFormsAndHistory(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Doc", reviewText)
	cl := h.claimAt("rita", doc.ID, reviewText, "Ministers agreed to start talks.", []int{30}, "supported")
	rita := h.newBrowser()
	rita.login("rita")
	r := rita.get(fmt.Sprintf("/claims/%d", cl.ID))
	page := string(r.body)
	if r.status != 200 {
		t.Fatalf("claim page: %d", r.status)
	}
	for _, want := range []string{
		`<mark class="q st-supported">Ministers agreed to start talks.</mark>`, `<span class="ref">[30, 31]</span>`,
		fmt.Sprintf(`action="/claims/%d"`, cl.ID), `name="version" value="1"`, `name="refs" value="30"`,
		fmt.Sprintf(`action="/claims/%d/delete"`, cl.ID), "Pending: an editor has yet to review it.",
		`id="history"`, `<span class="action">created</span>`, "marker-not-attached",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("claim page lacks %q", want)
		}
	}
	if strings.Contains(page, "approve-form") {
		t.Errorf("a reviewer gets review forms on the claim page")
	}

	// Edit through the page's form: back to the claim page with a message.
	r = rita.postForm(fmt.Sprintf("/claims/%d", cl.ID), url.Values{"version": {"1"}, "refs": {"30, 31"}, "status": {"partly-supported"}, "note": {"half of it"}}, true)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != fmt.Sprintf("/claims/%d", cl.ID) {
		t.Fatalf("edit: %d %q", r.status, r.header.Get("Location"))
	}
	if page := string(rita.get(fmt.Sprintf("/claims/%d", cl.ID)).body); !strings.Contains(page, fmt.Sprintf("Claim #%d saved.", cl.ID)) {
		t.Errorf("no message after saving")
	}
	// A stale form shows the claim page again with the refusal.
	r = rita.postForm(fmt.Sprintf("/claims/%d", cl.ID), url.Values{"version": {"1"}, "refs": {"30"}, "status": {"supported"}}, true)
	if r.status != http.StatusConflict || !strings.Contains(string(r.body), "changed by someone else") || !strings.Contains(string(r.body), `name="version" value="2"`) {
		t.Errorf("stale edit: %d", r.status)
	}

	// An editor rejects it from the claim page, and comes back to it.
	ed := h.newBrowser()
	ed.login("ed")
	page = string(ed.get(fmt.Sprintf("/claims/%d", cl.ID)).body)
	if !strings.Contains(page, fmt.Sprintf(`name="back" value="/claims/%d"`, cl.ID)) {
		t.Fatalf("the editor's claim page lacks review forms coming back to it")
	}
	r = ed.postForm(fmt.Sprintf("/claims/%d/review", cl.ID), url.Values{"decision": {"rejected"}, "comment": {"[31] says <less>"}, "version": {"2"}, "back": {fmt.Sprintf("/claims/%d", cl.ID)}}, true)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != fmt.Sprintf("/claims/%d", cl.ID) {
		t.Fatalf("reject: %d %q", r.status, r.header.Get("Location"))
	}

	page = string(rita.get(fmt.Sprintf("/claims/%d", cl.ID)).body)
	history := page[strings.Index(page, `id="history"`):]
	for _, want := range []string{
		`<span class="action">created</span>`, `<span class="action">updated</span>`, `<span class="action">reviewed</span>`,
		`<th>status</th><td class="from">supported</td><td class="arrow">→</td><td class="to">partly-supported</td>`,
		`<th>refs</th><td class="from">[30]</td><td class="arrow">→</td><td class="to">[30, 31]</td>`,
		`<th>note</th><td class="from">—</td><td class="arrow">→</td><td class="to">half of it</td>`,
		`<th>review</th><td class="from">pending</td><td class="arrow">→</td><td class="to">rejected</td>`,
		`<td class="to">[31] says &lt;less&gt;</td>`, "<strong>ed</strong>", "<strong>rita</strong>",
	} {
		if !strings.Contains(history, want) {
			t.Errorf("history lacks %q", want)
		}
	}
	if strings.Index(history, `<span class="action">created</span>`) > strings.Index(history, `<span class="action">reviewed</span>`) {
		t.Errorf("history is not oldest first")
	}
	if !strings.Contains(page, `class="review-state rv-rejected"`) || !strings.Contains(page, "Rejected") {
		t.Errorf("the claim page does not show the rejection")
	}

	if r := rita.get("/claims/9999"); r.status != http.StatusNotFound {
		t.Errorf("unknown claim page: %d", r.status)
	}
	if r := rita.postForm(fmt.Sprintf("/claims/%d/delete", cl.ID), url.Values{"confirm": {"yes"}}, true); r.status != http.StatusSeeOther {
		t.Errorf("delete: %d", r.status)
	}
	if events, err := h.st.ClaimHistory(t.Context(), cl.ID); err != nil || events[len(events)-1].Action != citecheck.ActionDeleted {
		t.Errorf("history after delete: %v", err)
	}
}

func TestHistoryShowsEvidenceAsAPersonReadsIt(t *testing.T) {
	got := historyValue(map[string]any{"stance": "supports", "quote": "Talks began", "ref": 1, "source_id": 2, "start": 20, "end": 31, "id": 9})
	want := "supports “Talks began” (ref [1], source #2, code points 20–31)"
	if got != want {
		t.Errorf("historyValue = %q, want %q", got, want)
	}
}
