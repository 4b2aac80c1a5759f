package citecheck

import (
	"sort"
	"unicode/utf8"
)

// checkpointShift sets how often Text remembers a byte offset: every 1<<checkpointShift code
// points. 64 keeps the index at 1/16 of a 4-byte-per-code-point text and a lookup under 64 steps.
const checkpointShift = 6

// Text is a document text with an index that turns code point offsets, which the API speaks,
// into byte offsets, which Go strings need, in constant time (O(log n) the other way). An ASCII
// text needs no index at all. A Text is immutable and safe for concurrent use.
type Text struct {
	s     string
	n     int     // code points
	marks []int32 // marks[i] is the byte offset of code point i<<checkpointShift; nil for ASCII
}

// NewText indexes s. Invalid UTF-8 bytes count as one code point each, as range over a string does.
func NewText(s string) *Text {
	t := &Text{s: s}
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		t.n = len(s)
		return t
	}
	t.marks = make([]int32, 0, len(s)>>checkpointShift+1)
	n := 0
	for b := 0; b < len(s); n++ {
		if n&(1<<checkpointShift-1) == 0 {
			t.marks = append(t.marks, int32(b))
		}
		b += runeWidth(s, b)
	}
	t.n = n
	return t
}

// String returns the text.
func (t *Text) String() string { return t.s }

// Len returns the number of code points of the text.
func (t *Text) Len() int { return t.n }

// ByteOffset returns the byte offset of code point cp, 0 <= cp <= Len(); cp out of that range is
// clamped.
func (t *Text) ByteOffset(cp int) int {
	if cp <= 0 {
		return 0
	}
	if cp >= t.n {
		return len(t.s)
	}
	if t.marks == nil {
		return cp
	}
	b := int(t.marks[cp>>checkpointShift])
	for k := cp & (1<<checkpointShift - 1); k > 0; k-- {
		b += runeWidth(t.s, b)
	}
	return b
}

// CodePointOffset returns the code point offset of byte offset byteOff, which should be on a rune
// boundary; an offset inside a rune rounds down to that rune, and out of range offsets are clamped.
func (t *Text) CodePointOffset(byteOff int) int {
	if byteOff <= 0 {
		return 0
	}
	if byteOff >= len(t.s) {
		return t.n
	}
	if t.marks == nil {
		return byteOff
	}
	i := sort.Search(len(t.marks), func(i int) bool { return int(t.marks[i]) > byteOff }) - 1
	cp := i << checkpointShift
	for b := int(t.marks[i]); ; cp++ {
		b += runeWidth(t.s, b)
		if b > byteOff {
			return cp
		}
	}
}

// Slice returns code points [start, end) of the text. The caller validates the range; offsets out
// of range are clamped rather than panicking.
func (t *Text) Slice(start, end int) string {
	a, b := t.ByteOffset(start), t.ByteOffset(end)
	if a >= b {
		return ""
	}
	return t.s[a:b]
}

// runeWidth is the byte width of the rune at s[b], 1 for an invalid byte.
func runeWidth(s string, b int) int {
	if s[b] < utf8.RuneSelf {
		return 1
	}
	_, w := utf8.DecodeRuneInString(s[b:])
	return w
}

// CodePointToByte returns the byte offset of code point cp of s, clamped to [0, len(s)].
func CodePointToByte(s string, cp int) int {
	b := 0
	for ; cp > 0 && b < len(s); cp-- {
		b += runeWidth(s, b)
	}
	return b
}

// ByteToCodePoint returns the code point offset of byte offset b of s; a b inside a rune rounds
// down to the start of that rune, and b is clamped to [0, len(s)].
func ByteToCodePoint(s string, b int) int {
	n := 0
	for i := 0; i < len(s); n++ {
		w := runeWidth(s, i)
		if i+w > b {
			break
		}
		i += w
	}
	return n
}

// CodePointToUTF16 returns the UTF-16 code unit offset of code point cp of s, as a browser's
// string positions count it: code points above U+FFFF take two units. cp is clamped.
func CodePointToUTF16(s string, cp int) int {
	u := 0
	for _, r := range s {
		if cp <= 0 {
			break
		}
		u += utf16Len(r)
		cp--
	}
	return u
}

// UTF16ToCodePoint returns the code point offset of UTF-16 code unit offset u of s; a u in the
// middle of a surrogate pair rounds down to the start of that code point, and u is clamped.
func UTF16ToCodePoint(s string, u int) int {
	n := 0
	for _, r := range s {
		w := utf16Len(r)
		if w > u {
			break
		}
		u -= w
		n++
	}
	return n
}

func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}
