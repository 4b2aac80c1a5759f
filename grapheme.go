package citecheck

import (
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// graphemeLookBack bounds how many code points IsGraphemeBoundary steps back from an offset to
// find a position that is surely a grapheme cluster boundary, so that a check costs the same on
// a 5 MB text as on a sentence. Only a run longer than this of characters whose clustering
// depends on what comes before (regional indicators, an emoji's extenders) could be misjudged.
const graphemeLookBack = 128

// IsGraphemeBoundary reports whether code point offset cp lies between two grapheme clusters
// (UAX #29 of Unicode 15.1: github.com/rivo/uniseg's, with rule GB9c added, firstCluster), so that a span starting or ending there
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
		cluster, state = firstCluster(s[p:], state)
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

// firstCluster is the first grapheme cluster of s as uniseg finds it (Unicode 15.0) and the
// state to go on from, with the rule Unicode 15.1 added, GB9c: an Indic conjunct stays whole.
// A consonant followed by a virama (InCB=Linker) and marks joins the consonant after it, so
// क्षा (KA, VIRAMA, SSA, AA) is one character, not क् and षा, as browsers segment it.
func firstCluster(s string, state int) (string, int) {
	cluster, rest, _, state := uniseg.FirstGraphemeClusterInString(s, state)
	n := len(cluster)
	for rest != "" && endsInConjunctLink(s[:n]) {
		if r, _ := utf8.DecodeRuneInString(rest); !isInCBConsonant(r) {
			break
		}
		var next string
		next, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		n += len(next)
	}
	return s[:n], state
}

// endsInConjunctLink reports whether s ends as the left side of GB9c does: an InCB consonant,
// then InCB extenders and linkers with at least one linker among them.
func endsInConjunctLink(s string) bool {
	linked := false
	for s != "" {
		r, w := utf8.DecodeLastRuneInString(s)
		switch {
		case isInCBLinker(r):
			linked = true
		case isInCBConsonant(r):
			return linked
		case !isInCBExtend(r):
			return false
		}
		s = s[:len(s)-w]
	}
	return false
}

// The Indic_Conjunct_Break values of Unicode 15.1 (DerivedCoreProperties.txt), in the six
// scripts it names: Devanagari, Bengali, Gujarati, Oriya, Telugu and Malayalam.
var (
	incbLinker    = &unicode.RangeTable{R16: []unicode.Range16{{0x094D, 0x094D, 1}, {0x09CD, 0x09CD, 1}, {0x0ACD, 0x0ACD, 1}, {0x0B4D, 0x0B4D, 1}, {0x0C4D, 0x0C4D, 1}, {0x0D4D, 0x0D4D, 1}}}
	incbConsonant = &unicode.RangeTable{R16: []unicode.Range16{
		{0x0915, 0x0939, 1}, {0x0958, 0x095F, 1}, {0x0978, 0x097F, 1}, // Devanagari
		{0x0995, 0x09A8, 1}, {0x09AA, 0x09B0, 1}, {0x09B2, 0x09B2, 1}, {0x09B6, 0x09B9, 1}, {0x09DC, 0x09DD, 1}, {0x09DF, 0x09DF, 1}, {0x09F0, 0x09F1, 1}, // Bengali
		{0x0A95, 0x0AA8, 1}, {0x0AAA, 0x0AB0, 1}, {0x0AB2, 0x0AB3, 1}, {0x0AB5, 0x0AB9, 1}, {0x0AF9, 0x0AF9, 1}, // Gujarati
		{0x0B15, 0x0B28, 1}, {0x0B2A, 0x0B30, 1}, {0x0B32, 0x0B33, 1}, {0x0B35, 0x0B39, 1}, {0x0B5C, 0x0B5D, 1}, {0x0B5F, 0x0B5F, 1}, {0x0B71, 0x0B71, 1}, // Oriya
		{0x0C15, 0x0C28, 1}, {0x0C2A, 0x0C39, 1}, {0x0C58, 0x0C5A, 1}, // Telugu
		{0x0D15, 0x0D3A, 1}, // Malayalam
	}}
)

func isInCBLinker(r rune) bool    { return unicode.Is(incbLinker, r) }
func isInCBConsonant(r rune) bool { return unicode.Is(incbConsonant, r) }

// isInCBExtend approximates InCB=Extend (Grapheme_Cluster_Break Extend or ZWJ, but not ZWNJ):
// the nonspacing and enclosing marks, and ZWJ. A spacing vowel sign (a Grapheme_Cluster_Break
// SpacingMark) is none, so it ends the link.
func isInCBExtend(r rune) bool {
	return r == 0x200D || unicode.In(r, unicode.Mn, unicode.Me)
}
