package handlers

import (
	"encoding/json"
	"sync/atomic"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/formats"
)

// encodedClaim is one claim of a view encoded as the answers write it: for the native export
// (formats.ExportClaimJSON) and for the whole claim list (the API's JSON). Each is made by the
// first answer that needs it. A view patched from another keeps the entries of the claims that
// did not change (carryEncoded), so an export or a list of a new state encodes only the claims
// written since; a changed claim gets a new, empty entry.
type encodedClaim struct {
	export atomic.Pointer[[]byte]
	list   atomic.Pointer[[]byte]
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

// listJSON is claim i of st.exported as the claim list writes it: encoding/json, as c.JSON
// writes a claim, and the line feed its Encoder ends each value with.
func (st *docState) listJSON(i int) ([]byte, error) {
	return encodedOnce(&st.encoded[i].list, &st.exported[i], func(c *citecheck.Claim) ([]byte, error) {
		b, err := json.Marshal(c)
		return append(b, '\n'), err
	})
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
