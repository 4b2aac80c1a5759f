package citecheck

import "testing"

func TestReviseClaims(t *testing.T) {
	newT := "Zero. One two three. Four five seven."
	nt := NewText(newT)
	by := "ed"
	claims := []Claim{
		{ID: 1, Start: 0, End: 14, Quote: "One two three.", Revision: 1, Review: ReviewApproved, ReviewedBy: &by},
		{ID: 2, Start: 15, End: 29, Quote: "Four five six.", Revision: 1, Review: ReviewApproved, ReviewedBy: &by},
		{ID: 3, Start: 4, End: 7, Quote: "two", Revision: 1, Review: ReviewApproved, ReviewComment: "fine", ReviewedBy: &by},
	}
	anchors := []Anchor{{Kind: AnchorMoved, Start: 6, End: 20, Score: 0.9},
		{Kind: AnchorFuzzy, Start: 21, End: 37, Score: 0.8}, {Kind: AnchorOrphaned}}
	got := ReviseClaims(nt, 2, claims, anchors)
	if c := got[0]; c.Revision != 2 || c.Anchor != "moved" || c.Quote != "One two three." || c.OldQuote != "" || c.Review != ReviewApproved || c.Prefix != "Zero. " {
		t.Errorf("moved: %+v", c)
	}
	if c := got[1]; c.Anchor != "fuzzy" || c.Quote != "Four five seven." || c.OldQuote != "Four five six." || c.Review != ReviewPending || c.ReviewedBy != nil || c.AnchorScore != 0.8 {
		t.Errorf("fuzzy: %+v", c)
	}
	if c := got[2]; c.Anchor != "orphaned" || c.Revision != 1 || c.Start != 4 || c.Quote != "two" || c.OldQuote != "two" ||
		c.Review != ReviewPending || c.ReviewComment != "" || c.ReviewedBy != nil {
		t.Errorf("orphan (no longer approved): %+v", c)
	}
	if claims[1].Review != ReviewApproved || claims[1].Quote != "Four five six." {
		t.Error("ReviseClaims changed its input")
	}
	in, orphans := AnchoredIn(2, got)
	if len(in) != 2 || len(orphans) != 1 || orphans[0].ID != 3 {
		t.Errorf("AnchoredIn: %d anchored, %+v orphans", len(in), orphans)
	}
}

func TestIsOrphan(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    Claim
		rev  int
		want bool
	}{
		{"anchored in the current revision", Claim{Revision: 2, Anchor: "exact"}, 2, false},
		{"from before revisions", Claim{Revision: 0}, 3, false},
		{"left in an earlier revision", Claim{Revision: 1, Anchor: "orphaned"}, 2, true},
		{"imported as an orphan", Claim{Revision: 1, Anchor: "orphaned"}, 1, true},
		{"earlier revision without an anchor", Claim{Revision: 1}, 2, true},
	} {
		if got := tc.c.IsOrphan(tc.rev); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
