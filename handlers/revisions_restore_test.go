package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

// TestRevisionRestoringAPassageBringsItsOrphansHome deletes a claimed sentence in revision 2
// (an orphan) and restores it, elsewhere, in revision 3: the orphan re-anchors from its own
// revision's text, with its history; an orphan whose passage stays gone stays an orphan.
func TestRevisionRestoringAPassageBringsItsOrphansHome(t *testing.T) {
	h := newHarness(t, Config{})
	const (
		kept     = "Trade with Jordan collapsed after protests began in early 2011. [13]"
		lost     = "Residents paid fees for public services that do not exist. [14]"
		other    = "The second round set a deadline of 1 January 2016. [32]"
		v1       = "Before the war, many relied on trade. " + kept + " " + lost + "\n\n" + other
		v2       = "Before the war, many relied on trade. " + other
		v3       = "Before the war, many relied on trade. " + other + "\n\nA new paragraph. " + kept
		keptQ    = "Trade with Jordan collapsed after protests began in early 2011."
		lostQ    = "Residents paid fees for public services that do not exist."
		revision = "/api/v1/documents/%d/revisions"
	)
	doc := h.createDocument("rita", "Restore", v1)
	ids := map[string]int64{}
	for name, q := range map[string]string{"kept": keptQ, "lost": lostQ} {
		s, e := runeSpan(t, v1, q)
		r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", map[string]any{"start": s, "end": e, "refs": []int{13}})
		if r.status != http.StatusCreated {
			t.Fatalf("claim %s: %d %s", name, r.status, r.body)
		}
		var cl citecheck.Claim
		r.json(t, &cl)
		ids[name] = cl.ID
	}
	for _, text := range []string{v2, v3} {
		if r := h.do("POST", fmt.Sprintf(revision, doc.ID), "rita", map[string]any{"text": text}); r.status != http.StatusCreated {
			t.Fatalf("revise: %d %s", r.status, r.body)
		}
	}
	k := getClaimAPI(t, h, ids["kept"])
	s, e := runeSpan(t, v3, keptQ)
	if k.Anchor == string(citecheck.AnchorOrphaned) || k.Revision != 3 || k.Start != s || k.End != e || k.Quote != keptQ {
		t.Fatalf("restored claim: %+v", k)
	}
	hist := h.do("GET", fmt.Sprintf("/api/v1/claims/%d/history", k.ID), "rita", nil)
	if n := strings.Count(string(hist.body), `"reanchored"`); n != 2 {
		t.Fatalf("%d reanchored events, want 2 (orphaned, then restored): %s", n, hist.body)
	}
	if l := getClaimAPI(t, h, ids["lost"]); l.Anchor != string(citecheck.AnchorOrphaned) || l.Revision != 1 {
		t.Fatalf("the claim whose passage stays gone: %+v", l)
	}
}
