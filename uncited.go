package citecheck

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The reasons a sentence without a marker is flagged as uncited.
const (
	UncitedNumber    = "number"    // a figure or a percentage
	UncitedDate      = "date"      // a day, a month with a day or year, or a year
	UncitedQuotation = "quotation" // a direct quotation
)

// UncitedSentence is a body sentence that states something a reader would want a source for
// but carries no marker: Start and End count code points of the text, as a claim's span does,
// so a citation-needed claim can be made over it as it is.
type UncitedSentence struct {
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Reason string `json:"reason"`
}

// FindUncited lists the sentences of the body (the text before the reference list, split as
// SplitSentences splits it) that no marker backs, inside or right after them (the markers
// AttachedCitations gives a span), and that state a number, a percentage, a date or a direct
// quotation. Reason names the first such thing in the sentence.
//
// To keep false alarms down, it ignores list numbering that opens a sentence ("1.", "2)"),
// headings (a short line of its own without closing punctuation, or one opening with '#'),
// numbers glued to a name ("G20", "F-16", "COVID-19"), digits inside URLs, and quoted names of
// fewer than four words ("the “High Negotiating Committee”") unless a verb of speech is near.
// Never nil.
func FindUncited(t *Text, s Sources) []UncitedSentence {
	limit := t.Len()
	if s.List != nil {
		limit = min(max(s.List.Start, 0), limit)
	}
	out := []UncitedSentence{}
	for _, sp := range splitRange(t, s.Citations, 0, limit) {
		if len(AttachedCitations(t, s.Citations, sp.Start, sp.End)) > 0 || isHeadingSpan(t, sp) {
			continue
		}
		if reason := uncitedReason(t.Slice(sp.Start, sp.End)); reason != "" {
			out = append(out, UncitedSentence{Start: sp.Start, End: sp.End, Reason: reason})
		}
	}
	return out
}

// isHeadingSpan reports whether a sentence is a heading: alone on its line, opening with '#',
// or at most ten words long without the punctuation that closes a sentence.
func isHeadingSpan(t *Text, sp Span) bool {
	s := t.Slice(sp.Start, sp.End)
	before := strings.TrimRight(t.Slice(max(sp.Start-80, 0), sp.Start), " \t")
	after := strings.TrimLeft(t.Slice(sp.End, min(sp.End+80, t.Len())), " \t")
	ownLine := (sp.Start == 0 || strings.HasSuffix(before, "\n")) && (sp.End == t.Len() || strings.HasPrefix(after, "\n"))
	if !ownLine {
		return false
	}
	if strings.HasPrefix(s, "#") {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRightFunc(s, isCloser))
	return !isTerminator(last) && last != ':' && last != ';' && len(strings.Fields(s)) <= 10
}

var (
	// listNumber is the numbering that opens an item of a list: "1.", "2)", "(3)", "iv.".
	listNumber = regexp.MustCompile(`^(?:\(?\p{Nd}{1,3}[.)]|\([ivxlc]{1,6}\)|[ivxlc]{1,6}\.)(?:\s|$)`)
	// months are the English month names and their abbreviations, capitalised.
	months = `(?:January|February|March|April|May|June|July|August|September|October|November|December|` +
		`Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?`
	datePattern = regexp.MustCompile(`\b\p{Nd}{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?` + months + `\b` +
		`|\b` + months + `\s+(?:\p{Nd}{1,2}(?:st|nd|rd|th)?|\p{Nd}{4})\b` +
		`|\b\p{Nd}{4}-\p{Nd}{2}-\p{Nd}{2}\b|\b\p{Nd}{1,2}/\p{Nd}{1,2}/\p{Nd}{2,4}\b` +
		`|(?:^|[^\pL\pN])(?:1[5-9]\pN\pN|20\pN\pN)s?(?:[^\pL\pN]|$)`)
	percentPattern = regexp.MustCompile(`(?i)%|\bper ?cent\b`)
	quotePattern   = regexp.MustCompile(`“([^“”]+)”|"([^"]+)"|«([^«»]+)»|„([^„“”]+)[“”]`)
	speechPattern  = regexp.MustCompile(`(?i)\b(?:said|says|say|told|tells|stated|states|wrote|writes|declared|asked|added|announced|according to)\b`)
	urlPattern     = regexp.MustCompile(`(?i)\bhttps?://\S+`)
)

