package citecheck

import (
	"unicode"
	"unicode/utf8"
)

// DiffOp says what a stretch of a word diff is.
type DiffOp int

// The stretches of a word diff.
const (
	DiffEqual  DiffOp = iota // in both texts
	DiffDelete               // only in the old text
	DiffInsert               // only in the new text
)

// DiffChunk is one stretch of a word diff. OldStart and NewStart count code points of the old
// and the new text where the chunk starts (the new offset of a deletion is where it would be).
type DiffChunk struct {
	Op       DiffOp
	Text     string
	OldStart int
	NewStart int
}

// maxDiffCells bounds the table of the quadratic diff of one stretch; a bigger stretch is split
// on the words that occur once on each side first, or shown as replaced.
const maxDiffCells = 1 << 22

// WordDiff compares two texts word by word (a word, a run of white space or one other character
// is a token) and returns the chunks that turn oldText into newText, in order, neighbouring
// chunks of one kind merged. It is meant for people, not for exact minimality: long stretches
// are aligned on the tokens that occur once on each side, and what still is too large to
// compare is shown as deleted and inserted.
func WordDiff(oldText, newText string) []DiffChunk {
	a, b := diffTokens(oldText), diffTokens(newText)
	d := &differ{a: a, b: b}
	d.diff(0, len(a), 0, len(b))
	var out []DiffChunk
	var text []byte // the text of the last chunk, built up without copying it again and again
	flush := func() {
		if len(out) > 0 {
			out[len(out)-1].Text = string(text)
		}
	}
	oldPos, newPos := 0, 0
	for _, e := range d.edits {
		var tok string
		switch e.op {
		case DiffDelete:
			tok = a[e.i]
		default:
			tok = b[e.j]
		}
		n := utf8.RuneCountInString(tok)
		if len(out) == 0 || out[len(out)-1].Op != e.op {
			flush()
			text = text[:0]
			out = append(out, DiffChunk{Op: e.op, OldStart: oldPos, NewStart: newPos})
		}
		text = append(text, tok...)
		switch e.op {
		case DiffEqual:
			oldPos += n
			newPos += n
		case DiffDelete:
			oldPos += n
		case DiffInsert:
			newPos += n
		}
	}
	flush()
	return out
}

// diffTokens splits s into words, runs of white space and single other characters.
func diffTokens(s string) []string {
	var toks []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := i + 1
		switch {
		case diffWordRune(rs[i]):
			for j < len(rs) && diffWordRune(rs[j]) {
				j++
			}
		case unicode.IsSpace(rs[i]):
			for j < len(rs) && unicode.IsSpace(rs[j]) {
				j++
			}
		}
		toks = append(toks, string(rs[i:j]))
		i = j
	}
	return toks
}

func diffWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }

type edit struct {
	op   DiffOp
	i, j int // token index in a (equal, delete) and in b (equal, insert)
}

type differ struct {
	a, b  []string
	edits []edit
}

func (d *differ) equal(i, j int) { d.edits = append(d.edits, edit{DiffEqual, i, j}) }

func (d *differ) replace(alo, ahi, blo, bhi int) {
	for i := alo; i < ahi; i++ {
		d.edits = append(d.edits, edit{op: DiffDelete, i: i})
	}
	for j := blo; j < bhi; j++ {
		d.edits = append(d.edits, edit{op: DiffInsert, j: j})
	}
}

// diff appends the edits of a[alo:ahi] against b[blo:bhi].
func (d *differ) diff(alo, ahi, blo, bhi int) {
	for alo < ahi && blo < bhi && d.a[alo] == d.b[blo] {
		d.equal(alo, blo)
		alo++
		blo++
	}
	var tail [][2]int
	for alo < ahi && blo < bhi && d.a[ahi-1] == d.b[bhi-1] {
		ahi--
		bhi--
		tail = append(tail, [2]int{ahi, bhi})
	}
	defer func() {
		for k := len(tail) - 1; k >= 0; k-- {
			d.equal(tail[k][0], tail[k][1])
		}
	}()
	n, m := ahi-alo, bhi-blo
	switch {
	case n == 0 || m == 0:
		d.replace(alo, ahi, blo, bhi)
	case n*m <= maxDiffCells:
		d.lcs(alo, ahi, blo, bhi)
	default:
		anchors := d.uniqueAnchors(alo, ahi, blo, bhi)
		if len(anchors) == 0 {
			d.replace(alo, ahi, blo, bhi)
			return
		}
		i, j := alo, blo
		for _, p := range anchors {
			d.diff(i, p[0], j, p[1])
			d.equal(p[0], p[1])
			i, j = p[0]+1, p[1]+1
		}
		d.diff(i, ahi, j, bhi)
	}
}

// uniqueAnchors pairs the tokens that occur exactly once in each range and returns the longest
// run of pairs in the same order on both sides (patience diff).
func (d *differ) uniqueAnchors(alo, ahi, blo, bhi int) [][2]int {
	type seen struct{ na, nb, ia, ib int }
	count := map[string]*seen{}
	for i := alo; i < ahi; i++ {
		s := count[d.a[i]]
		if s == nil {
			s = &seen{}
			count[d.a[i]] = s
		}
		s.na++
		s.ia = i
	}
	for j := blo; j < bhi; j++ {
		if s := count[d.b[j]]; s != nil {
			s.nb++
			s.ib = j
		}
	}
	var pairs [][2]int
	for i := alo; i < ahi; i++ {
		if s := count[d.a[i]]; s.na == 1 && s.nb == 1 {
			pairs = append(pairs, [2]int{s.ia, s.ib})
		}
	}
	// Longest increasing subsequence of the b indexes (pairs are sorted by a).
	tails := []int{}
	prev := make([]int, len(pairs))
	for k, p := range pairs {
		lo, hi := 0, len(tails)
		for lo < hi {
			mid := (lo + hi) / 2
			if pairs[tails[mid]][1] < p[1] {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		prev[k] = -1
		if lo > 0 {
			prev[k] = tails[lo-1]
		}
		if lo == len(tails) {
			tails = append(tails, k)
		} else {
			tails[lo] = k
		}
	}
	if len(tails) == 0 {
		return nil
	}
	out := make([][2]int, len(tails))
	for k, at := len(tails)-1, tails[len(tails)-1]; k >= 0; k, at = k-1, prev[at] {
		out[k] = pairs[at]
	}
	return out
}

// lcs appends the edits of a longest common subsequence of the two ranges, by the quadratic
// table.
func (d *differ) lcs(alo, ahi, blo, bhi int) {
	n, m := ahi-alo, bhi-blo
	// l[i][j] is the LCS length of a[alo+i:ahi] and b[blo+j:bhi].
	l := make([]int32, (n+1)*(m+1))
	at := func(i, j int) int { return i*(m+1) + j }
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if d.a[alo+i] == d.b[blo+j] {
				l[at(i, j)] = l[at(i+1, j+1)] + 1
			} else {
				l[at(i, j)] = max(l[at(i+1, j)], l[at(i, j+1)])
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case d.a[alo+i] == d.b[blo+j]:
			d.equal(alo+i, blo+j)
			i++
			j++
		case l[at(i+1, j)] >= l[at(i, j+1)]:
			d.edits = append(d.edits, edit{op: DiffDelete, i: alo + i})
			i++
		default:
			d.edits = append(d.edits, edit{op: DiffInsert, j: blo + j})
			j++
		}
	}
	d.replace(alo+i, ahi, blo+j, bhi)
}
