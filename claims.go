package citecheck

import (
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ContextLen is how many code points of text a claim's Prefix and Suffix hold at most, enough
// for a TextQuoteSelector to find the quote again.
const ContextLen = 32

// ValidateSpan checks that [start, end) is a span of t that a claim may cover:
// 0 <= start < end <= t.Len() (else ECodeOffsetOutOfRange about "start" or "end"), and it holds
// a character other than white space (else ECodeEmptySpan about "start"), and neither edge splits a
// grapheme cluster (else ECodeSplitsGrapheme about that edge): a claim that cut 👍🏽 or a flag in
// two would quote half a character, and its highlight could not be drawn.
func ValidateSpan(t *Text, start, end int) error {
	n := t.Len()
	switch {
	case start < 0 || start >= n:
		return FieldErrorf(ECodeOffsetOutOfRange, "start",
			"start %d is outside the text, which has %d code points (want 0 <= start < %d)", start, n, n)
	case end > n:
		return FieldErrorf(ECodeOffsetOutOfRange, "end",
			"end %d is past the end of the text, which has %d code points", end, n)
	case end <= start:
		return FieldErrorf(ECodeOffsetOutOfRange, "end",
			"end %d must be greater than start %d (the text has %d code points)", end, start, n)
	}
	if err := checkGraphemeBoundary(t, start, "start"); err != nil {
		return err
	}
	if err := checkGraphemeBoundary(t, end, "end"); err != nil {
		return err
	}
	if strings.TrimFunc(t.Slice(start, end), unicode.IsSpace) == "" {
		return FieldErrorf(ECodeEmptySpan, "start",
			"the span %d..%d holds only white space; a claim must cover some text", start, end)
	}
	return nil
}

// CheckQuote checks that quote is the text of t at [start, end), which the caller has validated.
// The quote is compared after the same line-ending and NFC normalisation as stored text, so a
// client that sends decomposed accents or CRLF still matches.
func CheckQuote(t *Text, start, end int, quote string) error {
	got := t.Slice(start, end)
	// The quote as sent, or in the stored text's normal form (NFC, LF line ends).
	if quote == got || norm.NFC.String(normalizeNewlines(quote)) == got {
		return nil
	}
	return FieldErrorf(ECodeQuoteMismatch, "quote",
		"the quote %q does not match the text at %d..%d, which is %q", clip(quote), start, end, clip(got))
}

// clip shortens s for an error message.
func clip(s string) string {
	const n = 80
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// NormalizeRefs checks a claim's reference numbers: within the bounds of CheckRefs, every one
// positive and none twice (else ECodeInvalidRefs about "refs"). It returns them ascending in a
// new slice, never nil.
func NormalizeRefs(refs []int) ([]int, error) {
	if err := CheckRefs(refs); err != nil {
		return nil, err
	}
	out := append([]int{}, refs...)
	sort.Ints(out)
	for i, r := range out {
		if r <= 0 {
			return nil, FieldErrorf(ECodeInvalidRefs, "refs", "ref %d is not a positive integer", r)
		}
		if i > 0 && out[i-1] == r {
			return nil, FieldErrorf(ECodeInvalidRefs, "refs", "ref %d is listed more than once", r)
		}
	}
	return out, nil
}

// FillQuote sets c.Quote to the text of t at [c.Start, c.End), and c.Prefix and c.Suffix to up to
// ContextLen code points before and after it. Offsets out of range are clamped.
func FillQuote(t *Text, c *Claim) {
	n := t.Len()
	start := min(max(c.Start, 0), n)
	end := min(max(c.End, start), n)
	c.Quote = t.Slice(start, end)
	c.Prefix = t.Slice(max(start-ContextLen, 0), start)
	c.Suffix = t.Slice(end, min(end+ContextLen, n))
}
