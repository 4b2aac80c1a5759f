package anchor

import (
	"github.com/citecheck/citecheck"

	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
)

// This file generates revisions with known edits and the ground truth of where each claim must
// land, for the accuracy test and the 1 MB benchmark. A revision is a sequence of cells, each a
// code point that remembers where it came from in the old text: its offset, or, for the words
// and marks that replaced old text, the old range they replaced, or nothing for new text.

type revCell struct {
	r            rune
	orig         int32 // offset in the old text, or -1 for new text
	repLo, repHi int32 // for new text that replaced old text, the old range; else -1, -1
	// A copy made by duplicating a sentence has orig -1; copyOf (or repLo, repHi) say what it is a
	// copy of, as orig (or repLo, repHi) would for the original.
	copy   bool
	copyOf int32
}

func cellsOf(rs []rune, base int) []revCell {
	cells := make([]revCell, len(rs))
	for i, r := range rs {
		cells[i] = revCell{r: r, orig: int32(base + i), repLo: -1, repHi: -1, copyOf: -1}
	}
	return cells
}

func newCells(s string) []revCell {
	rs := []rune(s)
	cells := make([]revCell, len(rs))
	for i, r := range rs {
		cells[i] = revCell{r: r, orig: -1, repLo: -1, repHi: -1, copyOf: -1}
	}
	return cells
}

func cellText(cells []revCell) string {
	var b strings.Builder
	for _, c := range cells {
		b.WriteRune(c.r)
	}
	return b.String()
}

// units splits cells into sentences, each with the white space after it, and reports for each
// whether a paragraph ends after it.
func units(cells []revCell) (spans [][2]int) {
	start := 0
	for i := 0; i < len(cells); i++ {
		r := cells[i].r
		if !strings.ContainsRune(".!?؟", r) || i+1 < len(cells) && !unicode.IsSpace(cells[i+1].r) {
			continue
		}
		j := i + 1
		for j < len(cells) && cells[j].r == ' ' {
			j++
		}
		spans = append(spans, [2]int{start, j})
		start = j
		for start < len(cells) && unicode.IsSpace(cells[start].r) {
			start++
		}
		i = start - 1
	}
	if start < len(cells) {
		spans = append(spans, [2]int{start, len(cells)})
	}
	return spans
}

// paragraphs returns the spans of the paragraphs of cells, without the blank lines between them.
func paragraphs(cells []revCell) (spans [][2]int) {
	start := 0
	for i := 0; i+1 < len(cells); i++ {
		if cells[i].r == '\n' && cells[i+1].r == '\n' {
			if i > start {
				spans = append(spans, [2]int{start, i})
			}
			for i < len(cells) && cells[i].r == '\n' {
				i++
			}
			start = i
		}
	}
	if start < len(cells) {
		spans = append(spans, [2]int{start, len(cells)})
	}
	return spans
}

// words returns the spans of the words (runs of letters and marks) of cells[lo:hi] at least
// minLen long.
func words(cells []revCell, lo, hi, minLen int) (spans [][2]int) {
	for i := lo; i < hi; {
		if !unicode.IsLetter(cells[i].r) {
			i++
			continue
		}
		j := i
		for j < hi && (unicode.IsLetter(cells[j].r) || unicode.IsMark(cells[j].r)) {
			j++
		}
		if j-i >= minLen {
			spans = append(spans, [2]int{i, j})
		}
		i = j
	}
	return spans
}

var (
	insertedSentences = []string{
		"The committee met again in March. ", "Observers were not convinced by the announcement. ",
		"No agreement was published at the time. ", "Several delegations left early. ",
		"وأكد المسؤولون أن المحادثات ستستمر. ", "Ça n’a pas changé grand-chose 🙂. ",
	}
	replacementWords = []string{"meeting", "officials", "decided", "northern", "several", "nouvelle",
		"المحادثات", "reported", "quickly", "x", "Ünited"}
)

// reviser applies random known edits to a revision.
type reviser struct {
	rng   *rand.Rand
	cells []revCell
}

func (rv *reviser) replace(lo, hi int, with []revCell) {
	rv.cells = slices.Concat(rv.cells[:lo:lo], with, rv.cells[hi:])
}

// replacing turns s into cells that replaced cells[lo:hi] of the revision.
func (rv *reviser) replacing(lo, hi int, s string) []revCell {
	out := newCells(s)
	rlo, rhi := int32(-1), int32(-1)
	copied := false
	for _, c := range rv.cells[lo:hi] {
		o := c.orig
		if c.copy {
			o, copied = c.copyOf, true
		}
		clo, chi := o, o+1
		if o < 0 {
			clo, chi = c.repLo, c.repHi // replacing a replacement replaces what it replaced
		}
		if clo >= 0 {
			if rlo < 0 || clo < rlo {
				rlo = clo
			}
			rhi = max(rhi, chi)
		}
	}
	for i := range out {
		out[i].repLo, out[i].repHi, out[i].copy = rlo, rhi, copied
	}
	return out
}

