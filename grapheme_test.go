package citecheck

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// graphemeSamples are the characters a desk meets that are one character on screen but several
// code points: each with the code point offsets inside it that would split it.
var graphemeSamples = []struct {
	name   string
	s      string
	splits []int // offsets inside s, in code points, that fall inside the cluster
}{
	{"thumb with skin tone", "👍🏽", []int{1}},
	{"flag of Syria", "🇸🇾", []int{1}},
	{"q with combining tilde", "q\u0303", []int{1}},
	{"ZWJ family", "👨\u200d👩\u200d👧", []int{1, 2, 3, 4}},
	{"old Hangul choseong before a syllable", "\u1100\uac00", []int{1}},
	{"Hangul LVT syllable with a trailing jamo", "\uac01\u11a8", []int{1}},
	{"Arabic letter with fatha", "\u0643\u064e", []int{1}},
	{"Devanagari letter with vowel sign", "\u0915\u093f", []int{1}},
	// Indic conjuncts (GB9c, Unicode 15.1): consonant, virama, consonant stay one character.
	{"Devanagari conjunct kssa with vowel sign", "\u0915\u094d\u0937\u093e", []int{1, 2, 3}},
	{"Devanagari conjunct of three consonants", "\u0938\u094d\u0924\u094d\u0930", []int{1, 2, 3, 4}},
	{"Bengali conjunct with nukta and ZWJ", "\u0995\u09bc\u09cd\u200d\u09b7", []int{1, 2, 3, 4}},
	{"Malayalam conjunct", "\u0d15\u0d4d\u0d15", []int{1, 2}},
}

// TestIndicConjunctEnds: GB9c joins only a consonant after consonant, virama: a virama before a
// space, a vowel letter or a ZWNJ ends the character, and so does a spacing vowel sign between.
func TestIndicConjunctEnds(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		cut  int // a boundary, in code points
	}{
		{"virama then a space", "\u0915\u094d \u0937", 2},
		{"virama then an independent vowel", "\u0915\u094d\u0905", 2},
		{"ZWNJ after the virama", "\u0915\u094d\u200c\u0937", 3},
		{"a spacing vowel sign before the virama", "\u0915\u093e\u094d\u0937", 3},
		{"a consonant with no virama", "\u0915\u0937", 1},
	} {
		if !NewText(tc.text).IsGraphemeBoundary(tc.cut) {
			t.Errorf("%s: %d is not a boundary of %q", tc.name, tc.cut, tc.text)
		}
	}
}

func TestValidateSpanRefusesASplitGrapheme(t *testing.T) {
	for _, g := range graphemeSamples {
		n := len([]rune(g.s))
		// "ab " before and " cd" after, so the cluster is code points 3..3+n.
		txt := NewText("ab " + g.s + " cd")
		t.Run(g.name, func(t *testing.T) {
			if err := ValidateSpan(txt, 3, 3+n); err != nil {
				t.Fatalf("the whole cluster 3..%d refused: %v", 3+n, err)
			}
			if err := ValidateSpan(txt, 0, 3+n+3); err != nil {
				t.Fatalf("the whole text refused: %v", err)
			}
			for _, in := range g.splits {
				cp := 3 + in
				e := wantError(t, ValidateSpan(txt, cp, 3+n), ECodeSplitsGrapheme, "start")
				if want := fmt.Sprintf("code points 3..%d", 3+n); !strings.Contains(e.Message, want) {
					t.Errorf("message %q does not say %q", e.Message, want)
				}
				wantError(t, ValidateSpan(txt, 0, cp), ECodeSplitsGrapheme, "end")
				if txt.IsGraphemeBoundary(cp) {
					t.Errorf("IsGraphemeBoundary(%d) = true inside %q", cp, g.s)
				}
			}
		})
	}
}

func TestValidateSpanGraphemeEdges(t *testing.T) {
	// Two flags side by side: regional indicators pair up, so 2 is between the flags and 1 and
	// 3 are inside them. Arabic with harakat: كَتَبَ is three letters each with a fatha.
	tests := []struct {
		name       string
		text       string
		start, end int
		code       string // "" for accepted
		field      string
	}{
		{"between two flags", "🇸🇾🇫🇷", 0, 2, "", ""},
		{"second flag", "🇸🇾🇫🇷", 2, 4, "", ""},
		{"inside the first flag", "🇸🇾🇫🇷", 1, 4, ECodeSplitsGrapheme, "start"},
		{"inside the second flag", "🇸🇾🇫🇷", 0, 3, ECodeSplitsGrapheme, "end"},
		{"Arabic word with harakat", "\u0643\u064e\u062a\u064e\u0628\u064e", 0, 6, "", ""},
		{"Arabic second letter with its fatha", "\u0643\u064e\u062a\u064e\u0628\u064e", 2, 4, "", ""},
		{"Arabic fatha cut from its letter", "\u0643\u064e\u062a\u064e\u0628\u064e", 3, 6, ECodeSplitsGrapheme, "start"},
		{"emoji after LF", "a\n👍🏽", 2, 4, "", ""},
		{"span ending at LF", "a👍🏽\nb", 0, 3, "", ""},
		{"plain ASCII", "hello world", 3, 8, "", ""},
		{"modifier as the last code point", "ab 👍🏽", 0, 4, ECodeSplitsGrapheme, "end"},
		{"out of range is reported first", "👍🏽", 1, 5, ECodeOffsetOutOfRange, "end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateSpan(NewText(tt.text), tt.start, tt.end)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("ValidateSpan(%d, %d) = %v", tt.start, tt.end, err)
				}
				return
			}
			wantError(t, err, tt.code, tt.field)
		})
	}
}

