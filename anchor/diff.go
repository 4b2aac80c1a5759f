package anchor

import (
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// The one diff core: both the position map of re-anchoring and the word diff of a revision cut
// their texts with one tokenizer and match the tokens with one diff. The diff is a patience diff
// (tokens that occur once on both sides anchor the match, their longest increasing run by
// patience sorting, and the gaps between anchors are diffed again); a small gap without such
// tokens gets an exact longest common subsequence. A large one (repeated paragraphs) is diffed
// line by line first, by the same diff over lines, and what lies between the lines it matched
// token by token; Myers' O(ND) diff takes the gaps that still have no unique token.

// maxGapCells bounds the quadratic LCS that runs on a gap where no token is unique on both
// sides: 1<<16 cells keeps it under a millisecond, and gaps that size are the common case.
const maxGapCells = 1 << 16

// myersBudget bounds the work of all the Myers diffs of one diff together, each charged its
// worst case ((n+m)²/4 steps for n and m tokens or lines): about a second. Past it a gap stays
// unmatched (shown as replaced), so the diff is deterministic and its time bounded by the text.
const myersBudget = 1 << 30

// tokens is a text cut into tokens: words (letters, digits and the marks on them), runs of
// white space and single other characters.
type tokens struct {
	starts []int32 // code point offset of each token, with the text's length appended
	ids    []int32 // equal tokens, of either text cut by one tokenizer, have equal ids
}

// tokenizer cuts texts into tokens and gives equal tokens equal ids, so that the diff compares
// integers. Tokens are found by a hash and compared in full, so a hash collision never makes
// two different tokens equal.
type tokenizer struct {
	byHash map[uint64]int32 // the id of the first token with each hash
	rare   map[string]int32 // tokens whose hash another token had first
	reps   [][]rune         // each id's token
}

func newTokenizer() *tokenizer {
	return &tokenizer{byHash: map[uint64]int32{}, rare: map[string]int32{}}
}

// tokenClass sorts code points for cutting tokens: 1 word, 2 white space, 3 other (each its own
// token).
func tokenClass(r rune) int {
	switch {
	case r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'):
		return 1
	case r == ' ' || r == '\n' || r == '\t':
		return 2
	case r < 0x80 && r >= 0:
		return 3
	case isWordRune(r):
		return 1
	case unicode.IsSpace(r):
		return 2
	}
	return 3
}

// tokenize cuts rs into tokens.
func (tz *tokenizer) tokenize(rs []rune) tokens {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	// About one token in three code points (a word, its space, a mark): room for them at once,
	// not grown by doubling through a few MB of text.
	t := tokens{starts: make([]int32, 0, len(rs)/3+1), ids: make([]int32, 0, len(rs)/3+1)}
	for i := 0; i < len(rs); {
		c := tokenClass(rs[i])
		j := i + 1
		if c != 3 {
			for j < len(rs) && tokenClass(rs[j]) == c {
				j++
			}
		}
		h := uint64(offset)
		for _, r := range rs[i:j] {
			h = (h ^ uint64(r)) * prime
		}
		t.starts = append(t.starts, int32(i))
		t.ids = append(t.ids, tz.id(h, rs[i:j]))
		i = j
	}
	t.starts = append(t.starts, int32(len(rs)))
	return t
}

// id returns the id of token tok, whose hash is h.
func (tz *tokenizer) id(h uint64, tok []rune) int32 {
	id, ok := tz.byHash[h]
	switch {
	case !ok:
		id = int32(len(tz.reps))
		tz.byHash[h] = id
	case slices.Equal(tz.reps[id], tok):
		return id
	default:
		s := string(tok)
		if id, ok := tz.rare[s]; ok {
			return id
		}
		id = int32(len(tz.reps))
		tz.rare[s] = id
	}
	tz.reps = append(tz.reps, tok)
	return id
}

// diffRange is a stretch of old tokens [a0, a1) and new tokens [b0, b1) still to be diffed.
// A flat range is diffed token by token only: it lies between lines matched already.
type diffRange struct {
	a0, a1, b0, b1 int
	flat           bool
}

// matchTokens diffs a against b, both cut by tz, and returns, for each token of a, the token of
// b it is matched to, or -1. The matches increase: they are a common subsequence.
func matchTokens(a, b tokens, tz *tokenizer) []int32 {
	budget := myersBudget
	d := newDiffer(a.ids, b.ids, len(tz.reps), &budget)
	d.lines = &lineDiff{tz: tz}
	return d.run()
}

// differ diffs two sequences of ids (of tokens, or of lines).
type differ struct {
	a, b       []int32
	match      []int32
	ca, cb, pb []int32   // per id: its count in the range on each side, its last position in b
	budget     *int      // what is left of myersBudget, shared by the line diff
	lines      *lineDiff // nil when a and b are lines already
}

func newDiffer(a, b []int32, n int, budget *int) *differ {
	match := make([]int32, len(a))
	for i := range match {
		match[i] = -1
	}
	return &differ{a: a, b: b, match: match, ca: make([]int32, n), cb: make([]int32, n),
		pb: make([]int32, n), budget: budget}
}

func (d *differ) run() []int32 {
	stack := []diffRange{{0, len(d.a), 0, len(d.b), false}}
	for len(stack) > 0 {
		r := stack[len(stack)-1]
		stack = d.step(r, stack[:len(stack)-1])
	}
	return d.match
}

// step matches the common head and tail of r, then either splits the rest on its unique tokens
// (pushing the gaps between them on stack) or diffs it whole.
func (d *differ) step(r diffRange, stack []diffRange) []diffRange {
	a, b := d.a, d.b
	for r.a0 < r.a1 && r.b0 < r.b1 && a[r.a0] == b[r.b0] {
		d.match[r.a0] = int32(r.b0)
		r.a0, r.b0 = r.a0+1, r.b0+1
	}
	for r.a0 < r.a1 && r.b0 < r.b1 && a[r.a1-1] == b[r.b1-1] {
		d.match[r.a1-1] = int32(r.b1 - 1)
		r.a1, r.b1 = r.a1-1, r.b1-1
	}
	if r.a0 == r.a1 || r.b0 == r.b1 {
		return stack
	}
	anchors := longestIncreasing(d.uniquePairs(r))
	if len(anchors) == 0 {
		switch {
		case (r.a1-r.a0)*(r.b1-r.b0) <= maxGapCells:
			d.lcs(r)
		case d.lines != nil && !r.flat:
			if st, ok := d.lines.split(d, r, stack); ok {
				return st
			}
			d.myers(r)
		default:
			d.myers(r)
		}
		return stack
	}
	pa, pb := r.a0, r.b0
	for _, p := range anchors {
		d.match[p[0]] = p[1]
		stack = append(stack, diffRange{pa, int(p[0]), pb, int(p[1]), r.flat})
		pa, pb = int(p[0])+1, int(p[1])+1
	}
	return append(stack, diffRange{pa, r.a1, pb, r.b1, r.flat})
}

// uniquePairs returns, in the order of a, the pairs of positions of the tokens that occur once
// on each side of r.
func (d *differ) uniquePairs(r diffRange) [][2]int32 {
	for _, id := range d.a[r.a0:r.a1] {
		d.ca[id], d.cb[id] = 0, 0
	}
	for _, id := range d.b[r.b0:r.b1] {
		d.ca[id], d.cb[id] = 0, 0
	}
	for _, id := range d.a[r.a0:r.a1] {
		d.ca[id]++
	}
	for j := r.b0; j < r.b1; j++ {
		id := d.b[j]
		d.cb[id]++
		d.pb[id] = int32(j)
	}
	var pairs [][2]int32
	for i := r.a0; i < r.a1; i++ {
		if id := d.a[i]; d.ca[id] == 1 && d.cb[id] == 1 {
			pairs = append(pairs, [2]int32{int32(i), d.pb[id]})
		}
	}
	return pairs
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
		prev[i] = -1
		if k > 0 {
			prev[i] = tails[k-1]
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

// lcs matches the tokens of a longest common subsequence of a small range, by the quadratic
// table.
func (d *differ) lcs(r diffRange) {
	a, b := d.a, d.b
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
			d.match[r.a0+i] = int32(r.b0 + j)
			i, j = i+1, j+1
		case t[(i+1)*w+j] >= t[i*w+j+1]:
			i++
		default:
			j++
		}
	}
}

// myers matches a range by Myers' diff (sergi/go-diff, over the ids written as code points),
// if what is left of the budget covers its worst case.
func (d *differ) myers(r diffRange) {
	n := (r.a1 - r.a0) + (r.b1 - r.b0)
	if cost := n * n / 4; cost <= *d.budget {
		*d.budget -= cost
	} else {
		return
	}
	local := map[int32]rune{}
	ra, rb := runesOf(d.a[r.a0:r.a1], local), runesOf(d.b[r.b0:r.b1], local)
	if len(local) > unicode.MaxRune-0x800 {
		return // more distinct ids than code points to write them with
	}
	// With no timeout, go-diff neither skips to a half match (which on repeated text aligns
	// shifted copies) nor stops early: the diff is minimal and deterministic.
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	i, j := r.a0, r.b0
	for _, df := range dmp.DiffMainRunes(ra, rb, false) {
		k := len([]rune(df.Text))
		switch df.Type {
		case diffmatchpatch.DiffEqual:
			for range k {
				d.match[i] = int32(j)
				i, j = i+1, j+1
			}
		case diffmatchpatch.DiffDelete:
			i += k
		case diffmatchpatch.DiffInsert:
			j += k
		}
	}
}

// runesOf writes ids as code points, numbered in order of first appearance in local, skipping
// the surrogates: go-diff returns its chunks as strings, and only valid code points survive
// the trip.
func runesOf(ids []int32, local map[int32]rune) []rune {
	out := make([]rune, len(ids))
	for k, id := range ids {
		r, ok := local[id]
		if !ok {
			r = rune(len(local))
			if r >= 0xD800 {
				r += 0x800
			}
			local[id] = r
		}
		out[k] = r
	}
	return out
}

// lineDiff diffs a large gap line by line: a line is the tokens up to a white space token
// holding a line feed. A text of repeated paragraphs has a few thousand lines where it has a
// few hundred thousand tokens, so the diff over lines (Myers' on the lines, if none is unique)
// fits the budget where the diff over tokens would not.
type lineDiff struct {
	tz     *tokenizer
	built  bool
	la, lb lineIndex
	n      int // distinct lines
}

// lineIndex is a token sequence cut into lines.
type lineIndex struct {
	start []int32 // the token each line starts at, with the number of tokens appended
	ids   []int32 // equal lines (the same tokens) have equal ids
}

// split diffs the whole lines of r by lines, matches the tokens of matched lines and pushes the
// stretches between them, flat; false if no line matched.
func (ld *lineDiff) split(d *differ, r diffRange, stack []diffRange) ([]diffRange, bool) {
	ld.build(d.a, d.b)
	la0, la1 := ld.la.inside(r.a0, r.a1)
	lb0, lb1 := ld.lb.inside(r.b0, r.b1)
	if la1-la0 < 2 || lb1-lb0 < 2 {
		return stack, false
	}
	lm := newDiffer(ld.la.ids[la0:la1], ld.lb.ids[lb0:lb1], ld.n, d.budget).run()
	if !sparse(lm, lb1-lb0) {
		return stack, false
	}
	n := len(stack)
	pa, pb := r.a0, r.b0
	for i, j := range lm {
		if j < 0 {
			continue
		}
		ta0, ta1 := int(ld.la.start[la0+i]), int(ld.la.start[la0+i+1])
		tb0 := int(ld.lb.start[lb0+int(j)])
		stack = append(stack, diffRange{pa, ta0, pb, tb0, true})
		for k := range ta1 - ta0 {
			d.match[ta0+k] = int32(tb0 + k)
		}
		pa, pb = ta1, tb0+ta1-ta0
	}
	if len(stack) == n {
		return stack, false
	}
	return append(stack, diffRange{pa, r.a1, pb, r.b1, true}), true
}

// sparse reports whether a line match (of la lines to lb) leaves at most one line in eight
// unmatched. Only then is it the true one: where most lines changed, repeated lines can be
// matched to another copy of themselves at no cost, and the shifted match sends re-anchoring
// to the wrong copy.
func sparse(match []int32, lb int) bool {
	matched := 0
	for _, j := range match {
		if j >= 0 {
			matched++
		}
	}
	return 8*(len(match)+lb-2*matched) <= len(match)+lb
}

// inside returns the lines [l0, l1) that lie wholly within tokens [t0, t1).
func (li *lineIndex) inside(t0, t1 int) (int, int) {
	n := len(li.ids)
	l0 := sort.Search(n+1, func(l int) bool { return int(li.start[l]) >= t0 })
	l1 := sort.Search(n+1, func(l int) bool { return int(li.start[l]) > t1 }) - 1
	return l0, max(l0, l1)
}

// build cuts a and b into lines, once.
func (ld *lineDiff) build(a, b []int32) {
	if ld.built {
		return
	}
	ld.built = true
	ends := make([]bool, len(ld.tz.reps))
	for id, rep := range ld.tz.reps {
		ends[id] = strings.ContainsRune(string(rep), '\n')
	}
	seen := map[string]int32{}
	ld.la, ld.lb = cutLines(a, ends, seen), cutLines(b, ends, seen)
	ld.n = len(seen)
}

// cutLines cuts ids into lines, giving each distinct line an id in seen.
func cutLines(ids []int32, ends []bool, seen map[string]int32) lineIndex {
	var li lineIndex
	key := make([]byte, 0, 256)
	start := 0
	for k, id := range ids {
		key = append(key, byte(id), byte(id>>8), byte(id>>16), byte(id>>24))
		if !ends[id] && k < len(ids)-1 {
			continue
		}
		lid, ok := seen[string(key)]
		if !ok {
			lid = int32(len(seen))
			seen[string(key)] = lid
		}
		li.start, li.ids = append(li.start, int32(start)), append(li.ids, lid)
		start, key = k+1, key[:0]
	}
	li.start = append(li.start, int32(len(ids)))
	return li
}
