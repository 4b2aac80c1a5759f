package anchor

import "sort"

// posMap maps code point offsets of an old text to where they most likely are in a new one,
// through the token diff of diff.go. The patience diff keeps it near linear on 1 MB texts, and
// a moved paragraph simply stays unmatched.
type posMap struct {
	oldStart, newStart []int32 // token start offsets, with the text length appended
	match              []int32 // match[i] is the new token matched to old token i, or -1
	newMatch           []int32 // newMatch[j] is the old token matched to new token j, or -1
	prev, next         []int32 // nearest matched old token at or before / at or after i, or -1
	isWord, newIsWord  []bool  // whether each old / new token is a word
	moves              []move  // sentences that moved, by old offset (moves.go)
}

// newPosMap diffs old against new.
func newPosMap(old, new []rune) *posMap {
	tz := newTokenizer()
	ot, nt := tz.tokenize(old), tz.tokenize(new)
	oh, nh := ot.ids, nt.ids
	pm := &posMap{oldStart: ot.starts, newStart: nt.starts, match: matchTokens(ot, nt, tz)}
	pm.isWord, pm.newIsWord = wordTokens(ot, tz), wordTokens(nt, tz)
	pm.newMatch = make([]int32, len(nh))
	for j := range pm.newMatch {
		pm.newMatch[j] = -1
	}
	for i, j := range pm.match {
		if j >= 0 {
			pm.newMatch[j] = int32(i)
		}
	}
	n := len(oh)
	pm.prev, pm.next = make([]int32, n), make([]int32, n)
	last := int32(-1)
	for i := 0; i < n; i++ {
		if pm.match[i] >= 0 {
			last = int32(i)
		}
		pm.prev[i] = last
	}
	last = -1
	for i := n - 1; i >= 0; i-- {
		if pm.match[i] >= 0 {
			last = int32(i)
		}
		pm.next[i] = last
	}
	return pm
}

// wordTokens reports for each token of t whether it is a word.
func wordTokens(t tokens, tz *tokenizer) []bool {
	out := make([]bool, len(t.ids))
	for i, id := range t.ids {
		out[i] = tokenClass(tz.reps[id][0]) == 1
	}
	return out
}

// Map returns the expected new offset of old offset p. Inside a moved sentence it is where the
// sentence went; inside a matched token it is exact; inside a changed stretch it is
// interpolated between the matched tokens around it.
func (pm *posMap) Map(p int) int {
	if mv, ok := pm.moveOf(p, p); ok {
		return mv.newStart + p - mv.oldStart
	}
	return pm.mapDiff(p)
}

// mapDiff is Map by the diff alone.
func (pm *posMap) mapDiff(p int) int {
	n := len(pm.match)
	oldLen, newLen := int(pm.oldStart[n]), int(pm.newStart[len(pm.newStart)-1])
	if n == 0 {
		return min(max(p, 0), newLen)
	}
	p = min(max(p, 0), oldLen)
	i := sort.Search(n, func(i int) bool { return int(pm.oldStart[i]) > p }) - 1
	i = max(i, 0)
	if j := pm.match[i]; j >= 0 {
		return min(int(pm.newStart[j])+p-int(pm.oldStart[i]), int(pm.newStart[j+1]))
	}
	oLo, nLo, oHi, nHi := pm.stretch(i)
	if oHi <= oLo || nHi <= nLo {
		return nLo
	}
	return nLo + (p-oLo)*(nHi-nLo)/(oHi-oLo)
}

// stretch returns the changed stretch around the unmatched old token i: from the end of the
// matched token before it to the start of the matched token after it, on both sides.
func (pm *posMap) stretch(i int) (oLo, nLo, oHi, nHi int) {
	oHi, nHi = int(pm.oldStart[len(pm.match)]), int(pm.newStart[len(pm.newStart)-1])
	if a := pm.prev[i]; a >= 0 {
		oLo, nLo = int(pm.oldStart[a+1]), int(pm.newStart[pm.match[a]+1])
	}
	if b := pm.next[i]; b >= 0 {
		oHi, nHi = int(pm.oldStart[b]), int(pm.newStart[pm.match[b]])
	}
	return oLo, nLo, oHi, nHi
}

