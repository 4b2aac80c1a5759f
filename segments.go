package citecheck

import "sort"

// Segment is a maximal run of a text in which the set of covering claims and the covering marker
// do not change, so that a view can render the text with nested highlights and marker links.
type Segment struct {
	Start  int    // code point offset of the run
	Text   string // the run's text
	Claims []int  // indexes into the claims passed to Segments of the claims covering the run, ascending; nil if none
	Marker int    // index into the markers passed to Segments of the marker the run is part of, or -1
	First  []int  // indexes of the claims that start at this run, ascending (for anchors id="c-ID"); nil if none
}

// Segments cuts t into runs at every claim start and end and every marker start and end. The
// runs cover the whole text in order: their Text concatenated is t.String(). Claims may overlap
// and nest; an empty claim or the part of a claim outside the text is ignored. cits must be
// sorted by Start and not overlap, as ParseCitations returns them. It is a sweep over the sorted
// boundaries: O((claims + markers) log(claims + markers) + text length + output).
func Segments(t *Text, cits []Citation, claims []Claim) []Segment {
	return SegmentsIn(t, cits, claims, 0, t.Len())
}

// SegmentsIn is the part of Segments(t, cits, claims) between the code points from and to, each
// run cut at from and to: a run that starts before from begins at from, and First holds only
// the claims that start at a run, never one that started before from. It looks at the markers
// there alone; claims that end before from or start at or after to change nothing, so a view
// can cut one block of a big text again from the few claims over it.
func SegmentsIn(t *Text, cits []Citation, claims []Claim, from, to int) []Segment {
	from, to = max(from, 0), min(to, t.Len())
	if from >= to {
		return []Segment{}
	}
	type event struct{ pos, claim int }
	var starts, ends []event
	mi := sort.Search(len(cits), func(i int) bool { return cits[i].End > from })
	cuts := []int{from, to}
	var active []int // ascending claim indexes covering the current run
	for i := range claims {
		a, b := max(claims[i].Start, 0), min(claims[i].End, t.Len())
		if a >= b || b <= from || a >= to {
			continue
		}
		if a < from {
			active = append(active, i) // covering from on, but not starting in the window
		} else {
			starts = append(starts, event{a, i})
			cuts = append(cuts, a)
		}
		ends = append(ends, event{b, i})
		cuts = append(cuts, min(b, to))
	}
	for _, m := range cits[mi:] {
		if m.Start >= to {
			break
		}
		cuts = append(cuts, min(max(m.Start, from), to), min(max(m.End, from), to))
	}
	byPos := func(e []event) func(i, j int) bool {
		return func(i, j int) bool { return e[i].pos < e[j].pos || e[i].pos == e[j].pos && e[i].claim < e[j].claim }
	}
	sort.Slice(starts, byPos(starts))
	sort.Slice(ends, byPos(ends))
	sort.Ints(cuts)
	cuts = compactInts(cuts)

	segs := make([]Segment, 0, len(cuts)-1)
	si, ei := 0, 0
	for k := 0; k+1 < len(cuts); k++ {
		a, b := cuts[k], cuts[k+1]
		for ; ei < len(ends) && ends[ei].pos <= a; ei++ {
			active = removeSorted(active, ends[ei].claim)
		}
		var first []int
		for ; si < len(starts) && starts[si].pos <= a; si++ {
			active = insertSorted(active, starts[si].claim)
			first = append(first, starts[si].claim)
		}
		for mi < len(cits) && cits[mi].End <= a {
			mi++
		}
		marker := -1
		if mi < len(cits) && cits[mi].Start <= a && b <= cits[mi].End {
			marker = mi
		}
		var cover []int
		if len(active) > 0 {
			cover = append([]int(nil), active...)
		}
		segs = append(segs, Segment{Start: a, Text: t.Slice(a, b), Claims: cover, Marker: marker, First: first})
	}
	return segs
}

// compactInts drops repeated values from ascending s in place.
func compactInts(s []int) []int {
	k := 0
	for i, v := range s {
		if i == 0 || v != s[k-1] {
			s[k] = v
			k++
		}
	}
	return s[:k]
}

func insertSorted(s []int, v int) []int {
	i := sort.SearchInts(s, v)
	s = append(s, 0)
	copy(s[i+1:], s[i:])
	s[i] = v
	return s
}

func removeSorted(s []int, v int) []int {
	i := sort.SearchInts(s, v)
	if i < len(s) && s[i] == v {
		s = append(s[:i], s[i+1:]...)
	}
	return s
}