// TestNormalizedTextHasNoCRLFCluster shows why CR LF, the one ASCII pair UAX #29 joins, needs no
// case of its own: stored text has LF only, so the offset after "a" is a boundary.
func TestNormalizedTextHasNoCRLFCluster(t *testing.T) {
	s, err := NormalizeText("a\r\nb", 0)
	if err != nil {
		t.Fatal(err)
	}
	txt := NewText(s)
	for cp := 0; cp <= txt.Len(); cp++ {
		if !txt.IsGraphemeBoundary(cp) {
			t.Errorf("offset %d of %q is not a boundary", cp, s)
		}
	}
}

// TestIsGraphemeBoundaryAgreesWithUniseg checks the local look-back against a segmentation of
// the whole text, at every offset, on texts long enough that the look-back stops short of the
// start: no ASCII for hundreds of code points, and clusters of every kind above.
func TestIsGraphemeBoundaryAgreesWithAWholeSegmentation(t *testing.T) {
	var mixed strings.Builder
	for _, g := range graphemeSamples {
		mixed.WriteString(g.s)
		mixed.WriteString("ء")
	}
	tests := []struct{ name, text string }{
		{"mixed clusters, no ASCII", strings.Repeat(mixed.String(), 20)},
		{"mixed clusters between words", strings.Repeat(mixed.String()+" word. ", 20)},
		{"long CJK run then an emoji", strings.Repeat("漢字", 300) + "👍🏽" + strings.Repeat("かな", 10)},
		{"combining marks on every letter", strings.Repeat("q\u0303\u0301", 200)},
		{"lines", strings.Repeat("👨\u200d👩\u200d👧\n", 50)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := map[int]bool{0: true}
			cp, state := 0, -1
			for rest := tt.text; rest != ""; {
				var cluster string
				cluster, state = firstCluster(rest, state)
				rest = rest[len(cluster):]
				cp += utf8.RuneCountInString(cluster)
				want[cp] = true
			}
			txt := NewText(tt.text)
			for i := 0; i <= txt.Len(); i++ {
				if got := txt.IsGraphemeBoundary(i); got != want[i] {
					t.Fatalf("IsGraphemeBoundary(%d) = %v, a segmentation of the whole text says %v", i, got, want[i])
				}
			}
		})
	}
}

// BenchmarkValidateSpan5MB checks a span deep inside a 5 MB text of Arabic, emoji and combining
// marks: the cost must be that of the span's neighbourhood, not of the text.
func BenchmarkValidateSpan5MB(b *testing.B) {
	unit := "كَتَبَ الكاتب 👍🏽 🇸🇾 q\u0303 👨\u200d👩\u200d👧 [12] "
	txt := NewText(strings.Repeat(unit, DefaultMaxTextBytes/len(unit)))
	n := len([]rune(unit))
	start := (txt.Len()/2/n)*n + 14 // the thumb in a unit half way through
	for b.Loop() {
		if err := ValidateSpan(txt, start, start+2); err != nil {
			b.Fatal(err)
		}
	}
}

func TestWidenToGraphemesMovesEdgesOutOfClusters(t *testing.T) {
	for _, g := range graphemeSamples {
		n := len([]rune(g.s))
		txt := NewText("ab " + g.s + " cd") // the cluster is code points 3..3+n
		t.Run(g.name, func(t *testing.T) {
			for _, in := range g.splits {
				if s, e := txt.WidenToGraphemes(3+in, 3+n+2); s != 3 || e != 3+n+2 {
					t.Errorf("start inside: got %d..%d, want 3..%d", s, e, 3+n+2)
				}
				if s, e := txt.WidenToGraphemes(1, 3+in); s != 1 || e != 3+n {
					t.Errorf("end inside: got %d..%d, want 1..%d", s, e, 3+n)
				}
			}
			if s, e := txt.WidenToGraphemes(3, 3+n); s != 3 || e != 3+n {
				t.Errorf("a span on boundaries changed: got %d..%d, want 3..%d", s, e, 3+n)
			}
		})
	}
}