// edit applies one random edit; target, when not nil, is a span of the revision to reword in.
func (rv *reviser) edit(target *[2]int) string {
	us := units(rv.cells)
	if len(us) == 0 {
		return "none"
	}
	u := us[rv.rng.Intn(len(us))]
	if target != nil {
		if ws := words(rv.cells, target[0], target[1], 1); len(ws) > 0 {
			w := ws[rv.rng.Intn(len(ws))]
			rv.replace(w[0], w[1], rv.replacing(w[0], w[1], replacementWords[rv.rng.Intn(len(replacementWords))]))
			return "reword-in-claim"
		}
	}
	switch rv.rng.Intn(9) {
	case 0:
		rv.replace(u[0], u[0], newCells(insertedSentences[rv.rng.Intn(len(insertedSentences))]))
		return "insert-sentence"
	case 1:
		rv.replace(u[0], u[1], nil)
		return "delete-sentence"
	case 2:
		k := slices.Index(us, u)
		if k+1 < len(us) && us[k+1][0] == u[1] {
			v := us[k+1]
			rv.replace(u[0], v[1], slices.Concat(rv.cells[v[0]:v[1]], rv.cells[u[0]:u[1]]))
			return "swap-sentences"
		}
		return "none"
	case 3:
		ps := paragraphs(rv.cells)
		if len(ps) < 2 {
			return "none"
		}
		a, b := rv.rng.Intn(len(ps)), rv.rng.Intn(len(ps))
		if a == b {
			return "none"
		}
		moved := slices.Clone(rv.cells[ps[a][0]:ps[a][1]])
		sep := newCells("\n\n")
		if b > a {
			rv.replace(ps[b][1], ps[b][1], slices.Concat(sep, moved))
			rv.replace(ps[a][0], min(ps[a][1]+2, len(rv.cells)), nil)
		} else {
			rv.replace(ps[a][0]-2, ps[a][1], nil)
			rv.replace(ps[b][0], ps[b][0], slices.Concat(moved, sep))
		}
		return "move-paragraph"
	case 4, 5:
		ws := words(rv.cells, 0, len(rv.cells), 3)
		if len(ws) == 0 {
			return "none"
		}
		w := ws[rv.rng.Intn(len(ws))]
		rv.replace(w[0], w[1], rv.replacing(w[0], w[1], replacementWords[rv.rng.Intn(len(replacementWords))]))
		return "reword"
	case 6:
		v := us[rv.rng.Intn(len(us))]
		dup := newCells(cellText(rv.cells[u[0]:u[1]]))
		for i, c := range rv.cells[u[0]:u[1]] {
			dup[i].copy, dup[i].copyOf, dup[i].repLo, dup[i].repHi = true, c.orig, c.repLo, c.repHi
			if c.copy {
				dup[i].copyOf = c.copyOf
			}
		}
		if len(dup) > 0 && dup[len(dup)-1].r != ' ' {
			dup = append(dup, newCells(" ")...)
		}
		rv.replace(v[0], v[0], dup)
		return "duplicate-sentence"
	case 7:
		var spaces []int
		for i, c := range rv.cells {
			if c.r == ' ' {
				spaces = append(spaces, i)
			}
		}
		if len(spaces) == 0 {
			return "none"
		}
		i := spaces[rv.rng.Intn(len(spaces))]
		if rv.rng.Intn(2) == 0 {
			rv.replace(i, i, newCells(" "))
		} else {
			rv.replace(i, i+1, rv.replacing(i, i+1, "\n"))
		}
		return "whitespace"
	default:
		var marks []int
		for i, c := range rv.cells {
			if strings.ContainsRune(",.;:", c.r) {
				marks = append(marks, i)
			}
		}
		if len(marks) == 0 {
			return "none"
		}
		i := marks[rv.rng.Intn(len(marks))]
		switch rv.rng.Intn(3) {
		case 0:
			rv.replace(i, i+1, nil)
		case 1:
			rv.replace(i, i+1, rv.replacing(i, i+1, ";"))
		default:
			rv.replace(i+1, i+1, newCells(","))
		}
		return "punctuation"
	}
}

