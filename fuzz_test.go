package citecheck

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fuzzSeeds are texts every fuzz target starts from.
var fuzzSeeds = []string{
	"",
	"Talks. [30] [31] next",
	"x [30, 32–34] y [30-32] [ 30 ]",
	"Kurds[46] and\n\n[47] Two",
	"[[46]] [a] [citation needed] [sic] [] [0] [07] [30",
	"👨\u200d👩\u200d👧 🇸🇾[3] cafe\u0301 q\u0307",
	"قال المتحدث [12] وأضاف",
	"“curly” `tick`[1–1000]",
	"\xff[1]\x80[2]",
}

func FuzzParseCitations(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cits := ParseCitations(s)
		if cits == nil {
			t.Fatal("nil result")
		}
		txt := NewText(s)
		prevEnd := 0
		for i, c := range cits {
			if c.Start < prevEnd || c.End <= c.Start || c.End > txt.Len() {
				t.Fatalf("marker %d %v out of order or range (text %d code points)", i, c, txt.Len())
			}
			prevEnd = c.End
			m := txt.Slice(c.Start, c.End)
			if !strings.HasPrefix(m, "[") || !strings.HasSuffix(m, "]") {
				t.Fatalf("marker %d %v slices to %q", i, c, m)
			}
			if len(c.Refs) == 0 || len(c.Refs) > maxMarkerRefs {
				t.Fatalf("marker %d has %d refs", i, len(c.Refs))
			}
			for j, r := range c.Refs {
				if r <= 0 || r > maxRef || j > 0 && r <= c.Refs[j-1] {
					t.Fatalf("marker %d refs %v not ascending, unique and positive", i, c.Refs)
				}
			}
			if again := ParseCitations(m); len(again) != 1 || !slices.Equal(again[0].Refs, c.Refs) {
				t.Fatalf("marker %q parses alone to %v", m, again)
			}
		}
		// Refs suggested for any span are markers' numbers, ascending.
		if txt.Len() > 0 {
			refs := SuggestRefs(txt, cits, 0, 1+txt.Len()/2)
			if refs == nil || !slices.IsSorted(refs) {
				t.Fatalf("SuggestRefs = %v", refs)
			}
		}
	})
}

func FuzzValidateSpan(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, i-2, i+3, "quote", 1)
	}
	f.Fuzz(func(t *testing.T, s string, start, end int, quote string, ref int) {
		txt := NewText(s)
		err := ValidateSpan(txt, start, end)
		if err != nil {
			if c := ErrorCode(err); c != ECodeOffsetOutOfRange && c != ECodeEmptySpan && c != ECodeSplitsGrapheme {
				t.Fatalf("unexpected code %q", c)
			}
		} else {
			if start < 0 || start >= end || end > txt.Len() {
				t.Fatalf("accepted span %d..%d of %d code points", start, end, txt.Len())
			}
			if strings.TrimFunc(txt.Slice(start, end), unicode.IsSpace) == "" {
				t.Fatalf("accepted a white-space span %q", txt.Slice(start, end))
			}
			if utf8.ValidString(s) {
				if err := CheckQuote(txt, start, end, txt.Slice(start, end)); err != nil {
					t.Fatalf("the span's own text does not match: %v", err)
				}
			}
		}
		if err := CheckQuote(txt, start, end, quote); err != nil && ErrorCode(err) != ECodeQuoteMismatch {
			t.Fatalf("CheckQuote: %v", err)
		}
		c := Claim{Start: start, End: end, Refs: []int{ref}, Status: StatusSupported}
		FillQuote(txt, &c)
		if utf8.RuneCountInString(c.Prefix) > ContextLen || utf8.RuneCountInString(c.Suffix) > ContextLen {
			t.Fatalf("context too long: %q %q", c.Prefix, c.Suffix)
		}
		if err == nil && c.Prefix+c.Quote+c.Suffix != txt.Slice(start-ContextLen, end+ContextLen) {
			t.Fatalf("prefix, quote and suffix do not join up")
		}
		if refs, err := NormalizeRefs([]int{ref, ref}); err == nil || refs != nil {
			t.Fatal("duplicate refs accepted")
		}
		cits := ParseCitations(s)
		if ClaimChecks(txt, cits, &c) == nil {
			t.Fatal("nil checks")
		}
		segs := Segments(txt, cits, []Claim{c})
		var b strings.Builder
		for _, sg := range segs {
			b.WriteString(sg.Text)
		}
		if b.String() != s {
			t.Fatalf("segments do not cover the text")
		}
	})
}