// slack is how far from Map(p) the new place of old offset p may be: none inside a moved
// sentence or a matched token; inside a changed stretch, which Map interpolates, as far as p
// lies from the nearer end of the stretch plus the change in its length. A stretch the diff
// could not match at all (a long run of repeated paragraphs, most of them edited) leaves the
// place of a claim in its middle unknown, and a copy of its sentence a few paragraphs away
// is then as likely its place as the one nearest the guess.
func (pm *posMap) slack(p int) int {
	if _, ok := pm.moveOf(p, p); ok || len(pm.match) == 0 {
		return 0
	}
	i := pm.tokenAt(p)
	if pm.match[i] >= 0 {
		return 0
	}
	oLo, nLo, oHi, nHi := pm.stretch(i)
	return max(0, min(p-oLo, oHi-p)) + abs((oHi-oLo)-(nHi-nLo))
}

// ClaimedElsewhere reports whether most tokens of the new span [ns, ne) are matched by the diff
// to old text outside the old span [os, oe): the new text there is where some other passage
// went, typically a repeated one, not where the claim went.
func (pm *posMap) ClaimedElsewhere(ns, ne, os, oe int) bool {
	n := len(pm.newMatch)
	j := max(sort.Search(n, func(j int) bool { return int(pm.newStart[j]) > ns })-1, 0)
	total, elsewhere := 0, 0
	for ; j < n && int(pm.newStart[j]) < ne; j++ {
		total++
		if i := pm.newMatch[j]; i >= 0 && (int(pm.oldStart[i+1]) <= os || int(pm.oldStart[i]) >= oe) {
			elsewhere++
		}
	}
	return elsewhere*2 > total
}

// tokenAt returns the old token that holds old offset p.
func (pm *posMap) tokenAt(p int) int {
	return max(sort.Search(len(pm.match), func(i int) bool { return int(pm.oldStart[i]) > p })-1, 0)
}

// inPlace reports where the diff left the old span [s, e): the new span [ns, ne) between its
// first and last matched tokens, when at least 60% of its words are matched, in order, and the
// new span is no more than twice as long. A claim left in place was edited there, so an
// untouched copy of its quote elsewhere is not where it went.
func (pm *posMap) inPlace(s, e int) (ns, ne int, ok bool) {
	if e <= s || len(pm.match) == 0 || pm.matchedShare(s, e, false) < 0.6 {
		return 0, 0, false
	}
	first, last := -1, -1
	for i := pm.tokenAt(s); i < len(pm.match) && int(pm.oldStart[i]) < e; i++ {
		if pm.match[i] >= 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return 0, 0, false
	}
	ns, ne = int(pm.newStart[pm.match[first]]), int(pm.newStart[pm.match[last]+1])
	return ns, ne, ne-ns <= 2*(e-s)+8
}

// insertedInto reports where the old span [s, e) is now if the revision only inserted text
// inside it: every token of the span is matched, the span starts and ends on token boundaries
// and the new tokens between its matches are new text, matched to nothing.
func (pm *posMap) insertedInto(s, e int) (ns, ne int, ok bool) {
	if e <= s || len(pm.match) == 0 {
		return 0, 0, false
	}
	i0 := pm.tokenAt(s)
	if int(pm.oldStart[i0]) != s {
		return 0, 0, false
	}
	i1 := i0
	for ; i1 < len(pm.match) && int(pm.oldStart[i1]) < e; i1++ {
		if pm.match[i1] < 0 {
			return 0, 0, false
		}
	}
	if int(pm.oldStart[i1]) != e {
		return 0, 0, false
	}
	j0, j1 := pm.match[i0], pm.match[i1-1]+1
	for j := j0; j < j1; j++ {
		if k := pm.newMatch[j]; k >= 0 && (k < int32(i0) || k >= int32(i1)) {
			return 0, 0, false
		}
	}
	return int(pm.newStart[j0]), int(pm.newStart[j1]), true
}

// contextInPlace reports where the diff left the context around the old span [s, e), npre code
// points before it and nsuf after: when most words on each side are matched, the claim stood
// between them, so an edited or deleted claim is there or nowhere, even a short one whose own
// words the diff could not match.
func (pm *posMap) contextInPlace(s, e, npre, nsuf int) (ns, ne int, ok bool) {
	oldLen := int(pm.oldStart[len(pm.oldStart)-1])
	side := func(lo, hi int, atEdge bool) bool {
		return atEdge || hi-lo >= minMoveLen && pm.matchedShare(lo, hi, false) >= 0.6
	}
	// A side cut short by the edge of the text has nothing to match: the other side decides.
	if len(pm.match) == 0 || npre+nsuf < minMoveLen || !side(s-npre, s, s-npre <= 0) || !side(e, e+nsuf, e+nsuf >= oldLen) {
		return 0, 0, false
	}
	ns, ne = pm.mapDiff(s-npre), pm.mapDiff(e+nsuf)
	return ns, ne, ne > ns && ne-ns <= 2*(e-s+npre+nsuf)+8
}
