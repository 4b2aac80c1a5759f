package handlers

import (
	"sync/atomic"
)

// A gzipped whole claim list or native export of a big document is sent as runs of claims
// (chunks) compressed once and kept (gzipsegments.go): a claim write changes the chunk of the
// claim it wrote and leaves the others' segments to be copied.
//
// The chunks of a list are cut by where their claims start, so that a claim added, changed or
// deleted moves no boundary but those of its own window: a chunk holds the consecutive claims
// whose starts fall in one window of chunkWindow code points (orphans apart from anchored
// claims), at most maxChunkClaims of them.
const (
	chunkWindow    = 16384
	maxChunkClaims = 256
)

// claimChunk is the segment of a chunk's claims encoded, with the entries of those claims: a
// patched view shares a claim's entry while the claim is unchanged, so the chunk is good for
// any view whose chunk at that place holds the same entries.
type claimChunk struct {
	members []*encodedClaim
	seg     *gzSegment
}

// chunkOf is which chunk of a list a claim falls in, by the window of its start.
type chunkKey struct {
	window int
	orphan bool
}

func (st *docState) chunkKey(i int) chunkKey {
	return chunkKey{st.exported[i].Start / chunkWindow, i >= len(st.claims)}
}

// chunkEnds cuts order, indexes into st.exported, into chunks and answers where each ends.
func (st *docState) chunkEnds(order []int) []int {
	var ends []int
	for a := 0; a < len(order); {
		key := st.chunkKey(order[a])
		b := a + 1
		for b < len(order) && b-a < maxChunkClaims && st.chunkKey(order[b]) == key {
			b++
		}
		ends = append(ends, b)
		a = b
	}
	return ends
}

// commaSegment is a comma compressed as a segment: what stands between two chunks of a list.
var commaSegment = newSegment([]byte{','})

// writeChunks writes the claims of order to z chunk by chunk, with commas between: each
// chunk's segment is the one kept in slot of the entry of its first claim when that holds the
// same claims, else it is encoded (encode appends its claims' bytes to dst, with the commas
// between them) and kept there.
func (st *docState) writeChunks(z *segmentedGzip, order []int, slot func(*encodedClaim) *atomic.Pointer[claimChunk],
	encode func(dst []byte, order []int) ([]byte, error)) error {
	var buf []byte
	a := 0
	for _, b := range st.chunkEnds(order) {
		if a > 0 {
			if err := z.WriteSegment(commaSegment); err != nil {
				return err
			}
		}
		at := slot(st.encoded[order[a]])
		ch := at.Load()
		if !st.holds(ch, order[a:b]) {
			var err error
			if buf, err = encode(buf[:0], order[a:b]); err != nil {
				return err
			}
			ch = &claimChunk{members: make([]*encodedClaim, b-a), seg: newSegment(buf)}
			for k, i := range order[a:b] {
				ch.members[k] = st.encoded[i]
			}
			at.Store(ch)
		}
		if err := z.WriteSegment(ch.seg); err != nil {
			return err
		}
		a = b
	}
	return nil
}

// holds reports whether ch is the chunk of exactly the claims of order in this view.
func (st *docState) holds(ch *claimChunk, order []int) bool {
	if ch == nil || len(ch.members) != len(order) {
		return false
	}
	for k, i := range order {
		if ch.members[k] != st.encoded[i] {
			return false
		}
	}
	return true
}

func listChunkSlot(e *encodedClaim) *atomic.Pointer[claimChunk]   { return &e.listChunk }
func exportChunkSlot(e *encodedClaim) *atomic.Pointer[claimChunk] { return &e.exportChunk }
