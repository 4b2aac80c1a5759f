package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

// TestOrphanCandidateAcceptedFromTheTray rewrites a claim's sentence beyond what re-anchoring
// accepts, then accepts the tray's candidate: refused without CSRF or with a stale version,
// applied once with them, back to pending and recorded in the history.
func TestOrphanCandidateAcceptedFromTheTray(t *testing.T) {
	h := newHarness(t, Config{})
	const (
		v1 = "Before the war, many relied on trade. Trade with Jordan collapsed after protests began in early 2011. [13] Residents stayed."
		v2 = "Before the war, many relied on trade. Trade with Jordan stopped after the protests of early 2011. [13] Residents stayed."
		cq = "Trade with Jordan stopped after the protests of early 2011."
	)
	doc := h.createDocument("rita", "Trade", v1)
	s, e := runeSpan(t, v1, "Trade with Jordan collapsed after protests began in early 2011.")
	r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", map[string]any{"start": s, "end": e, "refs": []int{13}})
	if r.status != http.StatusCreated {
		t.Fatalf("claim: %d %s", r.status, r.body)
	}
	var cl citecheck.Claim
	r.json(t, &cl)
	if r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/revisions", doc.ID), "rita", map[string]any{"text": v2}); r.status != http.StatusCreated {
		t.Fatalf("revise: %d %s", r.status, r.body)
	}
	orphan := getClaimAPI(t, h, cl.ID)
	if orphan.Anchor != string(citecheck.AnchorOrphaned) {
		t.Fatalf("claim is %s, want orphaned", orphan.Anchor)
	}
	b := h.newBrowser()
	b.login("rita")
	page := b.get(fmt.Sprintf("/documents/%d/revisions/2", doc.ID))
	cs, ce := runeSpan(t, v2, cq)
	mustContain(t, "tray", page.body, fmt.Sprintf(`id="candidate-%d-0"`, cl.ID), "<q>"+cq+"</q>",
		fmt.Sprintf(`action="/claims/%d/accept-candidate"`, cl.ID),
		fmt.Sprintf(`name="start" value="%d"`, cs), fmt.Sprintf(`name="end" value="%d"`, ce))

	var api struct {
		Candidates []struct {
			Start, End int
			Quote      string
			Score      float64
		} `json:"candidates"`
	}
	r = h.do("GET", fmt.Sprintf("/api/v1/claims/%d/candidates", cl.ID), "rita", nil)
	r.json(t, &api)
	if r.status != http.StatusOK || len(api.Candidates) == 0 || api.Candidates[0].Quote != cq || api.Candidates[0].Start != cs {
		t.Fatalf("API candidates: %d %s", r.status, r.body)
	}

	accept := func(version int, withCSRF bool) response {
		return b.postForm(fmt.Sprintf("/claims/%d/accept-candidate", cl.ID), url.Values{
			"version": {fmt.Sprint(version)}, "start": {fmt.Sprint(cs)}, "end": {fmt.Sprint(ce)}}, withCSRF)
	}
	for _, tt := range []struct {
		name     string
		version  int
		withCSRF bool
		status   int
	}{
		{"without CSRF", orphan.Version, false, http.StatusForbidden},
		{"stale version", orphan.Version - 1, true, http.StatusSeeOther},
	} {
		if r := accept(tt.version, tt.withCSRF); r.status != tt.status {
			t.Fatalf("%s: %d %.300s", tt.name, r.status, r.body)
		}
		if got := getClaimAPI(t, h, cl.ID); got.Anchor != string(citecheck.AnchorOrphaned) || got.Version != orphan.Version {
			t.Fatalf("%s changed the claim: %+v", tt.name, got)
		}
	}
	r = accept(orphan.Version, true)
	if r.status != http.StatusSeeOther || !strings.HasSuffix(r.header.Get("Location"), fmt.Sprintf("/documents/%d/revisions/2#orphans", doc.ID)) {
		t.Fatalf("accept: %d %s", r.status, r.header.Get("Location"))
	}
	got := getClaimAPI(t, h, cl.ID)
	if got.Start != cs || got.End != ce || got.Quote != cq || got.Revision != 2 || got.Review != citecheck.ReviewPending || got.Version != orphan.Version+1 {
		t.Fatalf("after accept: %+v", got)
	}
	hist := h.do("GET", fmt.Sprintf("/api/v1/claims/%d/history", cl.ID), "rita", nil)
	mustContain(t, "history", hist.body, `"updated"`, cq)
	if r := accept(got.Version, true); r.status != http.StatusSeeOther {
		t.Fatalf("accepting an anchored claim: %d", r.status)
	}
	if again := getClaimAPI(t, h, cl.ID); again.Version != got.Version {
		t.Fatalf("accepting an anchored claim changed it: %+v", again)
	}
	if r := h.do("GET", fmt.Sprintf("/api/v1/claims/%d/candidates", cl.ID), "rita", nil); r.status != 422 || r.errorCode(t) != citecheck.ECodeInvalid {
		t.Fatalf("candidates of an anchored claim: %d %s", r.status, r.body)
	}
}
