package anchor

import (
	"slices"
	"sort"
	"time"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// The one diff core: both the position map of re-anchoring and the word diff of a revision cut
// their texts with one tokenizer and match the tokens with one diff. The diff is a patience diff
// (tokens that occur once on both sides anchor the match, their longest increasing run by
// patience sorting, and the gaps between anchors are diffed again); a small gap without such
// tokens gets an exact longest common subsequence, a large one Myers' O(ND) diff.

// maxGapCells bounds the quadratic LCS that runs on a gap where no token is unique on both
// sides: 1<<16 cells keeps it under a millisecond, and gaps that size are the common case.
const maxGapCells = 1 << 16

// maxMyersWork bounds Myers' diff of one gap, as its length times the fewest edits it can need
// (the tokens one side has more of than the other): past that it cannot finish in seconds, and
// the gap is left unmatched (shown as replaced).
const maxMyersWork = 1 << 33

// myersTimeout stops a Myers diff that the bound above let through but that needs far more
// edits than the bound foresaw (the same tokens in another order): what it has not aligned by
// then stays unmatched. Texts that are not built to be adversarial never come near it.
const myersTimeout = 5 * time.Second

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
	var t tokens
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
type diffRange struct{ a0, a1, b0, b1 int }

// matchTokens diffs the token ids a against b (all ids below n) and returns, for each token of
// a, the token of b it is matched to, or -1. The matches increase: they are a common
// subsequence.
func matchTokens(a, b []int32, n int) []int32 {
	match := make([]int32, len(a))
	for i := range match {
		match[i] = -1
	}
	d := &differ{a: a, b: b, match: match, ca: make([]int32, n), cb: make([]int32, n), pb: make([]int32, n)}
	stack := []diffRange{{0, len(a), 0, len(b)}}
	for len(stack) > 0 {
		r := stack[len(stack)-1]
		stack = d.step(r, stack[:len(stack)-1])
	}
	return match
}

// differ holds what one matchTokens call reuses between ranges: per id, its count in the range
// on each side and its last position in b.
type differ struct {
	a, b       []int32
	match      []int32
	ca, cb, pb []int32
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
		if (r.a1-r.a0)*(r.b1-r.b0) <= maxGapCells {
			d.lcs(r)
		} else {
			d.myers(r)
		}
		return stack
	}
	pa, pb := r.a0, r.b0
	for _, p := range anchors {
		d.match[p[0]] = p[1]
		stack = append(stack, diffRange{pa, int(p[0]), pb, int(p[1])})
		pa, pb = int(p[0])+1, int(p[1])+1
	}
	return append(stack, diffRange{pa, r.a1, pb, r.b1})
}

// uniquePairs returns, in the order of a, the pairs of positions of the tokens that occur once
// on each side of r.
func (d *differ) uniquePairs(r diffRange) [][2]int32 {
	d.count(r)
	var pairs [][2]int32
	for i := r.a0; i < r.a1; i++ {
		if id := d.a[i]; d.ca[id] == 1 && d.cb[id] == 1 {
			pairs = append(pairs, [2]int32{int32(i), d.pb[id]})
		}
	}
	return pairs
}

// count fills ca, cb and pb for the ids of r, after clearing what an earlier range left there.
func (d *differ) count(r diffRange) {
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

// myers matches a large range without unique tokens by Myers' diff (sergi/go-diff, over the
// tokens written as code points), unless even the fewest edits it could need make it too slow.
func (d *differ) myers(r diffRange) {
	if (r.a1-r.a0+r.b1-r.b0)*max(d.leastEdits(r), 1) > maxMyersWork {
		return
	}
	local := map[int32]rune{}
	ra, rb := runesOf(d.a[r.a0:r.a1], local), runesOf(d.b[r.b0:r.b1], local)
	if len(local) > unicode.MaxRune-0x800 {
		return // more distinct tokens than code points to write them with
	}
	// With no timeout set, go-diff skips its half-match speed-up, which on repeated text aligns
	// shifted copies; the deadline passed to the bisection still bounds the time.
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	i, j := r.a0, r.b0
	for _, df := range dmp.DiffBisect(string(ra), string(rb), time.Now().Add(myersTimeout)) {
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

// leastEdits is a lower bound of the edits between the two sides of r: per token, how many
// more times one side has it than the other.
func (d *differ) leastEdits(r diffRange) int {
	d.count(r)
	least := 0
	for _, id := range d.a[r.a0:r.a1] {
		if d.ca[id] > 0 {
			least += int(abs32(d.ca[id] - d.cb[id]))
			d.ca[id] = -1 // counted
		}
	}
	for _, id := range d.b[r.b0:r.b1] {
		if d.ca[id] == 0 {
			least++
		}
	}
	return least
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

func abs32(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}
