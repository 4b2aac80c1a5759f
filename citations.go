package citecheck

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits that keep a bracket of numbers from being taken for a marker, and keep one marker from
// expanding into millions of numbers.
const (
	maxRef        = 1_000_000 // a larger number is not a reference number
	maxRangeWidth = 1000      // [1-5000] is not a marker
	maxMarkerRefs = 1000      // nor is a list whose ranges add up to more numbers than this
	maxRefDigits  = 7         // digits of maxRef
)

// ParseCitations finds every citation marker of text: a bracket holding a comma-separated list
// of positive numbers and ranges, such as [30], [30, 31], [30,31], [30–32], [30-32] or
// [30, 32–34]. Spaces (and no-break or thin spaces, and tabs) may surround the numbers; a range
// takes a hyphen or any of U+2010–U+2014 or U+2212 and lists every number from its first to its
// last. A number has no leading zero ([0], [07] are not markers) and is at most 1,000,000; a
// descending range, a range of more than 1000 numbers or a marker of more than 1000 numbers in
// all is not a marker. Anything else in brackets ([a], [citation needed], [sic], []) is not a
// marker. A marker may be glued to the word before it, and [[46]] yields the inner [46].
//
// Start and End are the code point offsets of the whole bracket; Refs are ascending and unique.
// The scan is linear in the length of text. The result is never nil.
func ParseCitations(text string) []Citation {
	// Every marker opens with '[': counting them bounds the result, so the markers and their
	// numbers each take one allocation instead of one per marker and a growing slice.
	cits := make([]Citation, 0, strings.Count(text, "["))
	var all []int      // the numbers of every marker, back to back; each Refs is a capped window
	cpByte, cp := 0, 0 // code point offset cp of byte offset cpByte, advanced lazily
	var refs []int
	for i := 0; i < len(text); {
		j := strings.IndexByte(text[i:], '[')
		if j < 0 {
			break
		}
		i += j
		var end int
		refs, end = parseMarker(text, i, refs[:0])
		if end < 0 {
			// The scan stopped at a byte that cannot be part of a marker's inside, which is
			// never '[' before -end-1, so continuing there keeps the whole scan linear.
			i = -end - 1
			continue
		}
		cp += countCodePoints(text[cpByte:i])
		start := cp
		cp += countCodePoints(text[i:end])
		cpByte = end
		if all == nil {
			all = make([]int, 0, 2*cap(cits))
		}
		from := len(all)
		all = appendSortedUnique(all, refs)
		cits = append(cits, Citation{Start: start, End: cp, Refs: all[from:len(all):len(all)]})
		i = end
	}
	return cits
}

// countCodePoints is utf8.RuneCountInString(s) (an invalid byte counts as one code point), 32
// and then 8 bytes at a time while they are ASCII: between two markers a text is mostly ASCII,
// and counting rune by rune was three quarters of the time to parse the markers of 1 MB.
func countCodePoints(s string) int {
	const high = 0x8080808080808080
	n := 0
	for i := 0; i < len(s); {
		if i+32 <= len(s) && (word(s, i)|word(s, i+8)|word(s, i+16)|word(s, i+24))&high == 0 {
			i, n = i+32, n+32
			continue
		}
		if i+8 <= len(s) && word(s, i)&high == 0 {
			i, n = i+8, n+8
			continue
		}
		if s[i] < utf8.RuneSelf {
			i++
		} else {
			_, w := utf8.DecodeRuneInString(s[i:])
			i += w
		}
		n++
	}
	return n
}

