package anchor

import (
	"slices"
	"sort"
	"unicode"
)

// A revision is edits to blocks: sentences and paragraphs are swapped and moved whole, and a
// diff, which keeps one order, leaves a moved block unmatched. The moves found here put such a
// block back: each sentence of the old text that the diff did not leave in place, found verbatim
// once in the new text (and once in the old), is a move, and positions inside it
// map through the move. A claim's context is then judged inside its block, since the sentence
// around it moved with it and its neighbours did not.

// minMoveLen is the shortest sentence worth looking for elsewhere: a shorter one recurs by
// chance.
const minMoveLen = 16

// maxMoveLookups bounds the sentences looked up per diff, so a revision that rewrote the whole
// text costs one bounded pass.
const maxMoveLookups = 4096

// move is an old stretch [oldStart, oldEnd) found verbatim at newStart.
type move struct{ oldStart, oldEnd, newStart int }

// sentenceBlocks cuts rs into sentences: each ends after a full stop, question or exclamation
// mark followed by white space, or at a blank line; white space between them belongs to none.
func sentenceBlocks(rs []rune) [][2]int {
	var out [][2]int
	start := 0
	flush := func(end int) {
		for start < end && unicode.IsSpace(rs[start]) {
			start++
		}
		e := end
		for e > start && unicode.IsSpace(rs[e-1]) {
			e--
		}
		if e > start {
			out = append(out, [2]int{start, e})
		}
		start = end
	}
	for i, r := range rs {
		switch {
		case r == '\n' && i+1 < len(rs) && rs[i+1] == '\n':
			flush(i)
		case (r == '.' || r == '!' || r == '?' || r == '؟') && i+1 < len(rs) && unicode.IsSpace(rs[i+1]):
			flush(i + 1)
		}
	}
	flush(len(rs))
	return out
}

// findMoves returns, sorted by old offset, the sentences of old that left their place and are
// found verbatim, once on each side; neighbouring moves that moved together are merged.
func findMoves(pm *posMap, oldSide, newSide *textSide) []move {
	old, nw := oldSide.runes, newSide.runes
	var found []move
	var kept [][2]int // where the diff left each sentence found, or {-1, -1}
	lookups := 0
	for _, b := range sentenceBlocks(old) {
		if b[1]-b[0] < minMoveLen || pm.matchedShare(b[0], b[1], false) == 1 {
			continue
		}
		if lookups++; lookups > maxMoveLookups {
			break
		}
		q := old[b[0]:b[1]]
		s := string(q)
		starts, all := newSide.find(s, q)
		if !all || len(starts) != 1 {
			continue
		}
		// Once on each side, the new place is where the sentence went, even if the diff matched
		// a few of its words there to the sentence it changed places with.
		if olds, all := oldSide.find(s, q); !all || len(olds) != 1 {
			continue
		}
		found = append(found, move{oldStart: b[0], oldEnd: b[1], newStart: starts[0]})
		ns, ne, ok := pm.inPlace(b[0], b[1])
		if !ok {
			ns, ne = -1, -1
		}
		kept = append(kept, [2]int{ns, ne})
	}
	out := movedOut(found, kept)
	// Merge sentences that moved together, with the same white space between them.
	// Merge sentences that moved together, with the same white space between them.
	merged := out[:0]
	for _, m := range out {
		if n := len(merged); n > 0 {
			p := &merged[n-1]
			gapOld, gapNew := m.oldStart-p.oldEnd, m.newStart-(p.newStart+p.oldEnd-p.oldStart)
			if gapOld == gapNew && gapOld >= 0 && p.newStart+p.oldEnd-p.oldStart+gapOld <= len(nw) &&
				slices.Equal(old[p.oldEnd:m.oldStart], nw[p.newStart+p.oldEnd-p.oldStart:m.newStart]) {
				p.oldEnd = m.oldEnd
				continue
			}
		}
		merged = append(merged, m)
	}
	return merged
}

// matchedShare is the share of the word tokens of [s, e) (of the new text if inNew, else of
// the old one) that the diff matched.
func (pm *posMap) matchedShare(s, e int, inNew bool) float64 {
	starts, match, isWord := pm.oldStart, pm.match, pm.isWord
	if inNew {
		starts, match, isWord = pm.newStart, pm.newMatch, pm.newIsWord
	}
	n := len(match)
	j := max(sort.Search(n, func(j int) bool { return int(starts[j]) > s })-1, 0)
	words, matched := 0, 0
	for ; j < n && int(starts[j]) < e; j++ {
		if !isWord[j] {
			continue
		}
		words++
		if match[j] >= 0 {
			matched++
		}
	}
	if words == 0 {
		return 1
	}
	return float64(matched) / float64(words)
}

// moveOf returns the move that holds all of the old span [s, e).
func (pm *posMap) moveOf(s, e int) (move, bool) {
	k := sort.Search(len(pm.moves), func(k int) bool { return pm.moves[k].oldEnd > s })
	if k < len(pm.moves) && pm.moves[k].oldStart <= s && e <= pm.moves[k].oldEnd {
		return pm.moves[k], true
	}
	return move{}, false
}

// movedOut keeps the sentences found that left their place: those the diff left nowhere, and
// those it left where another sentence found now stands verbatim. Near-identical sentences that
// changed places ("With optional *start*, ..." and "With optional *end*, ...") have most words
// in common, so the diff matches each to the other's place; that place holds the other sentence
// word for word, so each moved. A sentence the diff left in place and that is not verbatim
// there was edited where it stood: a verbatim copy of it elsewhere is another passage.
func movedOut(found []move, kept [][2]int) []move {
	var out []move
	for i, m := range found {
		if kept[i][0] < 0 || slices.ContainsFunc(found, func(o move) bool {
			return o != m && o.newStart < kept[i][1] && kept[i][0] < o.newStart+o.oldEnd-o.oldStart
		}) {
			out = append(out, m)
		}
	}
	return out
}