func FuzzOffsets(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, i)
	}
	f.Fuzz(func(t *testing.T, s string, cp int) {
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\uFFFD")
		}
		txt := NewText(s)
		runes := []rune(s)
		n := len(runes)
		if txt.Len() != n {
			t.Fatalf("Len = %d, want %d", txt.Len(), n)
		}
		if n == 0 {
			cp = 0
		} else {
			cp = ((cp % (n + 1)) + n + 1) % (n + 1)
		}
		b := len(string(runes[:cp]))
		u := len(utf16.Encode(runes[:cp]))
		if got := txt.ByteOffset(cp); got != b {
			t.Fatalf("ByteOffset(%d) = %d, want %d", cp, got, b)
		}
		if got := CodePointToByte(s, cp); got != b {
			t.Fatalf("CodePointToByte(%d) = %d, want %d", cp, got, b)
		}
		if got := txt.CodePointOffset(b); got != cp {
			t.Fatalf("CodePointOffset(%d) = %d, want %d", b, got, cp)
		}
		if got := ByteToCodePoint(s, b); got != cp {
			t.Fatalf("ByteToCodePoint(%d) = %d, want %d", b, got, cp)
		}
		if got := CodePointToUTF16(s, cp); got != u {
			t.Fatalf("CodePointToUTF16(%d) = %d, want %d", cp, got, u)
		}
		if got := UTF16ToCodePoint(s, u); got != cp {
			t.Fatalf("UTF16ToCodePoint(%d) = %d, want %d", u, got, cp)
		}
		if txt.Slice(0, cp)+txt.Slice(cp, n) != s {
			t.Fatal("slices do not join up")
		}
		if norm, err := NormalizeText(s, 0); err == nil {
			if again, err := NormalizeText(norm, 0); err != nil || again != norm {
				t.Fatalf("NormalizeText is not idempotent: %q -> %q (%v)", norm, again, err)
			}
		}
	})
}

// FuzzNormalizeText: NormalizeText never panics; what it answers is valid UTF-8 in NFC with LF
// line ends, no BOM, within the limit, and normalising it again changes nothing.
func FuzzNormalizeText(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, 0)
	}
	f.Add("\uFEFFa\r\nb\rc\n", 0)
	f.Add("e\u0301\u0323 \u212B \uFB01 \u0344", 0)
	f.Add("  \t\n ", 0)
	f.Add("a\x00b\x1b", 0)
	f.Add("\u00e9\u00e9\u00e9\u00e9", 5)
	f.Add("\u1100\u1161\u11a8 \u0f73", 0)
	f.Fuzz(func(t *testing.T, raw string, limit int) {
		if limit < 0 || limit > 1<<20 {
			limit = 0
		}
		s, err := NormalizeText(raw, limit)
		if err != nil {
			if c := ErrorCode(err); c == "" || c == "internal" {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		max := limit
		if max == 0 {
			max = DefaultMaxTextBytes
		}
		if !utf8.ValidString(s) {
			t.Fatalf("output is not valid UTF-8: %q", s)
		}
		if !norm.NFC.IsNormalString(s) {
			t.Fatalf("output is not NFC: %q", s)
		}
		if strings.ContainsRune(s, '\r') || strings.HasPrefix(s, "\uFEFF") {
			t.Fatalf("output keeps a CR or a leading BOM: %q", s)
		}
		if len(s) > max || strings.TrimSpace(s) == "" {
			t.Fatalf("output of %d bytes (limit %d) or blank: %q", len(s), max, s)
		}
		again, err := NormalizeText(s, limit)
		if err != nil || again != s {
			t.Fatalf("not idempotent: %q -> %q (%v)", s, again, err)
		}
	})
}
