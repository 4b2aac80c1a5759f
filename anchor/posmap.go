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
}

// newPosMap diffs old against new.
func newPosMap(old, new []rune) *posMap {
	tz := newTokenizer()
	ot, nt := tz.tokenize(old), tz.tokenize(new)
	oh, nh := ot.ids, nt.ids
	pm := &posMap{oldStart: ot.starts, newStart: nt.starts, match: matchTokens(ot, nt, tz)}
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

// Map returns the expected new offset of old offset p. Inside a matched token it is exact;
// inside a changed stretch it is interpolated between the matched tokens around it.
func (pm *posMap) Map(p int) int {
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
	// The changed stretch runs from the end of the matched token before to the start of the
	// matched token after, on both sides.
	oLo, nLo, oHi, nHi := 0, 0, oldLen, newLen
	if a := pm.prev[i]; a >= 0 {
		oLo, nLo = int(pm.oldStart[a+1]), int(pm.newStart[pm.match[a]+1])
	}
	if b := pm.next[i]; b >= 0 {
		oHi, nHi = int(pm.oldStart[b]), int(pm.newStart[pm.match[b]])
	}
	if oHi <= oLo || nHi <= nLo {
		return nLo
	}
	return nLo + (p-oLo)*(nHi-nLo)/(oHi-oLo)
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
