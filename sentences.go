package citecheck

import (
	"sort"
	"strings"
	"unicode"
)

// Span is a code point range of a text, end exclusive.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// SplitSentences splits the whole of t into sentences, whose markers are cits (sorted by Start,
// as ParseCitations returns them). A span excludes the white space around a sentence and the
// marker run after it; a marker run that opens a paragraph or follows a full stop belongs to no
// sentence's span (AttachedCitations gives it to the sentence before).
//
// A sentence ends:
//   - at . ! ? … (and runs of them), the Arabic question mark ؟, the Urdu full stop ۔ and 。,
//     with any closing quotes or brackets right after (`.”`, `”.`, `?)`), when white space and
//     then an upper-case or uncased letter, a digit, a symbol (emoji, currency), an opening
//     quote or bracket, a marker, a line break or the end of the text follow; so "3.5", "U.S.A"
//     and "... and so on" do not end one;
//   - at a colon or semicolon followed by a marker run and then such a start (`reached: [45] 34`);
//   - at a line break when the next line does not open with a lower-case letter (a hard-wrapped
//     line continues), and always at a blank line;
//   - at the end of the text.
//
// A bracketed note that is not a marker (`[citation needed]`, `[sic]`, `[99x]`) right after a
// sentence's end, on the same line, belongs to that sentence's span: it neither joins the
// sentence to the next one (`talks.[99x] The second`) nor opens the next one.
//
// A full stop after an abbreviation does not end a sentence unless a marker follows it: titles
// (Dr., Mr., Mrs., Ms., Prof., St., Gen., Sen., ...), e.g., i.e., vs., month abbreviations
// (Jan. to Dec., Sept.), No. before a number, dotted initialisms (U.S., U.K., U.N.) and single
// letters ("J. Smith", "p. 5"; not the pronoun "I"). "etc." ends a sentence before a capital.
func SplitSentences(t *Text, cits []Citation) []Span {
	return splitRange(t, cits, 0, t.Len())
}

// SentenceAt returns the sentence that contains code point offset cp or, when cp falls between
// sentences (on a marker run or white space), the sentence before it, to which such a run
// belongs; failing that, the first sentence after it. Since a blank line always ends a sentence,
// it splits only the paragraph around cp (and, when that holds no answer, the paragraphs before
// or after it, one at a time), so it costs the length of a paragraph, not of the text. Without
// any sentence in the text it returns the empty span {cp, cp}, cp clamped to the text.
func SentenceAt(t *Text, cits []Citation, cp int) Span {
	cp = min(max(cp, 0), t.Len())
	s := t.String()
	b := t.ByteOffset(cp)
	lo, hi := paragraphStart(s, b), paragraphEnd(s, b)
	split := func(from, to int) []Span {
		return splitRange(t, cits, t.CodePointOffset(from), t.CodePointOffset(to))
	}
	spans := split(lo, hi)
	i := sort.Search(len(spans), func(i int) bool { return spans[i].End > cp })
	switch {
	case i < len(spans) && spans[i].Start <= cp:
		return spans[i]
	case i > 0:
		return spans[i-1]
	}
	for lo > 0 { // the last sentence of an earlier paragraph
		from := paragraphStart(s, lo-1)
		if before := split(from, lo); len(before) > 0 {
			return before[len(before)-1]
		}
		lo = from
	}
	if len(spans) > 0 {
		return spans[0]
	}
	for hi < len(s) { // the first sentence of a later paragraph
		to := paragraphEnd(s, hi+1)
		if after := split(hi, to); len(after) > 0 {
			return after[0]
		}
		hi = to
	}
	return Span{cp, cp}
}

// CitedSentence is a proposed claim: a sentence that carries markers, its text and the refs of
// the markers in it and right after it.
type CitedSentence struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Quote string `json:"quote"`
	Refs  []int  `json:"refs"`
}

// CitedSentences proposes one claim per sentence of the body (the text before the reference
// list) that carries a marker: glued to a word inside it (`negotiations[22] which`), glued to
// its last word (`Kurds[46].`), or in the run right after its end (`talks. [30] [31]`), which
// includes a run that opens the next paragraph (`opposition.\n\n[47] Two`), as the contract
// attaches such a marker to the span before it. The refs are those AttachedCitations finds for
// the sentence, so a claim made from the proposal passes the marker-not-attached check: a
// sentence with a marker inside and a run after gets both ("Kurds[46] and ... opposition." then
// "[47]" gives [46 47]). Never nil.
func CitedSentences(t *Text, s Sources) []CitedSentence {
	limit := t.Len()
	if s.List != nil {
		limit = min(max(s.List.Start, 0), limit)
	}
	out := []CitedSentence{}
	for _, sp := range splitRange(t, s.Citations, 0, limit) {
		refs := attachedRefs(t, s.Citations, sp.Start, sp.End)
		if len(refs) == 0 {
			continue
		}
		out = append(out, CitedSentence{Start: sp.Start, End: sp.End, Quote: t.Slice(sp.Start, sp.End), Refs: refs})
	}
	return out
}

