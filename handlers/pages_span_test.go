package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

// TestClaimPageFormChangesTheSpanByTheSameRule moves an approved claim's span with the claim
// page's offsets (no JavaScript): it goes back to pending and its history holds the old and new
// quote. Bad offsets are refused with the domain's message and change nothing.
func TestClaimPageFormChangesTheSpanByTheSameRule(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Doc", reviewText)
	cl := h.claimAt("rita", doc.ID, reviewText, "Ministers agreed to start talks.", []int{30, 31}, "supported")
	if r := h.do("POST", fmt.Sprintf("/api/v1/claims/%d/review", cl.ID), "ed", map[string]any{"decision": "approved", "version": 1, "override": true}); r.status != http.StatusOK {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	rita := h.newBrowser()
	rita.login("rita")
	path := fmt.Sprintf("/claims/%d", cl.ID)
	page := string(rita.get(path).body)
	for _, want := range []string{`name="start" min="0" value="0"`, `name="end" min="0" value="32"`,
		fmt.Sprintf(`href="/documents/%d#respan-%d"`, doc.ID, cl.ID)} {
		if !strings.Contains(page, want) {
			t.Errorf("the claim page's edit form lacks %q", want)
		}
	}

	for _, bad := range []struct {
		start, end, code string
	}{{"x", "10", "must be a whole number"}, {"0", "999", "past the end of the text"}, {"20", "10", "must be greater than start"}} {
		r := rita.postForm(path, url.Values{"version": {"2"}, "start": {bad.start}, "end": {bad.end}, "refs": {"30, 31"}, "status": {"supported"}}, true)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), bad.code) {
			t.Errorf("start %s end %s: %d, want 422 with %q", bad.start, bad.end, r.status, bad.code)
		}
	}
	if got, _ := h.st.Claim(t.Context(), cl.ID); got.Version != 2 || got.Start != 0 || got.Review != citecheck.ReviewApproved {
		t.Fatalf("a refused form changed the claim: %+v", got)
	}

	// "Ministers agreed" alone: 0..16.
	r := rita.postForm(path, url.Values{"version": {"2"}, "start": {"0"}, "end": {"16"}, "refs": {"30, 31"}, "status": {"supported"}, "note": {""}}, true)
	if r.status != http.StatusSeeOther {
		t.Fatalf("span change: %d %s", r.status, r.body)
	}
	got, _ := h.st.Claim(t.Context(), cl.ID)
	if got.Quote != "Ministers agreed" || got.Review != citecheck.ReviewPending || got.Version != 3 {
		t.Fatalf("after the span change: quote %q review %s version %d", got.Quote, got.Review, got.Version)
	}
	page = string(rita.get(path).body)
	for _, want := range []string{`<td class="from">Ministers agreed to start talks.</td>`, `<td class="to">Ministers agreed</td>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the history lacks %q", want)
		}
	}
}

// TestSpanChangeInPlaceAnswersAFragmentOrJSONError is the document page's span change: the
// popup posts version, start and end alone and gets the fragment; the refs, status and note it
// did not send stay; a bad span or a stale version is a JSON error that changes nothing.
func TestSpanChangeInPlaceAnswersAFragmentOrJSONError(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Doc", reviewText)
	cl := h.claimAt("rita", doc.ID, reviewText, "The deadline was 1 January 2016.", []int{32}, "supported")
	rita := h.newBrowser()
	rita.login("rita")
	rita.get(fmt.Sprintf("/documents/%d", doc.ID))
	path := fmt.Sprintf("/claims/%d?panel=1", cl.ID)
	start, end := runeSpan(t, reviewText, "1 January 2016")

	for _, bad := range []struct {
		form  url.Values
		code  string
		field string
	}{
		{url.Values{"version": {"1"}, "start": {"3"}, "end": {"2"}}, citecheck.ECodeOffsetOutOfRange, "end"},
		{url.Values{"version": {"1"}, "start": {"32"}, "end": {"33"}}, citecheck.ECodeEmptySpan, "start"},
		{url.Values{"version": {"1"}, "start": {"0"}, "end": {"9999"}}, citecheck.ECodeOffsetOutOfRange, "end"},
		{url.Values{"version": {"1"}, "start": {"zero"}, "end": {"4"}}, citecheck.ECodeOffsetOutOfRange, "start"},
		{url.Values{"start": {"0"}, "end": {"4"}}, citecheck.ECodeInvalid, "version"},
		{url.Values{"version": {"7"}, "start": {"0"}, "end": {"4"}}, citecheck.ECodeConflict, ""},
	} {
		r := rita.postFragment(path, "document", bad.form)
		if code := r.errorCode(t); code != bad.code || r.status < 400 {
			t.Errorf("%v: %d %s, want code %s", bad.form, r.status, r.body, bad.code)
		}
		var e errorBody
		r.json(t, &e)
		if bad.field != "" && e.Error.Field != bad.field {
			t.Errorf("%v: field %q, want %q", bad.form, e.Error.Field, bad.field)
		}
	}
	if got, _ := h.st.Claim(t.Context(), cl.ID); got.Version != 1 {
		t.Fatalf("a refused span change changed the claim: version %d", got.Version)
	}

	r := rita.postFragment(path, "document", url.Values{"version": {"1"}, "start": {fmt.Sprint(start)}, "end": {fmt.Sprint(end)}})
	if r.status != http.StatusOK || !strings.Contains(string(r.body), fmt.Sprintf(`<li id="claim-%d"`, cl.ID)) || strings.Contains(string(r.body), "<html") {
		t.Fatalf("span change in place: %d %.300s", r.status, r.body)
	}
	got, _ := h.st.Claim(t.Context(), cl.ID)
	if got.Quote != "1 January 2016" || got.Status != citecheck.StatusSupported || !slices.Equal(got.Refs, []int{32}) {
		t.Errorf("after the span change: %q %s %v, want the new quote with status and refs kept", got.Quote, got.Status, got.Refs)
	}
}

// TestSuggestNamesClaimsWithTheSameSpan: the popup warns before a duplicate from this list.
func TestSuggestNamesClaimsWithTheSameSpan(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Doc", reviewText)
	cl := h.claimAt("rita", doc.ID, reviewText, "Ministers agreed to start talks.", []int{30}, "supported")
	h.claimAt("rita", doc.ID, reviewText, "Ministers agreed", nil, "unverified")
	var sug struct {
		SameSpan []int64 `json:"same_span"`
	}
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/suggest?start=0&end=32", doc.ID), "ralph", nil).json(t, &sug)
	if !slices.Equal(sug.SameSpan, []int64{cl.ID}) {
		t.Errorf("same_span = %v, want [%d]", sug.SameSpan, cl.ID)
	}
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/suggest?start=0&end=31", doc.ID), "ralph", nil).json(t, &sug)
	if sug.SameSpan == nil || len(sug.SameSpan) != 0 {
		t.Errorf("same_span = %#v for a span no claim has, want []", sug.SameSpan)
	}
}
