package citecheck

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// m builds an expected marker.
func m(start, end int, refs ...int) Citation { return Citation{Start: start, End: end, Refs: refs} }

func TestParseCitationsFindsContractForms(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []Citation
	}{
		{"single", "Talks. [30]", []Citation{m(7, 11, 30)}},
		{"list with space", "x [30, 31]", []Citation{m(2, 10, 30, 31)}},
		{"list without space", "x [30,31]", []Citation{m(2, 9, 30, 31)}},
		{"en dash range", "x [30–32]", []Citation{m(2, 9, 30, 31, 32)}},
		{"hyphen range", "x [30-32]", []Citation{m(2, 9, 30, 31, 32)}},
		{"spaced range", "x [30 – 32]", []Citation{m(2, 11, 30, 31, 32)}},
		{"list and range", "x [30, 32–34]", []Citation{m(2, 13, 30, 32, 33, 34)}},
		{"unsorted with duplicates", "x [31, 30, 30–31]", []Citation{m(2, 17, 30, 31)}},
		{"single-number range", "x [5-5]", []Citation{m(2, 7, 5)}},
		{"spaces inside brackets", "x [ 30 ]", []Citation{m(2, 8, 30)}},
		{"no-break spaces", "x [30,\u00a031]", []Citation{m(2, 10, 30, 31)}},
		{"glued to a word", "Syrian Kurds[46] and", []Citation{m(12, 16, 46)}},
		{"opening a paragraph", "end.\n\n[47] Two", []Citation{m(6, 10, 47)}},
		{"at the very start", "[1]", []Citation{m(0, 3, 1)}},
		{"adjacent markers", "x[1][2]", []Citation{m(1, 4, 1), m(4, 7, 2)}},
		{"nested brackets yield the inner marker", "x [[46]] y", []Citation{m(3, 7, 46)}},
		{"marker after an opening bracket", "[see [3]]", []Citation{m(5, 8, 3)}},
		{"after emoji offsets count code points", "👨\u200d👩\u200d👧 🇸🇾[3]", []Citation{m(8, 11, 3)}},
		{"after combining marks", "cafe\u0301[2]", []Citation{m(5, 8, 2)}},
		{"in Arabic text", "قال المتحدث [12] وأضاف", []Citation{m(12, 16, 12)}},
		{"largest number", "[1000000]", []Citation{m(0, 9, 1000000)}},
		{"widest range", "[1-1000]", nil}, // checked separately for its length
		{"a letter", "[a]", nil},
		{"citation needed", "claim[citation needed]", nil},
		{"sic", "teh [sic]", nil},
		{"empty", "x []", nil},
		{"space only", "x [ ]", nil},
		{"zero", "x [0]", nil},
		{"leading zero", "x [07]", nil},
		{"negative", "x [-3]", nil},
		{"number too large", "x [1000001]", nil},
		{"very long number", "x [99999999999999999999999]", nil},
		{"descending range", "x [32–30]", nil},
		{"range too wide", "x [1-1001]", nil},
		{"trailing comma", "x [30,]", nil},
		{"leading comma", "x [,30]", nil},
		{"double comma", "x [30,,31]", nil},
		{"open range", "x [30-]", nil},
		{"double dash", "x [30--32]", nil},
		{"unclosed", "x [30", nil},
		{"unclosed then a marker", "x [30 and [31]", []Citation{m(10, 14, 31)}},
		{"line break inside", "x [30,\n31]", nil},
		{"decimal", "x [3.5]", nil},
		{"letters after number", "x [30a]", nil},
		{"full-width digits", "x [３０]", nil},
		{"parentheses", "x (30)", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseCitations(tt.text)
			if tt.name == "widest range" {
				if len(got) != 1 || len(got[0].Refs) != 1000 {
					t.Fatalf("got %d markers", len(got))
				}
				return
			}
			want := tt.want
			if want == nil {
				want = []Citation{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("ParseCitations(%q) = %v, want %v", tt.text, got, want)
			}
			txt := NewText(tt.text)
			for _, c := range got {
				s := txt.Slice(c.Start, c.End)
				if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
					t.Errorf("marker %v slices to %q", c, s)
				}
			}
		})
	}
}