// uncitedReason names what in sentence s would need a source, the earliest in the sentence
// first, or "" when nothing does. The patterns run only on sentences that hold what they look
// for (a digit, a quotation mark, "cent"), so the plain sentences of a large text cost a scan.
func uncitedReason(s string) string {
	s = strings.TrimSpace(s)
	if s != "" && (s[0] == '(' || strings.IndexByte("ivxlc", s[0]) >= 0 || unicode.IsDigit(rune(s[0]))) {
		s = listNumber.ReplaceAllString(s, "")
	}
	if strings.Contains(s, "://") {
		s = urlPattern.ReplaceAllStringFunc(s, func(u string) string { return strings.Repeat(" ", len(u)) })
	}
	best, reason := len(s)+1, ""
	consider := func(at int, r string) {
		if at >= 0 && at < best {
			best, reason = at, r
		}
	}
	if strings.ContainsAny(s, "\"“«„") {
		consider(quotationAt(s), UncitedQuotation)
	}
	if strings.IndexFunc(s, unicode.IsDigit) >= 0 {
		dates := findDates(s)
		if len(dates) > 0 {
			consider(dates[0][0], UncitedDate)
		}
		consider(firstFigure(s, dates), UncitedNumber)
	}
	if strings.Contains(s, "%") || strings.Contains(strings.ToLower(s), "cent") {
		if loc := percentPattern.FindStringIndex(s); loc != nil {
			consider(loc[0], UncitedNumber)
		}
	}
	return reason
}

// dateWindow is how many bytes around a run of digits can belong to a date with it: a month
// name, a full stop, "of" and the spaces between.
const dateWindow = 24

// findDates returns the byte spans of the dates in s, ascending. The date pattern runs only on
// a short window around each run of digits, since every date holds one; on a long sentence a
// pattern of many alternatives tried at every position costs far more than the sentence split.
func findDates(s string) [][]int {
	var spans [][]int
	for a := 0; a < len(s); {
		r, w := utf8.DecodeRuneInString(s[a:])
		if !unicode.IsDigit(r) || inSpans(a, spans) {
			a += w
			continue
		}
		b := a
		for b < len(s) {
			r, w := utf8.DecodeRuneInString(s[b:])
			if !unicode.IsDigit(r) {
				break
			}
			b += w
		}
		from, to := wordBoundaryBefore(s, max(a-dateWindow, 0), a), wordBoundaryAfter(s, min(b+dateWindow, len(s)), b)
		for _, m := range datePattern.FindAllStringIndex(s[from:to], -1) {
			if sp := []int{from + m[0], from + m[1]}; len(spans) == 0 || sp[0] >= spans[len(spans)-1][1] {
				spans = append(spans, sp)
			}
		}
		a = b
	}
	return spans
}

// wordBoundaryBefore moves i forward, not past limit, to a rune boundary that does not cut a
// word, so that a pattern's start of text and \b mean what they mean in the whole sentence.
func wordBoundaryBefore(s string, i, limit int) int {
	for i < limit && !utf8.RuneStart(s[i]) {
		i++
	}
	for i > 0 && i < limit {
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return i
}

// wordBoundaryAfter moves i back, not before limit, to a rune boundary that does not cut a word.
func wordBoundaryAfter(s string, i, limit int) int {
	for i > limit && i < len(s) && !utf8.RuneStart(s[i]) {
		i--
	}
	for i < len(s) && i > limit {
		r, _ := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		_, w := utf8.DecodeLastRuneInString(s[:i])
		i -= w
	}
	return i
}

// firstFigure returns the byte offset of the first run of digits in s that is not part of a
// date (the spans in dates) nor glued to a name, as in "G20", "F-16" or "COVID-19", or -1.
func firstFigure(s string, dates [][]int) int {
	var prev, prev2 rune
	inRun := false
	for i, r := range s {
		if !unicode.IsDigit(r) {
			prev2, prev, inRun = prev, r, false
			continue
		}
		if !inRun {
			inRun = true
			glued := unicode.IsLetter(prev) || prev == '-' && unicode.IsLetter(prev2)
			if !glued && !inSpans(i, dates) && prev != '.' && prev != ',' {
				return i
			}
		}
		prev2, prev = prev, r
	}
	return -1
}

// inSpans reports whether byte offset i lies in one of spans.
func inSpans(i int, spans [][]int) bool {
	for _, sp := range spans {
		if sp[0] <= i && i < sp[1] {
			return true
		}
	}
	return false
}

// quotationAt returns the byte offset of the first direct quotation in s, or -1: quoted words
// of at least four, or of at least two in a sentence with a verb of speech.
func quotationAt(s string) int {
	speech := speechPattern.MatchString(s)
	for _, m := range quotePattern.FindAllStringSubmatchIndex(s, -1) {
		for g := 2; g+1 < len(m); g += 2 {
			if m[g] < 0 {
				continue
			}
			words := len(strings.FieldsFunc(s[m[g]:m[g+1]], func(r rune) bool { return unicode.IsSpace(r) }))
			if words >= 4 || speech && words >= 2 {
				return m[0]
			}
		}
	}
	return -1
}
