package desk

import (
	"context"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/anchor"
	"github.com/citecheck/citecheck/store"
)

// restoredOrphans tries the orphans of revisions before rev (among all, the document's claims)
// against the new text, each from its own revision's text with its own quote and context, as
// Reanchor tried it then: a revision that restores a deleted passage brings its orphans home.
// It returns the orphans found (as read) and as re-anchored into revision rev+1; an orphan
// whose span does not hold its quote in its revision's text (one imported as an orphan) is
// left alone.
func restoredOrphans(ctx context.Context, st *store.Store, docID int64, rev int, all []citecheck.Claim,
	newText string, t *citecheck.Text) (before, after []citecheck.Claim, err error) {
	byRev := map[int][]citecheck.Claim{}
	var revs []int
	for _, c := range all {
		if c.Revision >= 1 && c.Revision < rev && c.Anchor == string(citecheck.AnchorOrphaned) {
			if len(byRev[c.Revision]) == 0 {
				revs = append(revs, c.Revision)
			}
			byRev[c.Revision] = append(byRev[c.Revision], c)
		}
	}
	for _, r := range revs {
		old, err := st.Revision(ctx, docID, r)
		if err != nil {
			return nil, nil, err
		}
		ot := citecheck.NewText(old.Text)
		var group []citecheck.Claim
		for _, c := range byRev[r] {
			if c.Start >= 0 && c.End <= ot.Len() && c.Start < c.End && ot.Slice(c.Start, c.End) == c.Quote {
				group = append(group, c)
			}
		}
		anchors := anchor.Reanchor(old.Text, newText, group)
		for i, a := range anchors {
			if a.Kind == citecheck.AnchorOrphaned {
				continue
			}
			before = append(before, group[i])
			after = append(after, citecheck.ReviseClaims(t, rev+1, group[i:i+1], anchors[i:i+1])[0])
		}
	}
	return before, after, nil
}
