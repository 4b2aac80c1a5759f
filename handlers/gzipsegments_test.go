package handlers

import (
	"bytes"
	"compress/gzip"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"testing"
)

// TestCRC32CombineIsTheCRCOfTheJoinedBytes: the CRC of a+b made from the CRCs of a and b and
// b's length equals the CRC of the joined bytes, for empty parts, short ones and long ones.
func TestCRC32CombineIsTheCRCOfTheJoinedBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range [][2]int{{0, 0}, {0, 5}, {5, 0}, {1, 1}, {3, 1000}, {1000, 3}, {70_000, 123_457}, {1, 1 << 20}} {
		a, b := make([]byte, n[0]), make([]byte, n[1])
		for i := range a {
			a[i] = byte(rng.Uint32())
		}
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		want := crc32.ChecksumIEEE(append(bytes.Clone(a), b...))
		if got := crc32Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), int64(len(b))); got != want {
			t.Errorf("lengths %v: combined %08x, want %08x", n, got, want)
		}
	}
}

// TestSegmentedGzipReadsBackAsItsParts writes segments and plain bytes in every mix (segments
// back to back, first, last, alone, empty bytes between, runs short enough to go stored) and reads the stream back with Go's
// gzip reader: it is one valid member holding exactly the parts in their order.
func TestSegmentedGzipReadsBackAsItsParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	words := []string{"claim ", "<span class=\"hl\">", "[12]", " the survey ", "Kurds", "é", "😀", "\n"}
	part := func(n int) []byte {
		var b []byte
		for len(b) < n {
			b = append(b, words[rng.IntN(len(words))]...)
		}
		return b
	}
	for round := range 50 {
		var out bytes.Buffer
		var want []byte
		z := newSegmentedGzip(&out)
		for range rng.IntN(12) {
			n := rng.IntN(20_000)
			if rng.IntN(2) == 0 {
				n = rng.IntN(2 * storedMax) // short runs go stored, longer ones compressed
			}
			p := part(n)
			want = append(want, p...)
			if rng.IntN(2) == 0 {
				if err := z.WriteSegment(newSegment(p)); err != nil {
					t.Fatal(err)
				}
			} else if _, err := z.Write(p); err != nil {
				t.Fatal(err)
			}
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(&out)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		zr.Multistream(false)
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("round %d: read back %d bytes, want %d", round, len(got), len(want))
		}
	}
}