// randomClaim picks a span of whole words of old (cells of the original text), sometimes a whole
// sentence.
func randomClaim(rng *rand.Rand, cells []revCell, lo, hi int) ([2]int, bool) {
	if rng.Intn(4) == 0 {
		us := units(cells[lo:hi])
		if len(us) > 0 {
			u := us[rng.Intn(len(us))]
			s, e := lo+u[0], lo+u[1]
			for e > s && unicode.IsSpace(cells[e-1].r) {
				e--
			}
			if e > s {
				return [2]int{s, e}, true
			}
		}
	}
	ws := words(cells, lo, hi, 1)
	if len(ws) == 0 {
		return [2]int{}, false
	}
	i := rng.Intn(len(ws))
	j := min(len(ws)-1, i+rng.Intn(14))
	s, e := ws[i][0], ws[j][1]
	if e < hi && rng.Intn(3) == 0 && unicode.IsPunct(cells[e].r) {
		e++
	}
	return [2]int{s, e}, true
}

// truthView says which code points of a revision count as the claim's: the originals, or the
// copies made by duplicating its sentence.
type truthView int

const (
	viewOriginals truthView = iota
	viewCopies
)

// truth is where a claim must land: its new span, or gone.
type truth struct {
	gone       bool
	start, end int
	changed    bool // the quote's text changed: only a fuzzy anchor can find it
}

// groundTruth finds the new span of old claim [s, e): from the first to the last new code
// point that is or replaced a code point of the claim. The claim is gone when nothing of it is
// left or its new text is more than a quarter edited (or edited at all, for a short quote).
// A view other than viewOriginals looks at copies made by duplicating sentences as well.
func groundTruth(cells []revCell, s, e int, quote []rune, view truthView) truth {
	first, last := -1, -1
	for i, c := range cells {
		if c.copy && view == viewOriginals || !c.copy && view == viewCopies {
			continue
		}
		o := c.orig
		if c.copy {
			o = c.copyOf
		}
		if o >= int32(s) && o < int32(e) || o < 0 && c.repLo >= 0 && c.repLo < int32(e) && c.repHi > int32(s) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return truth{gone: true}
	}
	got := make([]rune, 0, last+1-first)
	for _, c := range cells[first : last+1] {
		got = append(got, c.r)
	}
	d := editRow(quote, got)[len(got)]
	m := len(quote)
	if d > 0 && !stillTheClaim(cells[first:last+1], s, e, d, m, view) {
		return truth{gone: true}
	}
	return truth{start: first, end: last + 1, changed: d > 0}
}

// stillTheClaim reports whether the claim [s, e) of m code points, now the cells got at edit
// distance d from its quote, is still the same passage: a quote of minFuzzyLen code points or
// more edited in at most a quarter of them, or one whose every code point is still there in
// order with words inserted between them (at most half as many again).
func stillTheClaim(got []revCell, s, e, d, m int, view truthView) bool {
	if m < minFuzzyLen {
		return false
	}
	if d <= max(1, m/4) {
		return true
	}
	kept := 0
	for _, c := range got {
		o := c.orig
		if c.copy {
			o = c.copyOf
		}
		if (c.copy == (view == viewCopies)) && o >= int32(s) && o < int32(e) {
			kept++
		}
	}
	return kept == m && d <= m/2
}

// verbatim reports whether anchor a holds exactly the claim's code points, in order, each the
// original or a copy made by duplicating a sentence (the original being deleted or moved away).
func verbatim(cells []revCell, a citecheck.Anchor, cl citecheck.Claim) bool {
	if a.Kind == citecheck.AnchorOrphaned || a.End-a.Start != cl.End-cl.Start || a.End > len(cells) {
		return false
	}
	for i, c := range cells[a.Start:a.End] {
		if !c.copy && c.orig != int32(cl.Start+i) || c.copy && c.copyOf != int32(cl.Start+i) {
			return false
		}
	}
	return true
}

// accuracy tallies anchors against the ground truth.
type accuracy struct {
	claims, shouldAnchor, anchored, right, found int
	onCopies                                     int // right because on a copy of the claim's sentence
	kinds                                        map[citecheck.AnchorKind]int
	wrongByKind                                  map[citecheck.AnchorKind]int
	examples                                     map[citecheck.AnchorKind][]string
	lost                                         []string // claims orphaned that should have anchored
	splits                                       []string // anchors that cut a grapheme cluster
}

