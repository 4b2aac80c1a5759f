package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/citecheck/citecheck"
)

var dismissedItem = regexp.MustCompile(`<li id="d-(\d+)" class="suggestion card dismissed">`)

// TestDismissedSuggestionsCanBeRestored: a dismissal is not final. The suggestions page lists the
// dismissed ones under "Show dismissed" with Restore, the API lists and restores them, and bad
// input changes nothing.
func TestDismissedSuggestionsCanBeRestored(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "sample", readSample(t))
	api := fmt.Sprintf("/api/v1/documents/%d/sentences", doc.ID)
	page := fmt.Sprintf("/documents/%d/suggestions", doc.ID)
	list := func(path string) []citecheck.CitedSentence {
		t.Helper()
		var l struct {
			Suggestions []citecheck.CitedSentence `json:"suggestions"`
		}
		r := h.do("GET", path, "rita", nil)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, r.status, r.body)
		}
		r.json(t, &l)
		return l.Suggestions
	}
	all := list(api)
	if len(all) < 4 {
		t.Fatalf("only %d suggestions on the sample", len(all))
	}
	spans := func(cs ...citecheck.CitedSentence) []citecheck.Span {
		out := []citecheck.Span{}
		for _, c := range cs {
			out = append(out, citecheck.Span{Start: c.Start, End: c.End})
		}
		return out
	}
	if r := h.do("POST", api+"/dismiss", "rita", map[string]any{"spans": spans(all[1], all[2])}); r.status != http.StatusNoContent {
		t.Fatalf("dismiss: %d %s", r.status, r.body)
	}
	if got := list(api + "/dismissed"); len(got) != 2 || got[0].Quote != all[1].Quote || got[1].Quote != all[2].Quote {
		t.Fatalf("dismissed = %+v, want the second and third suggestions", got)
	}
	if got := list(api); len(got) != len(all)-2 {
		t.Fatalf("%d open after dismissing two, want %d", len(got), len(all)-2)
	}

	b := h.newBrowser()
	b.login("rita")
	r := b.get(page)
	mustContain(t, "the suggestions page", r.body, "Show dismissed (2)", "Restore all 2")
	if n := len(dismissedItem.FindAll(r.body, -1)); n != 2 {
		t.Fatalf("the page lists %d dismissed suggestions, want 2", n)
	}
	one := url.Values{"start": {fmt.Sprint(all[1].Start)}, "end": {fmt.Sprint(all[1].End)}}
	if r := b.postForm(page+"/restore", one, false); r.status != http.StatusForbidden {
		t.Fatalf("restore without the CSRF token: %d", r.status)
	}

	// Restore one on the page: it is proposed again; a second click restores nothing.
	r = b.follow(b.postForm(page+"/restore", one, true))
	mustContain(t, "after restoring one", r.body, "1 suggestion restored.", "Show dismissed (1)")
	if n := len(suggestionItem.FindAll(r.body, -1)); n != len(all)-1 {
		t.Errorf("%d open suggestions on the page, want %d", n, len(all)-1)
	}
	r = b.follow(b.postForm(page+"/restore", one, true))
	mustContain(t, "after restoring it again", r.body, `class="banner error"`, "Nothing to restore")
	r = b.follow(b.postForm(page+"/restore", url.Values{}, true))
	mustContain(t, "restoring nothing", r.body, "Nothing restored:")

	// Bad input through the API is refused and changes nothing.
	refusals := []struct {
		name  string
		body  any
		code  string
		field string
	}{
		{"no spans", map[string]any{"spans": []citecheck.Span{}}, citecheck.ECodeInvalid, "spans"},
		{"a span past the text", map[string]any{"spans": []citecheck.Span{{Start: 0, End: 99999}}}, citecheck.ECodeOffsetOutOfRange, "spans"},
		{"a reversed span", map[string]any{"spans": []citecheck.Span{{Start: 5, End: 2}}}, citecheck.ECodeOffsetOutOfRange, "spans"},
	}
	for _, tt := range refusals {
		r := h.do("POST", api+"/restore", "rita", tt.body)
		var e errorBody
		r.json(t, &e)
		if r.status != http.StatusUnprocessableEntity || e.Error.Code != tt.code || e.Error.Field != tt.field {
			t.Errorf("%s: %d %s, want 422 %s about %s", tt.name, r.status, r.body, tt.code, tt.field)
		}
	}
	if got := list(api + "/dismissed"); len(got) != 1 || got[0].Quote != all[2].Quote {
		t.Fatalf("dismissed after refusals = %+v", got)
	}

	// Restore the last through the API: nothing is dismissed, and the page has no such list.
	if r := h.do("POST", api+"/restore", "rita", map[string]any{"spans": spans(all[2])}); r.status != http.StatusNoContent {
		t.Fatalf("restore: %d %s", r.status, r.body)
	}
	if got := list(api); len(got) != len(all) {
		t.Fatalf("%d open after restoring all, want %d", len(got), len(all))
	}
	if got := list(api + "/dismissed"); len(got) != 0 {
		t.Fatalf("dismissed after restoring all = %+v", got)
	}
	if r := b.get(page); dismissedItem.Match(r.body) {
		t.Error("the page still lists dismissed suggestions")
	}
	if claims, _ := h.st.Claims(t.Context(), doc.ID, citecheck.ClaimFilter{}); len(claims) != 0 {
		t.Fatalf("restoring created claims: %+v", claims)
	}
}
