package anchor

import (
	"github.com/citecheck/citecheck"

	"math"
	"slices"
	"unicode"
)

// edge stands for the start or the end of a text in a context: a prefix shorter than
// ContextLen was cut short by the start of the text, and that is part of what it says.
const edge rune = -1

// edgeCost is what it costs to align an edge with anything but an edge.
const edgeCost = citecheck.ContextLen / 4

func unitCost(r rune) int {
	if r == edge {
		return edgeCost
	}
	return 1
}

// withEdge returns a context with the edge of the text it implies: a prefix (before) or suffix
// shorter than ContextLen reached the start or end of the old text.
func withEdge(ctx []rune, before bool) []rune {
	switch {
	case len(ctx) >= citecheck.ContextLen:
		return ctx
	case before:
		return append([]rune{edge}, ctx...)
	}
	return append(slices.Clip(ctx), edge)
}

// before returns up to n code points of the new text before offset s, led by an edge if the
// text starts within them.
func (ra *reanchorer) before(s, n int) []rune {
	if s >= n {
		return ra.new[s-n : s]
	}
	return append([]rune{edge}, ra.new[:s]...)
}

// after returns up to n code points of the new text from offset e, followed by an edge if the
// text ends within them.
func (ra *reanchorer) after(e, n int) []rune {
	if e+n <= len(ra.new) {
		return ra.new[e : e+n]
	}
	return append(slices.Clip(ra.new[e:]), edge)
}

// suffixCost is how badly the old suffix (with its edge) fits the new text from offset e: the
// edit distance between it and the best-fitting stretch of text starting at e.
func (ra *reanchorer) suffixCost(e int, suf []rune) int {
	if len(suf) == 0 {
		return 0
	}
	return headEdit(suf, ra.after(e, len(suf)+len(suf)/4+2))
}

// prefixCost is how badly the old prefix (reversed, with its edge) fits the new text before
// offset s.
func (ra *reanchorer) prefixCost(s int, revPrefix []rune) int {
	if len(revPrefix) == 0 {
		return 0
	}
	return headEdit(revPrefix, reversed(ra.before(s, len(revPrefix)+len(revPrefix)/4+2)))
}

// isWordRune reports whether r is part of a word; an edge is not.
func isWordRune(r rune) bool {
	return r >= 0 && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r))
}

// charClass sorts code points for comparing span edges: word, space, other, edge.
func charClass(r rune) int {
	switch {
	case r == edge:
		return 3
	case isWordRune(r):
		return 0
	case unicode.IsSpace(r):
		return 1
	}
	return 2
}

// shiftedEdge reports whether the boundary of a new span at offset at (its end if end, else
// its start) differs from the old boundary between oldLeft and oldRight: the code point just
// inside the span is of another class (word, space, other) than the old one, or the new
// boundary cuts a word where the old one did not. Such a span is short of a word that was
// replaced or runs into one that was not quoted; never the right one.
func (ra *reanchorer) shiftedEdge(oldLeft, oldRight rune, at int, end bool) bool {
	inOld, inNew := oldRight, ra.runeAt(at)
	if end {
		inOld, inNew = oldLeft, ra.runeAt(at-1)
	}
	if charClass(inNew) != charClass(inOld) {
		// A mark at the edge of the quote was dropped ("talks." -> "talks"): the new span
		// ends (or starts) with a whole word, which is still the quote's edge.
		outNew := ra.runeAt(at)
		if end {
			return !(charClass(inOld) == 2 && isWordRune(inNew) && !isWordRune(outNew))
		}
		return !(charClass(inOld) == 2 && isWordRune(inNew) && !isWordRune(ra.runeAt(at-1)))
	}
	return !(isWordRune(oldLeft) && isWordRune(oldRight)) && isWordRune(ra.runeAt(at-1)) && isWordRune(ra.runeAt(at))
}

// refineBudget bounds the work of refining the fuzzy candidates of one claim in one window.
const refineBudget = 1 << 24

// nearContext is how many code points of context on each side of a fuzzy span count against
// its error bound: text changed right next to a changed quote more likely belongs to the quote
// (a replaced word the span leaves out) than to its context.
const nearContext = 8

// nearMax is the most edits the near context on either side of a fuzzy span may need: enough
// for a changed space or punctuation mark, not for a changed word.
const nearMax = 3