func (a *accuracy) add(tr, onCopy truth, verbatim, strict bool, got citecheck.Anchor, describe func() string) {
	if a.kinds == nil {
		a.kinds, a.wrongByKind = map[citecheck.AnchorKind]int{}, map[citecheck.AnchorKind]int{}
		a.examples = map[citecheck.AnchorKind][]string{}
	}
	a.claims++
	a.kinds[got.Kind]++
	if strict {
		// Copies are made in other paragraphs only, from an original left in place (edited or
		// not): the claim is where its original is, and nowhere else.
		onCopy = truth{gone: true}
	}
	if !tr.gone || !onCopy.gone {
		a.shouldAnchor++
	}
	if got.Kind == citecheck.AnchorOrphaned {
		if (!tr.gone || !onCopy.gone) && len(a.lost) < 8 {
			a.lost = append(a.lost, describe())
		}
		return
	}
	a.anchored++
	if !tr.gone && got.Start == tr.start && got.End == tr.end {
		a.right++
		a.found++
		return
	}
	// With strict copies, a copy of the claim's sentence is the claim's only when the original
	// is gone: an edited original beats an untouched copy in another paragraph. Without, a copy
	// right next to the original may stand where the original stood, and either is right.
	if (tr.gone || !strict) && (verbatim && !strict || !onCopy.gone && got.Start == onCopy.start && got.End == onCopy.end) {
		a.right++
		a.found++
		a.onCopies++
		return
	}
	a.wrongByKind[got.Kind]++
	if len(a.examples[got.Kind]) < 5 {
		a.examples[got.Kind] = append(a.examples[got.Kind], describe())
	}
}

func (a *accuracy) precision() float64 { return float64(a.right) / float64(max(1, a.anchored)) }
func (a *accuracy) recall() float64    { return float64(a.found) / float64(max(1, a.shouldAnchor)) }

// revisedCase is an old text, a revision of it, claims on the old text and their ground truth.
type revisedCase struct {
	old, new string
	cells    []revCell
	claims   []citecheck.Claim
	truths   []truth
	copies   []truth // where else the claim may land when its sentence was duplicated
	edits    []string
	// strictCopies: the case copies sentences into other paragraphs only, so an untouched copy
	// is never where the claim went while its original is still there.
	strictCopies bool
}

// reviseChunk adds to c a revision of chunk (whose code points start at base in the old text)
// with nEdits random edits and nClaims claims, some of the edits rewording inside a claim.
func reviseChunk(rng *rand.Rand, oldT *citecheck.Text, chunk []rune, base, nEdits, nClaims int, c *revisedCase) []revCell {
	orig := cellsOf(chunk, base)
	var spans [][2]int
	for len(spans) < nClaims {
		sp, ok := randomClaim(rng, orig, 0, len(orig))
		if !ok {
			break
		}
		spans = append(spans, sp)
		cl := citecheck.Claim{Start: base + sp[0], End: base + sp[1]}
		citecheck.FillQuote(oldT, &cl)
		c.claims = append(c.claims, cl)
	}
	rv := &reviser{rng: rng, cells: slices.Clone(orig)}
	for range nEdits {
		var target *[2]int
		if len(spans) > 0 && rng.Intn(3) == 0 {
			sp := spans[rng.Intn(len(spans))]
			// Find the claim's current cells: the first and last that still come from it.
			lo, hi := -1, -1
			for i, cell := range rv.cells {
				if cell.orig >= int32(base+sp[0]) && cell.orig < int32(base+sp[1]) {
					if lo < 0 {
						lo = i
					}
					hi = i + 1
				}
			}
			if lo >= 0 {
				target = &[2]int{lo, hi}
			}
		}
		c.edits = append(c.edits, rv.edit(target))
	}
	return rv.cells
}

// finish sets c.new from the revision's cells and the ground truth of every claim.
func (c *revisedCase) finish(cells []revCell) {
	c.new, c.cells = cellText(cells), cells
	c.addTruths(cells, 0, c.claims)
}

// addTruths appends the ground truth of claims, which are on the code points of cells; those
// cells start at offset base of the new text.
func (c *revisedCase) addTruths(cells []revCell, base int, claims []citecheck.Claim) {
	shift := func(t truth) truth {
		if !t.gone {
			t.start, t.end = t.start+base, t.end+base
		}
		return t
	}
	for _, cl := range claims {
		q := []rune(cl.Quote)
		c.truths = append(c.truths, shift(groundTruth(cells, cl.Start, cl.End, q, viewOriginals)))
		c.copies = append(c.copies, shift(groundTruth(cells, cl.Start, cl.End, q, viewCopies)))
	}
}

// fixtureCases generates trials revisions of every fixture in the root's testdata/*.txt.
func fixtureCases(t testing.TB, trials int) []revisedCase {
	files, err := filepath.Glob("../testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	rng := rand.New(rand.NewSource(6))
	var cases []revisedCase
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		old := string(raw)
		oldT, rs := citecheck.NewText(old), []rune(old)
		for range trials {
			c := revisedCase{old: old}
			cells := reviseChunk(rng, oldT, rs, 0, 1+rng.Intn(3), 1+rng.Intn(6), &c)
			c.finish(cells)
			cases = append(cases, c)
		}
	}
	return cases
}