// word is the 8 bytes of s from i, little-endian (one load).
func word(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// appendSortedUnique appends refs to dst ascending and without duplicates. Most markers list
// their numbers in order already, so the sort is skipped for them.
func appendSortedUnique(dst, refs []int) []int {
	if !sort.IntsAreSorted(refs) {
		sort.Ints(refs)
	}
	for i, r := range refs {
		if i == 0 || r != refs[i-1] {
			dst = append(dst, r)
		}
	}
	return dst
}

// parseMarker reads the marker opening at text[open] == '['. It returns the numbers and the byte
// offset just after ']' or, when there is no marker, -p-1 where p is where reading stopped (at
// least open+1).
func parseMarker(text string, open int, refs []int) ([]int, int) {
	i := open + 1
	fail := func() ([]int, int) { return refs, -max(i, open+1) - 1 }
	for {
		i = skipInlineSpace(text, i)
		lo, next, ok := readNumber(text, i)
		if !ok {
			return fail()
		}
		i = skipInlineSpace(text, next)
		hi := lo
		if w := dashWidth(text, i); w > 0 {
			i = skipInlineSpace(text, i+w)
			hi, next, ok = readNumber(text, i)
			if !ok {
				return fail()
			}
			i = skipInlineSpace(text, next)
			if hi < lo || hi-lo+1 > maxRangeWidth {
				return fail()
			}
		}
		if len(refs)+hi-lo+1 > maxMarkerRefs {
			return fail()
		}
		for n := lo; n <= hi; n++ {
			refs = append(refs, n)
		}
		if i >= len(text) {
			return fail()
		}
		switch text[i] {
		case ']':
			return refs, i + 1
		case ',':
			i++
		default:
			return fail()
		}
	}
}

// readNumber reads a positive decimal number without a leading zero at text[i].
func readNumber(text string, i int) (n, next int, ok bool) {
	j := i
	for j < len(text) && text[j] >= '0' && text[j] <= '9' {
		if j-i >= maxRefDigits {
			return 0, j, false
		}
		n = n*10 + int(text[j]-'0')
		j++
	}
	if j == i || text[i] == '0' || n > maxRef {
		return 0, j, false
	}
	return n, j, true
}

// skipInlineSpace skips the spaces allowed around numbers inside a marker: never a line break.
func skipInlineSpace(text string, i int) int {
	for i < len(text) {
		switch c := text[i]; {
		case c == ' ' || c == '\t':
			i++
		case c >= utf8.RuneSelf:
			r, w := utf8.DecodeRuneInString(text[i:])
			if r != '\u00A0' && r != '\u2009' && r != '\u202F' {
				return i
			}
			i += w
		default:
			return i
		}
	}
	return i
}

// dashWidth returns the byte width of a range dash at text[i], or 0.
func dashWidth(text string, i int) int {
	if i >= len(text) {
		return 0
	}
	if text[i] == '-' {
		return 1
	}
	if text[i] < utf8.RuneSelf {
		return 0
	}
	r, w := utf8.DecodeRuneInString(text[i:])
	if (r >= '\u2010' && r <= '\u2014') || r == '\u2212' {
		return w
	}
	return 0
}

// sortedUnique returns a fresh ascending copy of refs without duplicates.
func sortedUnique(refs []int) []int {
	out := append([]int{}, refs...)
	sort.Ints(out)
	k := 0
	for i, r := range out {
		if i == 0 || r != out[k-1] {
			out[k] = r
			k++
		}
	}
	return out[:k]
}

// AttachedCitations returns the markers that bear on the span [start, end) of t: every marker
// that overlaps the span, plus the run of markers right after it: from the span's end (or the
// end of a marker that straddles it), white space is skipped (line breaks too, so a marker that
// opens the next paragraph counts), then consecutive markers separated only by white space are
// taken. cits must be sorted by Start and not overlap, as ParseCitations returns them.
func AttachedCitations(t *Text, cits []Citation, start, end int) []Citation {
	from, to := attachedRange(t, cits, start, end)
	return append([]Citation{}, cits[from:to]...)
}

// attachedRange returns the markers AttachedCitations takes as the index range [from, to) of
// cits: those that overlap the span and the run after it are neighbours in sorted markers, and a
// marker never starts in the white space skipped, for it starts with '['.
func attachedRange(t *Text, cits []Citation, start, end int) (from, to int) {
	k := sort.Search(len(cits), func(i int) bool { return cits[i].End > start })
	from, pos := k, end
	for ; k < len(cits) && cits[k].Start < end; k++ {
		pos = max(pos, cits[k].End)
	}
	for k < len(cits) {
		if cits[k].Start != skipSpace(t, pos) {
			break
		}
		pos = cits[k].End
		k++
	}
	return from, k
}

// skipSpace returns the code point offset of the first non-white-space code point at or after cp.
func skipSpace(t *Text, cp int) int {
	s := t.String()
	for b := t.ByteOffset(cp); b < len(s); cp++ {
		r, w := rune(s[b]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[b:])
		}
		if !unicode.IsSpace(r) {
			break
		}
		b += w
	}
	return cp
}

// SuggestRefs returns the numbers carried by the markers that bear on the span [start, end), as
// AttachedCitations finds them: ascending, unique, never nil. It is what the UI offers as the
// refs of a new claim. Unlike the check, it also looks past closing punctuation right after the
// span, since a reader who selects `“High Negotiating Committee”` in
// `“High Negotiating Committee”. [46]` means the marker after the full stop.
func SuggestRefs(t *Text, cits []Citation, start, end int) []int {
	return attachedRefs(t, cits, start, skipClosingPunctuation(t, end))
}

// closingPunctuation ends a clause or closes a quotation; a selection often stops just before it.
const closingPunctuation = ".,;:!?…”’»)\"'`"

// skipClosingPunctuation returns the offset after any closing punctuation that starts at cp.
func skipClosingPunctuation(t *Text, cp int) int {
	s := t.String()
	for b := t.ByteOffset(cp); b < len(s); cp++ {
		r, w := utf8.DecodeRuneInString(s[b:])
		if !strings.ContainsRune(closingPunctuation, r) {
			break
		}
		b += w
	}
	return cp
}
