package desk

import (
	"context"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/anchor"
	"github.com/citecheck/citecheck/store"
)

// reviseAttempts is how often Revise works a revision out again after a claim changed meanwhile.
const reviseAttempts = 3

// RevisionResult is the answer to a new revision: its number and how the claims of the one
// before came into it.
type RevisionResult struct {
	Revision int                    `json:"revision"`
	Counts   citecheck.AnchorCounts `json:"counts"`
}

// Revise makes raw the new current revision of document id, by the actor's user: the text is
// normalised and refused like a new document's (text longer than maxTextBytes included), and
// refused when it is the current text; its markers and reference list are parsed, and every
// claim anchored in the current revision is re-anchored into it (claims orphaned earlier stay
// as they are); then the store commits it all in one transaction. A claim changed meanwhile
// makes the store refuse with a conflict: the work is then done again from the fresh state, up
// to reviseAttempts times. Every signed-in user may revise, as they may add documents.
//
// A server that caches the document sees the new revision by itself: its cache is checked
// against the row on every request, since the command line revises from another process.
func Revise(ctx context.Context, st *store.Store, by Actor, id int64, raw string, maxTextBytes int) (*RevisionResult, error) {
	author, err := by.author()
	if err != nil {
		return nil, err
	}
	text, err := citecheck.NormalizeText(raw, maxTextBytes)
	if err != nil {
		return nil, err
	}
	t := citecheck.NewText(text)
	src := citecheck.NewSources(text)
	next := &citecheck.Document{Text: text, TextSHA256: citecheck.TextSHA256(text), Length: t.Len(),
		Citations: src.Citations, References: src.List}
	for attempt := 1; ; attempt++ {
		res, err := reviseOnce(ctx, st, id, next, t, author)
		if citecheck.ErrorCode(err) == citecheck.ECodeConflict && attempt < reviseAttempts {
			continue
		}
		return res, err
	}
}

// reviseOnce works the revision out from the document as it stands and hands it to the store.
func reviseOnce(ctx context.Context, st *store.Store, id int64, next *citecheck.Document, t *citecheck.Text, by int64) (*RevisionResult, error) {
	doc, err := st.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	if doc.TextSHA256 == next.TextSHA256 && doc.Text == next.Text {
		return nil, citecheck.FieldErrorf(citecheck.ECodeSameText, "text",
			"the text is the same as revision %d's; nothing to revise", doc.Revision)
	}
	all, err := st.Claims(ctx, id, citecheck.ClaimFilter{})
	if err != nil {
		return nil, err
	}
	before, _ := citecheck.AnchoredIn(doc.Revision, all)
	anchors := anchor.Reanchor(doc.Text, next.Text, before)
	after := citecheck.ReviseClaims(t, doc.Revision+1, before, anchors)
	var counts citecheck.AnchorCounts
	for _, a := range anchors {
		counts.Add(a.Kind)
	}
	restoredBefore, restoredAfter, err := restoredOrphans(ctx, st, id, doc.Revision, all, next.Text, t)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out, err := st.ReviseDocument(ctx, &store.Revise{DocumentID: id, Base: doc.Revision, Doc: next,
		Before: before, After: after, Counts: counts, By: by,
		RestoredBefore: restoredBefore, RestoredAfter: restoredAfter})
	if err != nil {
		return nil, err
	}
	return &RevisionResult{Revision: out.Revision, Counts: counts}, nil
}