// paragraphStart returns the byte offset where the paragraph holding byte b starts: just after
// the last blank line before b, or 0.
func paragraphStart(s string, b int) int {
	for i := min(b, len(s)) - 1; i >= 0; i-- {
		if s[i] != '\n' {
			continue
		}
		j := i - 1
		for j >= 0 && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r') {
			j--
		}
		if j >= 0 && s[j] == '\n' {
			return i + 1
		}
	}
	return 0
}

// paragraphEnd returns the byte offset of the first blank line at or after byte b, or len(s).
func paragraphEnd(s string, b int) int {
	for i := max(b, 0); i < len(s); i++ {
		if s[i] != '\n' {
			continue
		}
		j := i + 1
		for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r') {
			j++
		}
		if j < len(s) && s[j] == '\n' {
			return i
		}
	}
	return len(s)
}

// splitter cuts the code points [base, base+len(r)) of a text into sentences.
type splitter struct {
	r    []rune
	base int
	cits []Citation // the markers that lie within the range, sorted
}

// splitRange splits code points [from, to) of t.
func splitRange(t *Text, cits []Citation, from, to int) []Span {
	spans := []Span{}
	if from >= to {
		return spans
	}
	a := sort.Search(len(cits), func(i int) bool { return cits[i].Start >= from })
	b := sort.Search(len(cits), func(i int) bool { return cits[i].Start >= to })
	for b > a && cits[b-1].End > to {
		b--
	}
	sp := &splitter{r: []rune(t.Slice(from, to)), base: from, cits: cits[a:b]}
	return sp.split(spans)
}

// markerEnd returns the range index just after the marker that starts at range index i, or -1.
func (sp *splitter) markerEnd(i int) int {
	if sp.r[i] != '[' {
		return -1
	}
	cp := sp.base + i
	k := sort.Search(len(sp.cits), func(k int) bool { return sp.cits[k].Start >= cp })
	if k < len(sp.cits) && sp.cits[k].Start == cp {
		return sp.cits[k].End - sp.base
	}
	return -1
}

// markerStartEndingAt returns the range index of the marker that ends at range index i, or -1.
func (sp *splitter) markerStartEndingAt(i int) int {
	if i == 0 || sp.r[i-1] != ']' {
		return -1
	}
	cp := sp.base + i
	k := sort.Search(len(sp.cits), func(k int) bool { return sp.cits[k].End >= cp })
	if k < len(sp.cits) && sp.cits[k].End == cp {
		return sp.cits[k].Start - sp.base
	}
	return -1
}

func (sp *splitter) split(spans []Span) []Span {
	r, n := sp.r, len(sp.r)
	start := -1 // range index where the open sentence starts, or -1
	for i := 0; i < n; {
		if e := sp.markerEnd(i); e > i {
			i = e // a marker inside a sentence, or one opening it, which belongs to the one before
			continue
		}
		c := r[i]
		if unicode.IsSpace(c) {
			if c == '\n' && start >= 0 && sp.lineBreakEnds(i) {
				spans = sp.close(spans, start, i)
				start = -1
			}
			i++
			continue
		}
		if start < 0 {
			if isBullet(c) && (i+1 == n || unicode.IsSpace(r[i+1])) {
				i++ // a list bullet ("· Daraa's experience") is not part of the sentence
				continue
			}
			start = i
		}
		if isTerminator(c) || c == ':' || c == ';' {
			end, next, ok, skip := sp.boundary(i)
			if ok {
				spans = append(spans, Span{sp.base + start, sp.base + end})
				start = -1
				i = next
				continue
			}
			i = skip
			continue
		}
		i++
	}
	if start >= 0 {
		spans = sp.close(spans, start, n)
	}
	return spans
}

// close ends the sentence from start at limit, without trailing white space and markers.
func (sp *splitter) close(spans []Span, start, limit int) []Span {
	end := limit
	for end > start {
		if unicode.IsSpace(sp.r[end-1]) {
			end--
		} else if ms := sp.markerStartEndingAt(end); ms >= start {
			end = ms
		} else {
			break
		}
	}
	if end > start {
		spans = append(spans, Span{sp.base + start, sp.base + end})
	}
	return spans
}

// lineBreakEnds reports whether the line break at i ends the open sentence: a blank line does,
// and so does a line break before anything but a lower-case letter.
func (sp *splitter) lineBreakEnds(i int) bool {
	k := i + 1
	for k < len(sp.r) && unicode.IsSpace(sp.r[k]) {
		if sp.r[k] == '\n' {
			return true
		}
		k++
	}
	return k == len(sp.r) || !unicode.IsLower(sp.r[k])
}