func measure(cases []revisedCase) *accuracy {
	acc := &accuracy{}
	for _, c := range cases {
		got := Reanchor(c.old, c.new, c.claims)
		for i, a := range got {
			tr, cl := c.truths[i], c.claims[i]
			acc.add(tr, c.copies[i], verbatim(c.cells, a, cl), c.strictCopies, a, func() string {
				nt := citecheck.NewText(c.new)
				want := "gone"
				if !tr.gone {
					want = fmt.Sprintf("%d..%d %q", tr.start, tr.end, nt.Slice(tr.start, tr.end))
				}
				return fmt.Sprintf("edits %v: quote %q at %d: got %s %d..%d %q (%.3f), want %s",
					c.edits, cl.Quote, cl.Start, a.Kind, a.Start, a.End, nt.Slice(a.Start, a.End), a.Score, want)
			})
		}
	}
	return acc
}

// TestReanchorAccuracy prints precision and recall of re-anchoring on generated revisions of
// the fixtures and fails when precision is below 99.5%: a wrong anchor is worse than an orphan.
// Run it with: go test -run TestReanchorAccuracy -v ./anchor/
func TestReanchorAccuracy(t *testing.T) {
	start := time.Now()
	acc := measure(fixtureCases(t, 400))
	t.Logf("claims %d (should anchor %d), anchored %d, right %d, in %v", acc.claims, acc.shouldAnchor,
		acc.anchored, acc.right, time.Since(start).Round(time.Millisecond))
	t.Logf("precision %.4f  recall %.4f  (right on the copy of a duplicated sentence: %d)",
		acc.precision(), acc.recall(), acc.onCopies)
	kinds := []citecheck.AnchorKind{citecheck.AnchorExact, citecheck.AnchorMoved, citecheck.AnchorFuzzy, citecheck.AnchorOrphaned}
	for _, k := range kinds {
		t.Logf("  %-8s %5d (wrong %d)", k, acc.kinds[k], acc.wrongByKind[k])
	}
	for _, k := range kinds {
		for _, e := range acc.examples[k] {
			t.Logf("wrong %s: %s", k, e)
		}
	}
	if acc.precision() < 0.995 {
		t.Fatalf("precision %.4f is below 0.995", acc.precision())
	}
}

// megabyteCase builds a ~1 MB text from copies of testdata/user-sample.txt, with 5,000 claims
// and a few edits in every copy. Each copy is headed by a numbered line that the edits leave
// alone, as a real document's section headings tell its sections apart; without them, 260
// verbatim copies of one text leave the diff nothing to align and every claim 260 equally good
// places.
func megabyteCase(t testing.TB) revisedCase {
	raw, err := os.ReadFile("../testdata/user-sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	var old strings.Builder
	var heads, bodies []string
	body := strings.TrimSpace(string(raw)) + "\n\n"
	for i := 0; old.Len() < 1<<20; i++ {
		head := fmt.Sprintf("Part %d\n\n", i+1)
		heads, bodies = append(heads, head), append(bodies, body)
		old.WriteString(head + body)
	}
	c := revisedCase{old: old.String()}
	oldT := citecheck.NewText(c.old)
	const claims = 5000
	var cells []revCell
	base := 0
	for i := range bodies {
		head, rs := []rune(heads[i]), []rune(bodies[i])
		cells = append(cells, cellsOf(head, base)...)
		base += len(head)
		n := claims*(i+1)/len(bodies) - claims*i/len(bodies)
		first := len(c.claims)
		revised := reviseChunk(rng, oldT, rs, base, 1+rng.Intn(4), n, &c)
		c.addTruths(revised, len(cells), c.claims[first:])
		cells = append(cells, revised...)
		base += len(rs)
	}
	c.new, c.cells = cellText(cells), cells
	return c
}

// BenchmarkReanchor1MB5000Claims re-anchors 5,000 claims on a 1 MB text with edits throughout,
// and reports the time per claim and the precision and recall on that text.
func BenchmarkReanchor1MB5000Claims(b *testing.B) {
	c := megabyteCase(b)
	acc := measure([]revisedCase{c})
	b.ResetTimer()
	for b.Loop() {
		Reanchor(c.old, c.new, c.claims)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(c.claims)), "ns/claim")
	b.ReportMetric(acc.precision(), "precision")
	b.ReportMetric(acc.recall(), "recall")
}
