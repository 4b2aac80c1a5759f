package handlers

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/citecheck/citecheck"
)

// TestAPatchedViewCompressesOnlyTheChunkItChanged writes the whole claim list and the native
// export's claims of a view gzipped, edits one claim, and writes them again from the patched
// view: every chunk but the edited claim's is the same kept segment, and the stream reads back
// as the bytes written without chunks.
func TestAPatchedViewCompressesOnlyTheChunkItChanged(t *testing.T) {
	h := newHarness(t, Config{})
	doc, claims := hotDocument(t, h, 250_000, 1000)
	s := viewServer(h)
	d, err := s.loadDocument(t.Context(), doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		name   string
		order  func(st *docState) []int
		slot   func(*encodedClaim) *atomic.Pointer[claimChunk]
		encode func(st *docState) func([]byte, []int) ([]byte, error)
	}
	answers := []answer{
		{"list", func(st *docState) []int { return listOrder(st, citecheck.ClaimFilter{}) }, listChunkSlot,
			func(st *docState) func([]byte, []int) ([]byte, error) { return st.appendListClaims }},
		{"export", func(st *docState) []int { return allClaims(len(st.exported)) }, exportChunkSlot,
			func(st *docState) func([]byte, []int) ([]byte, error) { return st.appendExportClaims }},
	}
	// write answers a's claims gzipped from st's chunks and the chunks it used, and checks the
	// stream against the claims encoded one by one.
	write := func(st *docState, a answer) []*claimChunk {
		t.Helper()
		order := a.order(st)
		var out bytes.Buffer
		z := newSegmentedGzip(&out)
		if err := st.writeChunks(z, order, a.slot, a.encode(st)); err != nil {
			t.Fatal(err)
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		var want []byte
		for k := range order {
			if k > 0 {
				want = append(want, ',')
			}
			if want, err = a.encode(st)(want, order[k:k+1]); err != nil {
				t.Fatal(err)
			}
		}
		zr, err := gzip.NewReader(&out)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: the chunks read back as %d bytes (%v), want the %d of the claims", a.name, len(got), err, len(want))
		}
		var used []*claimChunk
		start := 0
		for _, end := range st.chunkEnds(order) {
			used = append(used, a.slot(st.encoded[order[start]]).Load())
			start = end
		}
		return used
	}
	st, err := s.documentState(t.Context(), d)
	if err != nil {
		t.Fatal(err)
	}
	before := make([][]*claimChunk, len(answers))
	for i, a := range answers {
		before[i] = write(st, a)
		if len(before[i]) < 10 {
			t.Fatalf("%s: %d chunks, want many", a.name, len(before[i]))
		}
	}
	edited := claims[len(claims)/2]
	if r := h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", edited.ID), "rita",
		map[string]any{"version": edited.Version, "note": "edited"}); r.status != http.StatusOK {
		t.Fatalf("edit: %d %s", r.status, r.body)
	}
	next, err := s.documentState(t.Context(), d)
	if err != nil || next == st {
		t.Fatalf("no new view after the edit (%v)", err)
	}
	for i, a := range answers {
		after := write(next, a)
		if len(after) != len(before[i]) {
			t.Fatalf("%s: %d chunks after a note's edit, %d before", a.name, len(after), len(before[i]))
		}
		changed := 0
		for k := range after {
			if after[k] != before[i][k] {
				changed++
			}
		}
		if changed != 1 {
			t.Errorf("%s: %d of %d chunks compressed again after one claim's edit, want 1", a.name, changed, len(after))
		}
	}
}

// TestChunksEndAtWindowsAndAtTheirSize: claims starting in one window share a chunk up to
// maxChunkClaims, a new window or the orphans begin a new one.
func TestChunksEndAtWindowsAndAtTheirSize(t *testing.T) {
	st := &docState{}
	add := func(start, n int) {
		for range n {
			st.exported = append(st.exported, citecheck.Claim{Start: start})
		}
	}
	add(0, maxChunkClaims+3) // one window, more than a chunk holds
	add(chunkWindow-1, 2)    // still that window
	add(chunkWindow, 1)      // the next
	add(5*chunkWindow, 2)    // a later one
	add(5*chunkWindow, 2)    // orphans, at old offsets of that window
	st.claims = st.exported[:len(st.exported)-2]
	ends := st.chunkEnds(allClaims(len(st.exported)))
	want := []int{maxChunkClaims, maxChunkClaims + 5, maxChunkClaims + 6, maxChunkClaims + 8, maxChunkClaims + 10}
	if fmt.Sprint(ends) != fmt.Sprint(want) {
		t.Fatalf("chunk ends %v, want %v", ends, want)
	}
}
