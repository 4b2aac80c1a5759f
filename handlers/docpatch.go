package handlers

import (
	"cmp"
	"context"
	"slices"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
	"github.com/citecheck/citecheck/views"
)

// patchDocState answers the view of d's state now, patched from base with the claims written
// since base was read, or nil when it must be built from all the claims instead: too many
// changed, or the stamp moved by a write that the history does not show (the claims then
// counted differ from the store's count, or nothing is in the history since base). It takes no
// big-work slot: it reads and checks only the changed claims.
func (s *Server) patchDocState(ctx context.Context, d *loadedDocument, base *docState) (*docState, error) {
	limit := max(64, len(base.exported)/4)
	ch, err := s.store.ClaimChangesSince(ctx, d.doc.ID, base.mark, limit)
	if err != nil {
		return nil, err
	}
	switch {
	case ch.Stamp.Row() != d.row:
		return nil, errStateMoved
	case ch.Stamp == base.stamp:
		return base, nil
	case ch.Mark == base.mark || len(ch.IDs) > limit:
		return nil, nil
	}
	st := base.patched(ch)
	if len(st.exported) != ch.Count {
		return nil, nil
	}
	return st, nil
}

// patched is the view of the state ch brings st to: the claims of ch.IDs leave their places
// and the live ones among them come in at theirs, each checked; the coverage moves by them,
// and only the blocks of the text under their old and new spans are cut again. Everything
// else is shared with st, which stays as it was.
func (st *docState) patched(ch store.ClaimChanges) *docState {
	next := &docState{d: st.d, stamp: ch.Stamp, mark: ch.Mark, checker: st.checker, cuts: st.cuts}
	changed := make(map[int64]bool, len(ch.IDs))
	for _, id := range ch.IDs {
		changed[id] = true
	}
	var in, orphans []citecheck.Claim // the live changed claims, in text order
	for _, c := range ch.Claims {
		c.Checks = next.claimChecks(&c)
		if isOrphan(st.d, &c) {
			orphans = append(orphans, c)
		} else {
			in = append(in, c)
		}
	}
	exported := make([]citecheck.Claim, 0, len(st.exported)+len(ch.Claims))
	exported, removed := mergeClaims(exported, st.claims, in, changed)
	n := len(exported)
	exported, _ = mergeClaims(exported, st.orphans, orphans, changed)
	next.cover = st.checker.Cover(st.cover, removed, in)
	blocks := slices.Clone(st.blocks)
	for _, i := range blocksUnder(st.cuts, removed, in) {
		blocks[i] = next.cutBlock(exported[:n], i)
	}
	next.complete(exported, n, blocks)
	next.carryEncoded(st, changed)
	return next
}

// mergeClaims appends to dst the claims of old (in text order) whose ids are not changed,
// merged in text order with add, and answers the claims of old that were left out.
func mergeClaims(dst, old, add []citecheck.Claim, changed map[int64]bool) (out, removed []citecheck.Claim) {
	for i := range old {
		if changed[old[i].ID] {
			removed = append(removed, old[i])
			continue
		}
		for len(add) > 0 && textOrder(&add[0], &old[i]) < 0 {
			dst, add = append(dst, add[0]), add[1:]
		}
		dst = append(dst, old[i])
	}
	return append(dst, add...), removed
}

// textOrder is the store's order of claims: start, end, id.
func textOrder(a, b *citecheck.Claim) int {
	return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End), cmp.Compare(a.ID, b.ID))
}

// blocksUnder answers, ascending and each once, the blocks that hold any of the spans of the
// claims in the lists.
func blocksUnder(cuts []int, lists ...[]citecheck.Claim) []int {
	var out []int
	for _, claims := range lists {
		for i := range claims {
			lo, hi := blocksOver(cuts, claims[i].Start, claims[i].End)
			for b := lo; b <= hi; b++ {
				out = append(out, b)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// cutBlock is block i of the text with the anchored claims (in text order) over it, as
// buildBlocks deals it out of the runs of the whole text.
func (st *docState) cutBlock(claims []citecheck.Claim, i int) views.Block {
	from, to := st.cuts[i], st.d.text.Len()
	if i+1 < len(st.cuts) {
		to = st.cuts[i+1]
	}
	// Only claims that start before the block's end can be over it; SegmentsIn skips the
	// others among them, which end before it starts.
	k, _ := slices.BinarySearchFunc(claims, to, func(c citecheck.Claim, to int) int { return cmp.Compare(c.Start, to) })
	b := newBlock(i, from, buildRunsIn(st.d, claims[:k], from, to))
	b.Runs = nil // as keptBlocks
	return b
}