// boundary decides whether the punctuation at i ends a sentence. It returns the sentence's end
// (after the punctuation and any closing quotes), where the next sentence may start (after the
// marker run that follows), whether it ends, and where to continue scanning when it does not.
func (sp *splitter) boundary(i int) (end, next int, ok bool, skip int) {
	r, n := sp.r, len(sp.r)
	c := r[i]
	j := i + 1
	if isTerminator(c) {
		for j < n && isTerminator(r[j]) {
			j++
		}
	}
	skip = j
	for j < n && isCloser(r[j]) {
		j++
	}
	end = j
	k := end
	space, marker, lineBreak := false, false, false
	for k < n {
		if unicode.IsSpace(r[k]) {
			space = true
			lineBreak = lineBreak || r[k] == '\n'
			k++
		} else if e := sp.markerEnd(k); e > k {
			marker = true
			k = e
		} else if e := sp.noteEnd(k); e > k && !lineBreak {
			end, k = e, e // a note belongs to the sentence it follows, with any markers before it
		} else {
			break
		}
	}
	switch {
	case !isTerminator(c) && !marker:
		return 0, 0, false, skip
	case k == n || lineBreak:
		return end, k, true, skip
	case !space:
		return 0, 0, false, skip // "3.5", "U.S.A", "end.[3]next"
	case c == '.' && j == i+1 && !marker && sp.abbreviation(i, r[k]):
		return 0, 0, false, skip
	case opensSentence(r[k]):
		return end, k, true, skip
	}
	return 0, 0, false, skip
}

// maxNoteLen bounds the code points inside a bracketed note; longer brackets are text.
const maxNoteLen = 40

// noteEnd returns the range index just after a bracketed note that starts at range index i, or
// -1: brackets on one line, holding something but not a marker (`[citation needed]`, `[sic]`,
// `[99x]`). An editor writes one after the sentence it is about, so the splitter keeps it with
// that sentence rather than letting it glue two sentences together or open the next one.
func (sp *splitter) noteEnd(i int) int {
	if sp.r[i] != '[' || sp.markerEnd(i) > i {
		return -1
	}
	for j := i + 1; j < len(sp.r) && j <= i+maxNoteLen+1; j++ {
		switch sp.r[j] {
		case ']':
			if j == i+1 {
				return -1
			}
			return j + 1
		case '[', '\n':
			return -1
		}
	}
	return -1
}

// isTerminator reports whether c may end a sentence.
func isTerminator(c rune) bool {
	switch c {
	case '.', '!', '?', '…', '؟', '۔', '。', '！', '？':
		return true
	}
	return false
}

// isCloser reports whether c closes a quotation or a bracket (but not a marker's ']').
func isCloser(c rune) bool {
	return c == '"' || c == '\'' || c == ')' || unicode.Is(unicode.Pf, c) || unicode.Is(unicode.Pe, c) && c != ']'
}

// isBullet reports whether c marks an item of a list.
func isBullet(c rune) bool {
	switch c {
	case '·', '•', '‣', '◦', '▪', '∙':
		return true
	}
	return false
}

// opensSentence reports whether c may be the first character of a sentence.
func opensSentence(c rune) bool {
	switch {
	case unicode.IsLetter(c):
		return !unicode.IsLower(c)
	case unicode.IsDigit(c), unicode.IsSymbol(c), unicode.Is(unicode.Ps, c), unicode.Is(unicode.Pi, c):
		return true
	}
	return strings.ContainsRune("\"'`¿¡•·*–—-", c)
}

// titleAbbreviations are words, lower case, whose full stop ends no sentence.
var titleAbbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true, "gen": true,
	"col": true, "lt": true, "sgt": true, "capt": true, "gov": true, "sen": true, "rep": true,
	"rev": true, "mt": true, "ft": true, "vs": true, "fig": true, "pp": true, "vol": true,
	"approx": true, "dept": true, "cf": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
}

// abbreviation reports whether the full stop at i closes an abbreviation, given the character
// that follows the white space after it.
func (sp *splitter) abbreviation(i int, next rune) bool {
	p := i
	for p > 0 && (unicode.IsLetter(sp.r[p-1]) || sp.r[p-1] == '.') {
		p--
	}
	word := string(sp.r[p:i])
	if word == "" {
		return false
	}
	if strings.Contains(word, ".") { // U.S, e.g, i.e, U.N: every part one or two letters
		for _, part := range strings.Split(word, ".") {
			if n := len([]rune(part)); n == 0 || n > 2 {
				return false
			}
		}
		return true
	}
	lower := strings.ToLower(word)
	switch {
	case len([]rune(word)) == 1:
		return word != "I"
	case lower == "no":
		return unicode.IsDigit(next)
	}
	return titleAbbreviations[lower]
}
