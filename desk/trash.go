package desk

import (
	"context"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/anchor"
	"github.com/citecheck/citecheck/store"
)

// RestoreClaim takes a claim out of the trash for the user u, by citecheck.CheckRestore. A
// claim whose document was revised while it lay in the trash goes through the same rule as a
// revision's claims: re-anchored from the text of its own revision into the current one
// (exact, moved, or fuzzy and back to pending), or brought back as an orphan when its passage is
// gone. It returns the claim as it now stands.
func RestoreClaim(ctx context.Context, st *store.Store, u *citecheck.User, id int64) (*citecheck.Claim, error) {
	c, t, err := st.TrashedClaim(ctx, id)
	if err != nil {
		return nil, err
	}
	rule := func(t citecheck.Trashed) error { return citecheck.CheckRestore(*u, t) }
	if err := rule(t); err != nil {
		return nil, err
	}
	doc, err := st.Document(ctx, c.DocumentID)
	if err != nil {
		return nil, err
	}
	var placed *citecheck.Claim
	if c.Revision != 0 && c.Revision < doc.Revision && c.Anchor != string(citecheck.AnchorOrphaned) {
		old, err := st.Revision(ctx, doc.ID, c.Revision)
		if err != nil {
			return nil, err
		}
		anchors := anchor.Reanchor(old.Text, doc.Text, []citecheck.Claim{*c})
		p := citecheck.ReviseClaims(citecheck.NewText(doc.Text), doc.Revision, []citecheck.Claim{*c}, anchors)[0]
		placed = &p
	}
	return st.UndeleteClaim(ctx, id, c.Version, doc.Revision, placed, u.ID, rule)
}

// RestoreDocument takes a document out of the trash for the user u, by citecheck.CheckRestore,
// with the claims that went with it.
func RestoreDocument(ctx context.Context, st *store.Store, u *citecheck.User, id int64) error {
	return st.UndeleteDocument(ctx, id, u.ID, func(t citecheck.Trashed) error { return citecheck.CheckRestore(*u, t) })
}
