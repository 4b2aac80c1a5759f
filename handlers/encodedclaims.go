package handlers

import (
	"sync/atomic"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/formats"
)

// encodedClaim is one claim of a view encoded as the native export writes it
// (formats.ExportClaimJSON), made by the first export that needs it. (The whole claim list
// encodes its claims per request: keeping its JSON too took the server past 400 MB under
// make bench-big.) A view patched from another keeps the entries of the claims that
// did not change (carryEncoded), so an export of a new state encodes only the claims
// written since; a changed claim gets a new, empty entry.
//
// The entry also keeps the chunks (claimchunks.go) of the gzipped whole list and export that
// begin with its claim.
type encodedClaim struct {
	export      atomic.Pointer[[]byte]
	listChunk   atomic.Pointer[claimChunk]
	exportChunk atomic.Pointer[claimChunk]
}

// encodedOnce answers what p holds, or encodes c, keeps it in p and answers that. Two answers
// that race encode the same claim value to the same bytes, so either may win.
func encodedOnce(p *atomic.Pointer[[]byte], c *citecheck.Claim, encode func(*citecheck.Claim) ([]byte, error)) ([]byte, error) {
	if b := p.Load(); b != nil {
		return *b, nil
	}
	b, err := encode(c)
	if err != nil {
		return nil, err
	}
	p.Store(&b)
	return b, nil
}

// exportJSON is claim i of st.exported as the native export writes it.
func (st *docState) exportJSON(i int) ([]byte, error) {
	return encodedOnce(&st.encoded[i].export, &st.exported[i], formats.ExportClaimJSON)
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
