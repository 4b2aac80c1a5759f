package handlers

import "sync/atomic"

// encodedClaim is the entry of one claim of a view: it stands for the claim's value, so a view
// patched from another keeps the entries of the claims that did not change (carryEncoded) and
// a changed claim gets a new one. It keeps the chunks (claimchunks.go) of the gzipped whole list
// and native export that begin with its claim. (It kept the claim's export JSON too, until the
// chunks: 14 MB of a 25,000-claim view that only a changed chunk needs, encoded then.)
type encodedClaim struct {
	listChunk   atomic.Pointer[claimChunk]
	exportChunk atomic.Pointer[claimChunk]
}

// newEncoded gives each of n claims an empty entry, in one allocation.
func newEncoded(n int) []*encodedClaim {
	all := make([]encodedClaim, n)
	out := make([]*encodedClaim, n)
	for i := range all {
		out[i] = &all[i]
	}
	return out
}

// carryEncoded gives st, patched from base, the entries of base's claims that it holds
// unchanged, and new ones to the claims of changed: the unchanged claims keep their order
// from one view to the next, so one pass over both lists pairs them.
func (st *docState) carryEncoded(base *docState, changed map[int64]bool) {
	st.exportWarm.Store(base.exportWarm.Load())
	st.encoded = make([]*encodedClaim, len(st.exported))
	j := 0
	for i := range st.exported {
		id := st.exported[i].ID
		if !changed[id] {
			for j < len(base.exported) && changed[base.exported[j].ID] {
				j++
			}
			if j < len(base.exported) && base.exported[j].ID == id {
				st.encoded[i] = base.encoded[j]
				j++
				continue
			}
		}
		st.encoded[i] = new(encodedClaim)
	}
}
