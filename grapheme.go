package citecheck

import (
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// graphemeLookBack bounds how many code points IsGraphemeBoundary steps back from an offset to
// find a position that is surely a grapheme cluster boundary, so that a check costs the same on
// a 5 MB text as on a sentence. Only a run longer than this of characters whose clustering
// depends on what comes before (regional indicators, an emoji's extenders) could be misjudged.
const graphemeLookBack = 128

// IsGraphemeBoundary reports whether code point offset cp lies between two grapheme clusters
// (UAX #29, as github.com/rivo/uniseg implements it), so that a span starting or ending there
// does not cut a user-perceived character such as 👍🏽, a flag or a letter with its combining
// marks in two. Offsets 0 and Len() are boundaries; offsets outside the text are too, for the
// caller has refused them already.
func (t *Text) IsGraphemeBoundary(cp int) bool {
	_, _, ok := t.graphemeClusterAround(cp)
	return ok
}

// WidenToGraphemes returns the smallest span holding code points [start, end) whose edges are
// grapheme cluster boundaries: an edge inside 👍🏽, a flag or a letter with its combining marks
// moves out to that character's edge. Re-anchoring uses it, since an approximate match may end
// between a letter and its mark that the new text added, and a claim must never cut one.
func (t *Text) WidenToGraphemes(start, end int) (int, int) {
	if from, _, ok := t.graphemeClusterAround(start); !ok {
		start = t.CodePointOffset(from)
	}
	if _, to, ok := t.graphemeClusterAround(end); !ok {
		end = t.CodePointOffset(to)
	}
	return start, end
}

// graphemeClusterAround returns whether code point offset cp is a grapheme cluster boundary and,
// when it is not, the byte extent of the cluster that cp falls inside. Only the neighbourhood of
// cp is segmented: from a safe start a few code points back up to the cluster that reaches cp.
func (t *Text) graphemeClusterAround(cp int) (from, to int, ok bool) {
	if cp <= 0 || cp >= t.n {
		return 0, 0, true
	}
	s, b := t.s, t.ByteOffset(cp)
	if asciiBoundary(s, b) {
		return 0, 0, true
	}
	p, state := clusterSearchStart(s, b), -1
	for p < b {
		var cluster string
		cluster, _, _, state = uniseg.FirstGraphemeClusterInString(s[p:], state)
		if p+len(cluster) > b {
			return p, p + len(cluster), false
		}
		p += len(cluster)
	}
	return 0, 0, true
}

// asciiBoundary reports whether byte offset b, 0 < b < len(s), lies between two positions that
// are surely separate grapheme clusters: two ASCII characters other than CR LF, or either side
// of an LF. No rule of UAX #29 joins an ASCII character to its neighbours but CR LF, and none
// looks through one (each ASCII character is its own cluster unless a Prepend mark precedes it,
// which needs a non-ASCII left side).
func asciiBoundary(s string, b int) bool {
	l, r := s[b-1], s[b]
	switch {
	case l == '\r' && r == '\n':
		return false
	case l == '\n' || r == '\n':
		return true
	}
	return l < utf8.RuneSelf && r < utf8.RuneSelf
}

// clusterSearchStart steps back from byte offset b to the nearest position that is surely a
// grapheme cluster boundary (the text's start, or an asciiBoundary), at most graphemeLookBack
// code points, and returns the position where it stopped.
func clusterSearchStart(s string, b int) int {
	p := b
	for k := 0; k < graphemeLookBack && p > 0; k++ {
		_, w := utf8.DecodeLastRuneInString(s[:p])
		p -= w
		if p == 0 || asciiBoundary(s, p) {
			return p
		}
	}
	return p
}

// checkGraphemeBoundary refuses a span edge (field "start" or "end") at code point offset cp that
// falls inside a grapheme cluster, naming the character and the offsets either side of it.
func checkGraphemeBoundary(t *Text, cp int, field string) error {
	from, to, ok := t.graphemeClusterAround(cp)
	if ok {
		return nil
	}
	a, z := t.CodePointOffset(from), t.CodePointOffset(to)
	return FieldErrorf(ECodeSplitsGrapheme, field,
		"%s %d splits the character %q, which is code points %d..%d; a span must start and end between characters (use %d or %d)",
		field, cp, clip(t.s[from:to]), a, z, a, z)
}