func TestParseCitationsRefusesMarkersOfTooManyNumbers(t *testing.T) {
	if got := ParseCitations("[1-1000, 2000-2001]"); len(got) != 0 {
		t.Errorf("a marker of 1002 numbers was accepted: %d markers", len(got))
	}
}

func TestParseCitationsFindsTheSampleMarkers(t *testing.T) {
	text := readFixture(t, "user-sample.txt")
	txt := NewText(text)
	want := []struct {
		start, end, ref int
		before          string // the text just before the marker
	}{
		{337, 341, 30, "start political talks. "},
		{342, 346, 31, "talks. [30] "},
		{617, 621, 32, "1 January 2016. "},
		{1153, 1157, 13, "in the region. "},
		{1200, 1204, 45, "was reached: "},
		{1286, 1290, 46, "Negotiating Committee”. "},
		{1364, 1368, 46, "not Syrian Kurds"},
		{1430, 1434, 47, "opposition.\n\n"},
		{1553, 1557, 48, "Advisory Committee. "},
		{1961, 1965, 22, "round of negotiations"},
	}
	got := ParseCitations(text)
	if len(got) != len(want) {
		t.Fatalf("found %d markers, want %d: %v", len(got), len(want), got)
	}
	for i, w := range want {
		c := got[i]
		if c.Start != w.start || c.End != w.end || !reflect.DeepEqual(c.Refs, []int{w.ref}) {
			t.Errorf("marker %d = %v, want {%d %d [%d]}", i, c, w.start, w.end, w.ref)
		}
		if s := txt.Slice(c.Start, c.End); s != "["+strconv.Itoa(w.ref)+"]" {
			t.Errorf("marker %d slices to %q", i, s)
		}
		if before := txt.Slice(c.Start-len([]rune(w.before)), c.Start); before != w.before {
			t.Errorf("marker %d follows %q, want %q", i, before, w.before)
		}
	}
}

func TestParseCitationsInFixtures(t *testing.T) {
	tests := []struct {
		file string
		want [][]int // refs of each marker, in order
	}{
		{"emoji.txt", [][]int{{1}, {2, 3}, {4, 5, 6}}},
		{"arabic.txt", [][]int{{12}, {13, 14, 15}, {16}}},
		{"combining.txt", [][]int{{8}, {9, 10}}},
		{"quotes.txt", [][]int{{7}, {8}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			text, err := NormalizeText(readFixture(t, tt.file), 0)
			if err != nil {
				t.Fatal(err)
			}
			txt := NewText(text)
			got := ParseCitations(text)
			if len(got) != len(tt.want) {
				t.Fatalf("found %v, want refs %v", got, tt.want)
			}
			for i, c := range got {
				if !reflect.DeepEqual(c.Refs, tt.want[i]) {
					t.Errorf("marker %d refs %v, want %v", i, c.Refs, tt.want[i])
				}
				s := txt.Slice(c.Start, c.End)
				if s[0] != '[' || s[len(s)-1] != ']' || ParseCitations(s)[0].End != len([]rune(s)) {
					t.Errorf("marker %d slices to %q", i, s)
				}
			}
		})
	}
}

