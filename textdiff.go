package citecheck

import (
	"sort"
	"unicode"
)

// maxGapCells bounds the quadratic diff that runs on a gap where no token is unique on both
// sides: 1<<16 cells keeps it under a millisecond, and gaps that size are the common case.
const maxGapCells = 1 << 16

// posMap maps code point offsets of an old text to where they most likely are in a new one. It
// diffs the two texts as tokens (words, runs of white space, single other characters) with a
// patience diff: tokens that occur once on both sides anchor the match, the gaps between anchors
// are diffed again, and small gaps without such tokens get an exact longest common subsequence.
// That keeps it near linear on 1 MB texts, and a moved paragraph simply stays unmatched.
type posMap struct {
	oldStart, newStart []int32 // token start offsets, with the text length appended
	match              []int32 // match[i] is the new token matched to old token i, or -1
	newMatch           []int32 // newMatch[j] is the old token matched to new token j, or -1
	prev, next         []int32 // nearest matched old token at or before / at or after i, or -1
}

// newPosMap diffs old against new.
func newPosMap(old, new []rune) *posMap {
	os, oh := tokenize(old)
	ns, nh := tokenize(new)
	pm := &posMap{oldStart: os, newStart: ns, match: make([]int32, len(oh))}
	for i := range pm.match {
		pm.match[i] = -1
	}
	patienceDiff(oh, nh, pm.match)
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

// tokenize splits rs into words (letters, digits and the marks on them), runs of white space and
// single other characters. It returns each token's start, with len(rs) appended, and its hash.
func tokenize(rs []rune) (starts []int32, hashes []uint64) {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	class := func(r rune) int {
		switch {
		case r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'):
			return 1
		case r == ' ' || r == '\n' || r == '\t':
			return 2
		case r < 0x80:
			return 3
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			return 1
		case unicode.IsSpace(r):
			return 2
		}
		return 3
	}
	for i := 0; i < len(rs); {
		c := class(rs[i])
		j := i + 1
		if c != 3 {
			for j < len(rs) && class(rs[j]) == c {
				j++
			}
		}
		h := uint64(offset) ^ uint64(c)
		for _, r := range rs[i:j] {
			h = (h ^ uint64(r)) * prime
		}
		starts = append(starts, int32(i))
		hashes = append(hashes, h)
		i = j
	}
	starts = append(starts, int32(len(rs)))
	return starts, hashes
}

// diffRange is a stretch of old tokens [a0, a1) and new tokens [b0, b1) still to be diffed.
type diffRange struct{ a0, a1, b0, b1 int }

// patienceDiff fills match[i] with the token of b matched to token i of a.
func patienceDiff(a, b []uint64, match []int32) {
	type count struct{ ca, cb, pb int32 }
	counts := make(map[uint64]*count)
	stack := []diffRange{{0, len(a), 0, len(b)}}
	for len(stack) > 0 {
		r := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for r.a0 < r.a1 && r.b0 < r.b1 && a[r.a0] == b[r.b0] {
			match[r.a0] = int32(r.b0)
			r.a0, r.b0 = r.a0+1, r.b0+1
		}
		for r.a0 < r.a1 && r.b0 < r.b1 && a[r.a1-1] == b[r.b1-1] {
			match[r.a1-1] = int32(r.b1 - 1)
			r.a1, r.b1 = r.a1-1, r.b1-1
		}
		if r.a0 == r.a1 || r.b0 == r.b1 {
			continue
		}
		clear(counts)
		for i := r.a0; i < r.a1; i++ {
			c := counts[a[i]]
			if c == nil {
				c = &count{}
				counts[a[i]] = c
			}
			c.ca++
		}
		for j := r.b0; j < r.b1; j++ {
			if c := counts[b[j]]; c != nil {
				c.cb++
				c.pb = int32(j)
			}
		}
		var pairs [][2]int32
		for i := r.a0; i < r.a1; i++ {
			if c := counts[a[i]]; c.ca == 1 && c.cb == 1 {
				pairs = append(pairs, [2]int32{int32(i), c.pb})
			}
		}
		anchors := longestIncreasing(pairs)
		if len(anchors) == 0 {
			if (r.a1-r.a0)*(r.b1-r.b0) <= maxGapCells {
				lcsDiff(a, b, r, match)
			}
			continue
		}
		pa, pb := r.a0, r.b0
		for _, p := range anchors {
			match[p[0]] = p[1]
			stack = append(stack, diffRange{pa, int(p[0]), pb, int(p[1])})
			pa, pb = int(p[0])+1, int(p[1])+1
		}
		stack = append(stack, diffRange{pa, r.a1, pb, r.b1})
	}
}

// longestIncreasing returns the longest subsequence of pairs (sorted by their first element)
// whose second elements increase, by patience sorting.
func longestIncreasing(pairs [][2]int32) [][2]int32 {
	if len(pairs) == 0 {
		return nil
	}
	tails := []int{}
	prev := make([]int, len(pairs))
	for i, p := range pairs {
		k := sort.Search(len(tails), func(k int) bool { return pairs[tails[k]][1] >= p[1] })
		if k > 0 {
			prev[i] = tails[k-1]
		} else {
			prev[i] = -1
		}
		if k == len(tails) {
			tails = append(tails, i)
		} else {
			tails[k] = i
		}
	}
	out := make([][2]int32, len(tails))
	for i, k := tails[len(tails)-1], len(tails)-1; k >= 0; i, k = prev[i], k-1 {
		out[k] = pairs[i]
	}
	return out
}

// lcsDiff matches the tokens of a longest common subsequence of a small range.
func lcsDiff(a, b []uint64, r diffRange, match []int32) {
	n, m := r.a1-r.a0, r.b1-r.b0
	w := m + 1
	t := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[r.a0+i] == b[r.b0+j] {
				t[i*w+j] = t[(i+1)*w+j+1] + 1
			} else {
				t[i*w+j] = max(t[(i+1)*w+j], t[i*w+j+1])
			}
		}
	}
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case a[r.a0+i] == b[r.b0+j]:
			match[r.a0+i] = int32(r.b0 + j)
			i, j = i+1, j+1
		case t[(i+1)*w+j] >= t[i*w+j+1]:
			i++
		default:
			j++
		}
	}
}
