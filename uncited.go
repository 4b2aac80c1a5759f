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
	// numberPattern is a run of digits that a letter, or a letter and a hyphen, does not open.
	numberPattern  = regexp.MustCompile(`(?:^|[^\pL\pN.,-]|[^\pL]-)\pN+(?:[.,]\pN+)*`)
	percentPattern = regexp.MustCompile(`(?i)%|\bper ?cent\b`)
	quotePattern   = regexp.MustCompile(`“([^“”]+)”|"([^"]+)"|«([^«»]+)»|„([^„“”]+)[“”]`)
	speechPattern  = regexp.MustCompile(`(?i)\b(?:said|says|say|told|tells|stated|states|wrote|writes|declared|asked|added|announced|according to)\b`)
	urlPattern     = regexp.MustCompile(`(?i)\bhttps?://\S+`)
)

// uncitedReason names what in sentence s would need a source, the earliest in the sentence
// first, or "" when nothing does.
func uncitedReason(s string) string {
	s = listNumber.ReplaceAllString(strings.TrimSpace(s), "")
	s = urlPattern.ReplaceAllStringFunc(s, func(u string) string { return strings.Repeat(" ", len(u)) })
	best, reason := len(s)+1, ""
	consider := func(at int, r string) {
		if at >= 0 && at < best {
			best, reason = at, r
		}
	}
	consider(quotationAt(s), UncitedQuotation)
	dates := datePattern.FindAllStringIndex(s, -1)
	if len(dates) > 0 {
		consider(dates[0][0], UncitedDate)
	}
	// Digits that are part of a date are the date's, not a figure of their own.
	blanked := []byte(s)
	for _, d := range dates {
		for i := d[0]; i < d[1]; i++ {
			blanked[i] = ' '
		}
	}
	if loc := numberPattern.FindIndex(blanked); loc != nil {
		consider(loc[0], UncitedNumber)
	}
	if loc := percentPattern.FindStringIndex(s); loc != nil {
		consider(loc[0], UncitedNumber)
	}
	return reason
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