// fuzzyCandidate is one place where the quote matches approximately.
type fuzzyCandidate struct {
	start, end, edits int
	near              int // how badly the context right next to the span fits
	quoteSim, ctxSim  float64
	dist              int
	score             float64
}

// claimText is a claim's quote and context as code points; the context carries its edges.
type claimText struct {
	oldStart, oldEnd int // the claim's span in the old text
	placeLo, placeHi int // where the diff left the claim (posMap.inPlace); placeLo -1 if nowhere
	slack            int // how far the expected position may be off (posMap.slack)
	q, pre, suf      []rune
	rq, rpre         []rune // q and pre reversed, for the fuzzy start search
}

// inPlace reports whether the new span [s, e) overlaps where the diff left the claim, or the
// diff left it nowhere.
func (ct *claimText) inPlace(s, e int) bool {
	return ct.placeLo < 0 || s < ct.placeHi && e > ct.placeLo
}

// fuzzy looks for an approximate match of the quote around exp, then, while the call's budget
// lasts, in the whole text.
func (ra *reanchorer) fuzzy(ct *claimText, exp int) (citecheck.Anchor, verdict) {
	ct.rq, ct.rpre = reversed(ct.q), reversed(ct.pre)
	pat := newPattern(ct.q)
	radius := 4*len(ct.q) + fuzzyRadius
	lo, hi := max(0, exp-radius), min(len(ra.new), exp+len(ct.q)+radius)
	c, v := ra.fuzzyIn(pat, ct, exp, radius, lo, hi)
	if v == notFound && (lo > 0 || hi < len(ra.new)) && ra.budget >= len(ra.new)*pat.blocks {
		ra.budget -= len(ra.new) * pat.blocks
		c, v = ra.fuzzyIn(pat, ct, exp, radius, 0, len(ra.new))
	}
	if v != found {
		return orphan, v
	}
	if c.dist > radius && ra.repeatedInOld(string(ct.q), ct, contextWeight(ct.pre)+contextWeight(ct.suf)-max(4, len(ct.pre)+len(ct.suf))/8) {
		return orphan, ambiguous
	}
	return citecheck.Anchor{Kind: citecheck.AnchorFuzzy, Start: c.start, End: c.end, Score: round3(c.score)}, found
}

// fuzzyIn searches new[lo:hi]. Each run of end positions within half again the error bound is
// one candidate, whose boundaries are then refined with the old context; the bound itself
// applies to the refined span, so that a quote whose edges were changed too much is not
// accepted in a shortened form.
func (ra *reanchorer) fuzzyIn(pat *pattern, ct *claimText, exp, radius, lo, hi int) (fuzzyCandidate, verdict) {
	m := len(ct.q)
	k := max(1, m/4)
	loose := k + k/2
	ra.dist = pat.search(ra.new[lo:hi], ra.dist)
	dist := ra.dist
	gap := max(8, m/4)
	// Refining a candidate costs about m*(m+loose) steps; so many candidates are a tie anyway,
	// and the cap keeps a long quote in a repetitive text from taking seconds.
	maxCands := min(max(4, refineBudget/(m*(m+loose))), 64)
	var cands []fuzzyCandidate
	for j := 0; j < len(dist); {
		if int(dist[j]) > loose {
			j++
			continue
		}
		cs, ce := j, j
		for t := j + 1; t < len(dist) && t <= ce+gap; t++ {
			if int(dist[t]) <= loose {
				ce = t
			}
		}
		j = ce + 1
		if len(cands) == maxCands {
			return fuzzyCandidate{}, ambiguous // a pattern that matches everywhere
		}
		c, ok := ra.refine(dist[cs:ce+1], lo+cs+1, ct, loose)
		if !ok || c.edits+c.near > k || ra.pm.ClaimedElsewhere(c.start, c.end, ct.oldStart, ct.oldEnd) || !ct.inPlace(c.start, c.end) {
			continue
		}
		c.dist = abs(c.start - exp)
		prox := 1 - min(1, float64(c.dist)/float64(radius))
		c.score = 0.6*c.quoteSim + 0.3*c.ctxSim + 0.1*prox
		cands = append(cands, c)
	}
	return pickFuzzy(cands, m)
}

