package anchor

import (
	"github.com/citecheck/citecheck"

	"index/suffixarray"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tuning of re-anchoring. A wrong anchor is worse than an orphan, so each threshold errs on the
// side of orphaning; the accuracy test in reanchor_bench_test.go measures the trade-off.
const (
	// minFuzzyLen is the shortest quote that may match approximately: a few changed letters in
	// a short quote make a different word, and short strings recur everywhere.
	minFuzzyLen = 8
	// maxFuzzyLen caps the quadratic boundary refinement of a fuzzy match.
	maxFuzzyLen = 2000
	// fuzzyRadius is how far around the expected position the approximate search looks first,
	// plus four times the quote's length.
	fuzzyRadius = 2000
	// globalFuzzyBudget bounds, per call, the work (code points times 64-code-point pattern
	// blocks) spent searching the whole text when the window found nothing.
	globalFuzzyBudget = 1 << 25
	// maxOccurrences is how many exact occurrences of a quote around the expected position are
	// worth weighing; so many places so near each other are a tie anyway.
	maxOccurrences = 2048
	// maxTextOccurrences is how many exact occurrences of a quote in the whole text are worth
	// weighing; past that the search keeps to the window around the expected position. It keeps
	// re-anchoring linear in the text when sentences repeat: a quote repeated in every copy of a
	// passage would otherwise be weighed at every copy, for every claim.
	maxTextOccurrences = 64
	// suffixArrayMin is the text size in bytes from which an index beats repeated scans.
	suffixArrayMin = 1 << 16
	// fuzzyAccept is the least combined score of a fuzzy anchor.
	fuzzyAccept = 0.75
	// fuzzyTie is how close two fuzzy candidates' scores must be to count as equally good.
	fuzzyTie = 0.05
)

// Reanchor maps every claim of oldText onto newText. Pure and deterministic; result i is for
// claims[i]. For each claim, in order: (a) the same offsets hold the same quote within the same
// context: exact; (b) the quote occurs unchanged elsewhere: the occurrence whose context agrees
// best, the nearest to the expected position (the old one mapped through a diff of the texts)
// among those about as good, and only if no other is about as good and about as near: moved;
// (c) a bounded-error approximate match (at most a quarter of the quote's code points edited,
// quotes of minFuzzyLen code points or more) near the expected position, or anywhere while a
// work budget lasts, scored by quote similarity, context similarity and distance: fuzzy, if it
// clears fuzzyAccept and no other candidate comes close; otherwise orphaned.
func Reanchor(oldText, newText string, claims []citecheck.Claim) []citecheck.Anchor {
	out := make([]citecheck.Anchor, len(claims))
	if len(claims) == 0 {
		return out
	}
	ra := newReanchorer(oldText, newText)
	for i := range claims {
		out[i] = ra.anchor(&claims[i])
	}
	return out
}

func newReanchorer(oldText, newText string) *reanchorer {
	ra := &reanchorer{oldText: oldText, newText: newText, newT: citecheck.NewText(newText),
		new: []rune(newText), budget: globalFuzzyBudget}
	ra.newSide = textSide{s: newText, t: ra.newT, runes: ra.new}
	return ra
}

// reanchorer holds what one Reanchor call computes once for all its claims.
type reanchorer struct {
	oldText, newText string
	newT             *citecheck.Text
	new              []rune
	pm               *posMap // built on first need
	newSide, oldSide textSide
	budget           int
	dist             []int32 // scratch for approximate search
	lenient          bool    // offering candidates: the text right next to a span may differ
}

// verdict is the outcome of one step of re-anchoring.
type verdict int

const (
	notFound  verdict = iota // nothing good enough: try the next step
	found                    // anchored
	ambiguous                // two places are equally good: orphan the claim
)

var orphan = citecheck.Anchor{Kind: citecheck.AnchorOrphaned}

// anchor places one claim and keeps its span off the inside of any character: a grapheme
// cluster that the revision made of the quote's last letter and a new combining mark, or of an
// emoji and a new skin tone, is taken whole. The quote then changed, so an exact or moved
// anchor becomes fuzzy (the old quote is shown and the review goes back to pending).
func (ra *reanchorer) anchor(c *citecheck.Claim) citecheck.Anchor {
	a := ra.place(c)
	if a.Kind == citecheck.AnchorOrphaned {
		return a
	}
	if s, e := ra.newT.WidenToGraphemes(a.Start, a.End); s != a.Start || e != a.End {
		a.Start, a.End, a.Kind = s, e, citecheck.AnchorFuzzy
	}
	return a
}

// place finds one claim's new span by the steps Reanchor describes.
func (ra *reanchorer) place(c *citecheck.Claim) citecheck.Anchor {
	ct := claimTextOf(c)
	if len(ct.q) == 0 {
		return orphan
	}
	same := ra.sameOffsets(c, ct)
	if same && ra.oldText == ra.newText {
		return citecheck.Anchor{Kind: citecheck.AnchorExact, Start: c.Start, End: c.End, Score: 1}
	}
	pm := ra.posMap()
	exp := pm.Map(c.Start)
	ct.slack = pm.slack(c.Start)
	if a, ok := ra.viaMove(c, ct); ok {
		return a
	}
	// Even when the old offsets still fit, the same quote in the same context may now occur
	// next to them too (a duplicated sentence): that is a guess, not an exact anchor.
	// A claim the diff left in place was edited there: an untouched copy of its quote
	// elsewhere is not where it went.
	if ns, ne, ok := pm.inPlace(c.Start, c.End); ok {
		ct.placeLo, ct.placeHi = ns, ne
	} else if ns, ne, ok := pm.contextInPlace(c.Start, c.End, len([]rune(c.Prefix)), len([]rune(c.Suffix))); ok && !ra.leftFromBetween(c) {
		ct.placeLo, ct.placeHi = ns, ne
	}
	a, v := ra.moved(c.Quote, ct, exp)
	if v == found && !ct.inPlace(a.Start, a.End) {
		v = notFound
	}
	switch {
	case v == found && same && a.Start == c.Start:
		return citecheck.Anchor{Kind: citecheck.AnchorExact, Start: c.Start, End: c.End, Score: 1}
	case v == found:
		return a
	case v == ambiguous:
		return orphan
	}
	if len(ct.q) >= minFuzzyLen && len(ct.q) <= maxFuzzyLen {
		if a, v := ra.fuzzy(ct, exp); v == found {
			return a
		}
		if a, ok := ra.viaInsertions(c, ct); ok {
			return a
		}
	}
	return orphan
}

// leftFromBetween reports whether no word stands any more where the diff maps the claim's old
// span: its context on both sides kept its place but closed up, so the claim was deleted, or
// moved out in a swap that the diff read the other way round (it matched the sentence that the
// claim's sentence changed places with). Then an unclaimed copy of the quote elsewhere may be
// where it went, and its context in place does not pin it there.
func (ra *reanchorer) leftFromBetween(c *citecheck.Claim) bool {
	s, e := ra.pm.mapDiff(c.Start), ra.pm.mapDiff(c.End)
	return !slices.ContainsFunc(ra.new[s:max(s, e)], isWordRune)
}

// viaMove anchors a claim that lies inside a sentence that moved verbatim: it went with its
// sentence, whatever now stands around the sentence.
func (ra *reanchorer) viaMove(c *citecheck.Claim, ct *claimText) (citecheck.Anchor, bool) {
	mv, ok := ra.pm.moveOf(c.Start, c.End)
	if !ok {
		return orphan, false
	}
	s, m := mv.newStart+c.Start-mv.oldStart, len(ct.q)
	if s+m > len(ra.new) || !slices.Equal(ra.new[s:s+m], ct.q) || ra.newT.Slice(s, s+m) != c.Quote {
		return orphan, false
	}
	ctx := contextAgreement(ct, ra.before(s, len(ct.pre)), ra.after(s+m, len(ct.suf)))
	frac := 0.0
	if total := len(ct.pre) + len(ct.suf); total > 0 {
		frac = float64(ctx) / float64(total)
	}
	return citecheck.Anchor{Kind: citecheck.AnchorMoved, Start: s, End: s + m, Score: round3(0.75 + 0.25*frac)}, true
}

// viaInsertions anchors a claim whose every word the diff matched in order, with only new text
// inserted between them ("have deliberately" -> "have in turn deliberately"): the diff knows
// where it is, so the quote may take up to half its length again in insertions, more than an
// approximate search would allow, as long as the text right around it is still the old context.
func (ra *reanchorer) viaInsertions(c *citecheck.Claim, ct *claimText) (citecheck.Anchor, bool) {
	s, e, ok := ra.pm.insertedInto(c.Start, c.End)
	m := len(ct.q)
	if !ok || e-s > m+m/2 {
		return orphan, false
	}
	edits := editRow(ct.q, ra.new[s:e])[e-s]
	np, ns := reversed(ct.pre[max(0, len(ct.pre)-nearContext):]), ct.suf[:min(nearContext, len(ct.suf))]
	if edits > m/2 || headEdit(np, reversed(ra.before(s, len(np)+2))) > 1 || headEdit(ns, ra.after(e, len(ns)+2)) > 1 {
		return orphan, false
	}
	ctxSim := 0.0
	if total := contextWeight(ct.pre) + contextWeight(ct.suf); total > 0 {
		ctxSim = max(0, 1-float64(ra.prefixCost(s, reversed(ct.pre))+ra.suffixCost(e, ct.suf))/float64(total))
	}
	score := 0.6*(1-float64(edits)/float64(m)) + 0.3*ctxSim + 0.1
	return citecheck.Anchor{Kind: citecheck.AnchorFuzzy, Start: s, End: e, Score: round3(score)}, true
}

// claimTextOf returns c's quote and context as code points, the context with its edges. The
// store never keeps more context than ContextLen code points; cutContext cuts a longer one.
func claimTextOf(c *citecheck.Claim) *claimText {
	ct := &claimText{q: []rune(c.Quote), oldStart: c.Start, oldEnd: c.End, placeLo: -1}
	pre, suf := cutContext([]rune(c.Prefix), []rune(c.Suffix))
	ct.pre, ct.suf = withEdge(pre, true), withEdge(suf, false)
	return ct
}

// posMap returns the diff of the old text against the new one, made on first need: a claim
// whose offsets still hold it in an unchanged text never needs it.
func (ra *reanchorer) posMap() *posMap {
	if ra.pm == nil {
		ra.oldSide.runes = []rune(ra.oldText)
		ra.pm = newPosMap(ra.oldSide.runes, ra.new)
		ra.oldSide.s, ra.oldSide.t = ra.oldText, citecheck.NewText(ra.oldText)
		ra.pm.moves = findMoves(ra.pm, &ra.oldSide, &ra.newSide)
	}
	return ra.pm
}

// sameOffsets reports whether the claim's old offsets hold its quote within its context.
func (ra *reanchorer) sameOffsets(c *citecheck.Claim, ct *claimText) bool {
	s, e := c.Start, c.End
	if s < 0 || e != s+len(ct.q) || e > len(ra.new) {
		return false
	}
	return slices.Equal(ra.new[s:e], ct.q) && slices.Equal(ra.before(s, len(ct.pre)), ct.pre) &&
		slices.Equal(ra.after(e, len(ct.suf)), ct.suf) && ra.newT.Slice(s, e) == c.Quote
}

// occurrence is a place where the quote occurs unchanged, with how many code points of context
// agree around it and its distance from the expected position.
type occurrence struct{ start, ctx, dist int }

// moved looks for the quote unchanged in the new text.
func (ra *reanchorer) moved(quote string, ct *claimText, exp int) (citecheck.Anchor, verdict) {
	m, total := len(ct.q), len(ct.pre)+len(ct.suf)
	radius := 4*m + fuzzyRadius
	// The window around the expected position settles it when it holds an occurrence with
	// all its context so near that nothing outside could be nearer or a rival (see pick).
	occs, best := ra.scoreOccurrences(ra.occurrencesNear(ct.q, exp, radius), ct, exp)
	settled := false
	for _, o := range occs {
		settled = settled || o.ctx == total && 2*(o.dist+ct.slack)+m+128 <= radius
	}
	if !settled {
		starts, all := ra.newSide.find(quote, ct.q)
		if all {
			occs, best = ra.scoreOccurrences(starts, ct, exp)
		} else {
			// Past maxTextOccurrences only the window is weighed; outside it stands a rival
			// with all its context just beyond the window, the best any place there could be.
			occs = append(occs, occurrence{start: -1, ctx: total, dist: radius + 1})
			best = total
		}
	}
	if len(occs) == 0 {
		return orphan, notFound
	}
	r := occurrenceRules{m: m, total: total, margin: max(4, total/8), slack: ct.slack}
	o, v := r.pick(occs, best)
	// Where the diff left the claim, with all its context still around it, is where it is,
	// however near another copy of the passage stands.
	if p, ok := ct.keptInPlace(occs, m, total); ok {
		o, v = p, found
	}
	if v == found && o.start < 0 {
		v = ambiguous // the rival outside the window
	}
	if v != found {
		return orphan, v
	}
	if ra.newT.Slice(o.start, o.start+m) != quote {
		return orphan, notFound // equal as code points only because of invalid UTF-8
	}
	// Far from where the diff expects it, a place is only the claim's if no other old passage
	// with the same quote and context could have gone there instead.
	if o.dist > radius && ra.repeatedInOld(quote, ct, o.ctx-r.margin) {
		return orphan, ambiguous
	}
	return citecheck.Anchor{Kind: citecheck.AnchorMoved, Start: o.start, End: o.start + m, Score: round3(0.5 + 0.5*r.frac(o))}, found
}

// scoreOccurrences measures the context and distance of each start, leaving out those the diff
// says another old passage went to; best is the most context any of them has.
func (ra *reanchorer) scoreOccurrences(starts []int, ct *claimText, exp int) (occs []occurrence, best int) {
	m := len(ct.q)
	for _, s := range starts {
		if ra.pm.ClaimedElsewhere(s, s+m, ct.oldStart, ct.oldEnd) {
			continue
		}
		if ra.cutsWord(ct, s, s+m) || splitsCluster(ra.newT, s, s+m) {
			continue
		}
		ctx := contextAgreement(ct, ra.before(s, len(ct.pre)), ra.after(s+m, len(ct.suf)))
		occs = append(occs, occurrence{start: s, ctx: ctx, dist: abs(s - exp)})
		best = max(best, ctx)
	}
	return occs, best
}

// keptInPlace returns the one occurrence where the diff left the claim that has all its
// context, if there is one.
func (ct *claimText) keptInPlace(occs []occurrence, m, total int) (occurrence, bool) {
	if ct.placeLo < 0 {
		return occurrence{}, false
	}
	var out occurrence
	n := 0
	for _, o := range occs {
		if o.start >= 0 && o.ctx == total && ct.inPlace(o.start, o.start+m) {
			out, n = o, n+1
		}
	}
	return out, n == 1
}

// splitsCluster reports whether the span [s, e) of t cuts a grapheme cluster: the quote's code
// points are there, but not as the same characters ("👍" inside "👍🏽").
func splitsCluster(t *citecheck.Text, s, e int) bool {
	return !t.IsGraphemeBoundary(s) || !t.IsGraphemeBoundary(e)
}

// cutsWord reports whether the span [s, e) of the new text cuts a word at an edge where the
// claim's old span did not: "s experience" inside "très experience" is a different word's tail.
func (ra *reanchorer) cutsWord(ct *claimText, s, e int) bool {
	lastPre, firstSuf := edge, edge
	if len(ct.pre) > 0 {
		lastPre = ct.pre[len(ct.pre)-1]
	}
	if len(ct.suf) > 0 {
		firstSuf = ct.suf[0]
	}
	q := ct.q
	cut := func(oldOut, in, newOut rune) bool {
		return isWordRune(in) && isWordRune(newOut) && !isWordRune(oldOut)
	}
	return cut(lastPre, q[0], ra.runeAt(s-1)) || cut(firstSuf, q[len(q)-1], ra.runeAt(e))
}

// occurrenceRules choose among exact occurrences of a quote of m code points whose context
// holds total code points; margin is how much less context still counts as about as good, and
// slack how far the expected position may be off (posMap.slack), so that nearness to it
// counts only beyond that.
type occurrenceRules struct{ m, total, margin, slack int }

// frac is the share of the context that agrees around o.
func (r occurrenceRules) frac(o occurrence) float64 {
	if r.total == 0 {
		return 0
	}
	return float64(o.ctx) / float64(r.total)
}

// supported reports whether o could be the claim's place on its own: enough context agrees,
// or (for a quote long enough not to recur by chance) it is where the diff expects it.
func (r occurrenceRules) supported(o occurrence) bool {
	if r.m < minFuzzyLen {
		return r.frac(o) >= 0.5
	}
	return r.frac(o) >= 0.25 || o.dist+r.slack <= 64+r.m/2
}

// pick chooses an occurrence. Context decides when it is clearly better; among places about as
// good, the nearest to the expected position wins, but only when it is much nearer than the
// next one; and a place with weaker but real context much nearer the expected position makes
// it a tie (its context was edited, the other is a repeated passage).
func (r occurrenceRules) pick(occs []occurrence, best int) (occurrence, verdict) {
	weaker := slices.DeleteFunc(slices.Clone(occs), func(o occurrence) bool { return o.ctx >= best-r.margin })
	occs = slices.DeleteFunc(occs, func(o occurrence) bool { return o.ctx < best-r.margin })
	slices.SortFunc(occs, func(a, b occurrence) int {
		if a.dist != b.dist {
			return a.dist - b.dist
		}
		if a.ctx != b.ctx {
			return b.ctx - a.ctx
		}
		return a.start - b.start
	})
	o := occs[0]
	if len(occs) > 1 && occs[1].dist < 2*(o.dist+r.slack)+r.m+128 {
		return o, ambiguous
	}
	if !r.supported(o) {
		return o, notFound
	}
	for _, p := range weaker {
		if r.supported(p) && 2*p.dist+r.m+128 <= o.dist {
			return o, ambiguous
		}
	}
	return o, found
}

// textSide is one of the two texts, indexed for finding quotes.
type textSide struct {
	s     string
	t     *citecheck.Text
	runes []rune    // the text as code points, where the caller needs them
	sa    []saChunk // built on first need, for large texts
	noSA  bool      // search by scanning even a large text (one search only)
}

// saChunk is the suffix array of saChunkSize bytes of a text from base. One array over a
// whole text of megabytes cost more per byte the bigger the text (its build reads and writes
// all over arrays four times the text's size), and re-anchoring 4 MB of text took over 5x the
// time of 1 MB; chunks cost the same per byte at any size.
type saChunk struct {
	base int
	idx  *suffixarray.Index
}

const saChunkSize = 1 << 19

// find returns the code point offsets, ascending, where quote (q as code points) occurs, and
// false if it occurs maxTextOccurrences times or more.
func (ts *textSide) find(quote string, q []rune) ([]int, bool) {
	var bytes []int
	if len(ts.s) < suffixArrayMin || ts.noSA {
		bytes = scanFor(ts.s, quote, 0, len(ts.s), nil)
	} else {
		bytes = ts.lookup(quote)
	}
	if len(bytes) >= maxTextOccurrences {
		return nil, false
	}
	var out []int
	for _, b := range bytes {
		s := ts.t.CodePointOffset(b)
		if ts.t.ByteOffset(s) == b && s+len(q) <= ts.t.Len() && ts.holds(s, b, q, quote) {
			out = append(out, s)
		}
	}
	return out, true
}

// scanFor appends to out the byte offsets where quote starts in s[from:to] (wholly inside it),
// until out holds maxTextOccurrences.
func scanFor(s, quote string, from, to int, out []int) []int {
	for off := from; len(out) < maxTextOccurrences; {
		i := strings.Index(s[off:to], quote)
		if i < 0 {
			break
		}
		out = append(out, off+i)
		_, w := utf8.DecodeRuneInString(s[off+i:])
		off += i + w
	}
	return out
}

// lookup answers, ascending, the byte offsets where quote starts, at most maxTextOccurrences of
// them (that many: maybe more): those inside a chunk from its suffix array, and those across
// the cut between two chunks by scanning the few bytes either side of it.
func (ts *textSide) lookup(quote string) []int {
	if ts.sa == nil {
		for base := 0; base < len(ts.s); base += saChunkSize {
			ts.sa = append(ts.sa, saChunk{base: base, idx: suffixarray.New([]byte(ts.s[base:min(len(ts.s), base+saChunkSize)]))})
		}
	}
	q := []byte(quote)
	var out []int
	for k, c := range ts.sa {
		for _, p := range c.idx.Lookup(q, maxTextOccurrences-len(out)) {
			out = append(out, c.base+p)
		}
		if k > 0 && len(out) < maxTextOccurrences && len(q) > 1 {
			// Starts within len(q)-1 bytes before the cut, ends after it.
			from := max(0, c.base-len(q)+1)
			to := min(len(ts.s), c.base+len(q)-1)
			for _, p := range scanFor(ts.s, quote, from, to, nil) {
				// One that crosses more cuts counts at the first: it starts in the chunk before.
				if p < c.base && p >= c.base-saChunkSize && len(out) < maxTextOccurrences {
					out = append(out, p)
				}
			}
		}
		if len(out) >= maxTextOccurrences {
			break
		}
	}
	slices.Sort(out)
	return out
}

// holds reports whether the quote found at byte b (code point s) is the same code points there:
// compared as code points where the side has them, else by both ends lying on code point
// boundaries as many code points apart as the quote has.
func (ts *textSide) holds(s, b int, q []rune, quote string) bool {
	if ts.runes != nil {
		return slices.Equal(ts.runes[s:s+len(q)], q)
	}
	return ts.t.ByteOffset(s+len(q)) == b+len(quote)
}

// repeatedInOld reports whether the old text holds the quote elsewhere than the claim's own
// span with context agreeing with the claim's at least ctx code points (prefix and suffix,
// counted as for occurrences): then a far-away place in the new text may be where that other
// passage went as well as where the claim went.
func (ra *reanchorer) repeatedInOld(quote string, ct *claimText, ctx int) bool {
	starts, all := ra.oldSide.find(quote, ct.q)
	if !all {
		return true
	}
	old, m := ra.oldSide.runes, len(ct.q)
	for _, s := range starts {
		if s == ct.oldStart {
			continue
		}
		before := old[max(0, s-len(ct.pre)):s]
		if s < len(ct.pre) {
			before = append([]rune{edge}, before...)
		}
		after := old[s+m : min(len(old), s+m+len(ct.suf))]
		if s+m+len(ct.suf) > len(old) {
			after = append(slices.Clip(after), edge)
		}
		if contextAgreement(ct, before, after) >= ctx {
			return true
		}
	}
	return false
}

// occurrencesNear returns where q occurs within radius of exp, the first maxOccurrences times;
// so many places so near each other are a tie anyway.
func (ra *reanchorer) occurrencesNear(q []rune, exp, radius int) []int {
	lo, hi := max(0, exp-radius), min(len(ra.new), exp+len(q)+radius)
	var out []int
	for s := lo; s+len(q) <= hi && len(out) < maxOccurrences; s++ {
		if ra.new[s] == q[0] && slices.Equal(ra.new[s:s+len(q)], q) {
			out = append(out, s)
		}
	}
	return out
}

// contextAgreement is how many code points of the claim's old context agree with the text
// before and after a place: the common tail of the prefix and head of the suffix, where a run
// of white space agrees with any other (a rewrapped line, a doubled space).
func contextAgreement(ct *claimText, before, after []rune) int {
	return agreeing(ct.pre, before, true) + agreeing(ct.suf, after, false)
}

// agreeing counts the code points of a that agree with b from their heads (from their tails if
// back), white space runs agreeing with any white space run.
func agreeing(a, b []rune, back bool) int {
	at := func(rs []rune, k int) rune {
		if back {
			return rs[len(rs)-1-k]
		}
		return rs[k]
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ra, rb := at(a, i), at(b, j)
		switch {
		case ra >= 0 && rb >= 0 && unicode.IsSpace(ra) && unicode.IsSpace(rb):
			for i < len(a) && at(a, i) >= 0 && unicode.IsSpace(at(a, i)) {
				i++
			}
			for j < len(b) && at(b, j) >= 0 && unicode.IsSpace(at(b, j)) {
				j++
			}
		case ra == rb:
			i, j = i+1, j+1
		default:
			return i
		}
	}
	return i
}

func commonSuffix(a, b []rune) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}

func commonPrefix(a, b []rune) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// round3 rounds a score to three decimals, which is all a reader can use.
func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
