package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

// graphemeText has a thumb with a skin tone at 5..7, a flag at 13..15 and q with a combining
// tilde at 20..22: each one character on screen, two code points in the API.
const graphemeText = "Good 👍🏽 news 🇸🇾 and q\u0303 here. [3]"

func TestClaimThatSplitsAGraphemeIsRefusedAtEveryDoor(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Graphemes", graphemeText)
	claims := fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID)
	tests := []struct {
		name       string
		start, end int
		field      string
	}{
		{"start between thumb and skin tone", 6, 12, "start"},
		{"end between thumb and skin tone", 0, 6, "end"},
		{"end between the regional indicators", 10, 14, "end"},
		{"start between q and its tilde", 21, 26, "start"},
	}
	b := h.newBrowser()
	b.login("rita")
	for _, tt := range tests {
		t.Run(tt.name+" (API)", func(t *testing.T) {
			r := h.do("POST", claims, "rita", map[string]any{"start": tt.start, "end": tt.end, "refs": []int{3}})
			wantSplitsGrapheme(t, r, tt.field)
		})
		t.Run(tt.name+" (offsets form)", func(t *testing.T) {
			r := b.postForm(fmt.Sprintf("/documents/%d/claims", doc.ID), url.Values{
				"start": {fmt.Sprint(tt.start)}, "end": {fmt.Sprint(tt.end)}, "refs": {"3"}}, true)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "splits the character") {
				t.Fatalf("form: %d, want 422 naming the split character", r.status)
			}
		})
	}
	if got, _ := h.st.Claims(t.Context(), doc.ID, citecheck.ClaimFilter{}); len(got) != 0 {
		t.Fatalf("refused claims were stored: %+v", got)
	}

	// A whole cluster is fine, and an edit that would move its end inside one is refused.
	r := h.do("POST", claims, "rita", map[string]any{"start": 5, "end": 7, "refs": []int{3}})
	if r.status != http.StatusCreated {
		t.Fatalf("whole thumb: %d %s", r.status, r.body)
	}
	var cl citecheck.Claim
	r.json(t, &cl)
	r = h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "rita", map[string]any{"version": cl.Version, "end": 14})
	wantSplitsGrapheme(t, r, "end")
	if now, err := h.st.Claim(t.Context(), cl.ID); err != nil || now.End != 7 || now.Version != cl.Version {
		t.Fatalf("refused edit changed the claim: %+v %v", now, err)
	}
}

func TestImportOfAClaimThatSplitsAGraphemeIsRefused(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Graphemes", graphemeText)
	r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", map[string]any{"start": 0, "end": 7, "refs": []int{3}})
	if r.status != http.StatusCreated {
		t.Fatalf("claim: %d %s", r.status, r.body)
	}
	r = h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export", doc.ID), "rita", nil)
	if r.status != http.StatusOK {
		t.Fatalf("export: %d", r.status)
	}
	var file map[string]any
	r.json(t, &file)
	claim := file["claims"].([]any)[0].(map[string]any)
	claim["end"], claim["quote"] = 6, "Good 👍" // the quote matches: only the cut is wrong
	body, _ := json.Marshal(file)
	before, _ := h.st.Documents(t.Context())
	wantSplitsGrapheme(t, h.do("POST", "/api/v1/import", "rita", body), "claims[0].end")
	if after, _ := h.st.Documents(t.Context()); len(after) != len(before) {
		t.Fatalf("a refused import stored a document: %d documents, had %d", len(after), len(before))
	}
}

func wantSplitsGrapheme(t *testing.T, r response, field string) {
	t.Helper()
	var e errorBody
	r.json(t, &e)
	if r.status != http.StatusUnprocessableEntity || e.Error.Code != citecheck.ECodeSplitsGrapheme || e.Error.Field != field {
		t.Fatalf("answer %d %s, want 422 %s about %s", r.status, r.body, citecheck.ECodeSplitsGrapheme, field)
	}
}