// refine picks the end (first) and then the start of a candidate that best fit the quote, the
// old suffix and prefix, and the way the old span broke words: without the context, a word
// changed at the edge of the quote would be cut off, since leaving it out costs fewer edits
// than matching its replacement. dist[i] is the search distance of an end at offset end0+i.
func (ra *reanchorer) refine(dist []int32, end0 int, ct *claimText, loose int) (fuzzyCandidate, bool) {
	m := len(ct.q)
	q, pre, suf := ct.q, ct.pre, ct.suf
	lastPre, firstSuf := edge, edge
	if len(pre) > 0 {
		lastPre = pre[len(pre)-1]
	}
	if len(suf) > 0 {
		firstSuf = suf[0]
	}
	dmin := dist[0]
	for _, d := range dist {
		dmin = min(dmin, d)
	}
	limit := int(dmin) + min(loose, 12)
	end, endCost, sc, tried := -1, math.MaxInt, 0, 0
	for i, d := range dist {
		if int(d) > limit || tried == 256 {
			continue
		}
		tried++
		e := end0 + i
		if ra.shiftedEdge(q[m-1], firstSuf, e, true) {
			continue
		}
		c := ra.suffixCost(e, suf)
		cost := int(d) + c
		if cost < endCost {
			end, endCost, sc = e, cost, c
		}
	}
	if end < 0 {
		return fuzzyCandidate{}, false
	}
	lo := max(0, end-m-loose)
	row := editRow(ct.rq, reversed(ra.new[lo:end]))
	rmin := row[len(row)-1]
	for _, d := range row[1:] {
		rmin = min(rmin, d)
	}
	span, spanCost, pc := -1, math.MaxInt, 0
	for j := 1; j < len(row); j++ {
		if row[j] > loose || row[j] > rmin+min(loose, 12) {
			continue
		}
		s := end - j
		if ra.shiftedEdge(lastPre, q[0], s, false) {
			continue
		}
		c := ra.prefixCost(s, ct.rpre)
		cost := row[j] + c
		if cost < spanCost || cost == spanCost && abs(j-m) < abs(span-m) {
			span, spanCost, pc = j, cost, c
		}
	}
	if span < 0 {
		return fuzzyCandidate{}, false
	}
	c := fuzzyCandidate{start: end - span, end: end, edits: row[span]}
	np, ns := ct.rpre[:min(nearContext, len(ct.rpre))], suf[:min(nearContext, len(suf))]
	nearPre, nearSuf := headEdit(np, reversed(ra.before(c.start, len(np)+2))), headEdit(ns, ra.after(end, len(ns)+2))
	if !ra.lenient && (nearPre > nearMax || nearSuf > nearMax) {
		return fuzzyCandidate{}, false
	}
	c.near = nearPre + nearSuf
	c.quoteSim = 1 - float64(c.edits)/float64(m)
	if total := contextWeight(pre) + contextWeight(suf); total > 0 {
		c.ctxSim = max(0, 1-float64(pc+sc)/float64(total))
	}
	return c, true
}

// contextWeight is the most a context can cost: each code point 1, an edge edgeCost.
func contextWeight(ctx []rune) int {
	w := 0
	for _, r := range ctx {
		w += unitCost(r)
	}
	return w
}

// runeAt returns the code point at offset i of the new text, or an edge outside it.
func (ra *reanchorer) runeAt(i int) rune {
	if i < 0 || i >= len(ra.new) {
		return edge
	}
	return ra.new[i]
}

// pickFuzzy accepts the best candidate if it is good enough and clearly better than any other.
func pickFuzzy(cands []fuzzyCandidate, m int) (fuzzyCandidate, verdict) {
	if len(cands) == 0 {
		return fuzzyCandidate{}, notFound
	}
	best := 0
	for i, c := range cands {
		if c.score > cands[best].score || c.score == cands[best].score && c.dist < cands[best].dist {
			best = i
		}
	}
	b := cands[best]
	near := b.dist <= 64+m/2
	if b.score < fuzzyAccept || b.ctxSim < 0.4 && !(near && b.quoteSim >= 0.85) {
		return b, notFound
	}
	for i, c := range cands {
		if i != best && c.score >= b.score-fuzzyTie && (c.end <= b.start || c.start >= b.end) {
			return b, ambiguous
		}
	}
	return b, found
}