func TestSuggestRefs(t *testing.T) {
	const run = "claim text. [30] [31] next [32]"
	const para = "First claim ends here.\n\n[47] Two of them."
	const glued = "not Syrian Kurds[46] and others [12]"
	tests := []struct {
		name       string
		text       string
		start, end int
		want       []int
	}{
		{"marker run after the claim", run, 0, 11, []int{30, 31}},
		{"span stopping before the full stop", run, 0, 10, []int{30, 31}},
		{"span stopping before a closing quote and stop", "“the committee”. [46]", 1, 14, []int{46}},
		{"punctuation then a word", "claim, then more [3]", 0, 5, []int{}},
		{"span including the markers", run, 0, 21, []int{30, 31}},
		{"span covering only the second marker", run, 17, 21, []int{31}},
		{"span straddling a marker carries on the run", run, 13, 15, []int{30, 31}},
		{"span ending inside the next word", run, 0, 5, []int{}},
		{"marker opening the next paragraph", para, 0, 22, []int{47}},
		{"glued marker", glued, 4, 16, []int{46}},
		{"span inside the last marker", glued, 33, 36, []int{12}},
		{"span after the last marker", glued, 21, 31, []int{12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			txt := NewText(tt.text)
			got := SuggestRefs(txt, ParseCitations(tt.text), tt.start, tt.end)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("SuggestRefs(%q) = %v, want %v", txt.Slice(tt.start, tt.end), got, tt.want)
			}
		})
	}
}

func TestSuggestRefsOnTheSample(t *testing.T) {
	text := readFixture(t, "user-sample.txt")
	txt := NewText(text)
	cits := ParseCitations(text)
	tests := []struct {
		name     string
		sentence string
		want     []int
	}{
		{"two markers after", "Ministers agreed that the Syrian government and the opposition should start political talks.", []int{30, 31}},
		{"paragraph-opening marker", "and some moderate members of the Russian-backed opposition.", []int{47}},
		{"glued marker inside", "These include Ahrar al-Sham and Jaysh al-Islam, but also not Syrian Kurds[46]", []int{46}},
		{"no marker", "Before the war, many in Daraa relied on transport", []int{}},
		{"quoted name before the full stop", "“High Negotiating Committee”", []int{46}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := strings.Index(text, tt.sentence)
			if b < 0 {
				t.Fatal("sentence not in sample")
			}
			start := txt.CodePointOffset(b)
			end := txt.CodePointOffset(b + len(tt.sentence))
			if got := SuggestRefs(txt, cits, start, end); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("SuggestRefs = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAttachedCitationsIsNeverNil(t *testing.T) {
	txt := NewText("no markers")
	if got := AttachedCitations(txt, nil, 0, 2); got == nil || len(got) != 0 {
		t.Errorf("got %v", got)
	}
}

// The markers' numbers share one backing array; appending to one marker's Refs must not
// overwrite the next marker's.
func TestParseCitationsRefsDoNotAlias(t *testing.T) {
	cits := ParseCitations("a [1, 2] b [3] c [4-5]")
	if len(cits) != 3 {
		t.Fatalf("got %v", cits)
	}
	_ = append(cits[0].Refs, 99)
	_ = append(cits[1].Refs, 98)
	if !reflect.DeepEqual(cits[1].Refs, []int{3}) || !reflect.DeepEqual(cits[2].Refs, []int{4, 5}) {
		t.Fatalf("appending to one marker's refs changed another: %v", cits)
	}
}

// countCodePoints counts as utf8.RuneCountInString does, on ASCII, multi-byte and invalid
// UTF-8 at every length and alignment around its 8- and 32-byte steps.
func TestCountCodePointsIsRuneCount(t *testing.T) {
	pieces := []string{"a", "é", "€", "😀", "\xff", "\xe2\x82", "[30]", strings.Repeat("x", 31)}
	for n := 0; n < 200; n++ {
		var sb strings.Builder
		for k := 0; k < n; k++ {
			sb.WriteString(pieces[(k*k+n)%len(pieces)])
		}
		for _, s := range []string{sb.String(), strings.Repeat("y", n) + sb.String(), sb.String() + strings.Repeat("z", n)} {
			if got, want := countCodePoints(s), utf8.RuneCountInString(s); got != want {
				t.Fatalf("countCodePoints(%q) = %d, want %d", s, got, want)
			}
		}
	}
}
