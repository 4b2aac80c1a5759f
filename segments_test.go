package citecheck

import (
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// checkSegments verifies that segs cover t exactly and that each run's claims and marker are
// the ones a naive scan finds at its first code point.
func checkSegments(t *testing.T, txt *Text, cits []Citation, claims []Claim, segs []Segment) {
	t.Helper()
	var b strings.Builder
	pos := 0
	started := map[int]bool{}
	for i, s := range segs {
		if s.Start != pos || s.Text == "" {
			t.Fatalf("segment %d starts at %d (want %d) with text %q", i, s.Start, pos, s.Text)
		}
		b.WriteString(s.Text)
		n := len([]rune(s.Text))
		var want []int
		for ci, c := range claims {
			if c.Start <= pos && pos+n <= c.End {
				want = append(want, ci)
			} else if c.Start < pos+n && c.End > pos {
				t.Fatalf("segment %d [%d,%d) cuts claim %d [%d,%d)", i, pos, pos+n, ci, c.Start, c.End)
			}
		}
		if !reflect.DeepEqual(s.Claims, want) {
			t.Fatalf("segment %d claims %v, want %v", i, s.Claims, want)
		}
		marker := -1
		for mi, m := range cits {
			if m.Start <= pos && pos+n <= m.End {
				marker = mi
			}
		}
		if s.Marker != marker {
			t.Fatalf("segment %d marker %d, want %d", i, s.Marker, marker)
		}
		if !slices.IsSorted(s.First) {
			t.Fatalf("segment %d First %v not ascending", i, s.First)
		}
		for _, ci := range s.First {
			if claims[ci].Start != pos || started[ci] {
				t.Fatalf("segment %d First holds claim %d starting at %d", i, ci, claims[ci].Start)
			}
			started[ci] = true
		}
		pos += n
	}
	if b.String() != txt.String() {
		t.Fatalf("segments concatenate to %q, want %q", b.String(), txt.String())
	}
	for ci, c := range claims {
		if c.Start < c.End && !started[ci] {
			t.Fatalf("claim %d never starts", ci)
		}
	}
}

func TestSegmentsCoverTheText(t *testing.T) {
	const text = "😀 Talks began. [30] [31] Kurds[46] said «no».\n\n[47] يا café end"
	span := func(sub string) Claim {
		s, e := spanOf(t, text, sub)
		return Claim{Start: s, End: e}
	}
	tests := []struct {
		name   string
		claims []Claim
	}{
		{"no claims", nil},
		{"one claim", []Claim{span("Talks began.")}},
		{"claim over markers", []Claim{span("began. [30] [31] Kurds")}},
		{"nested claims", []Claim{span("Talks began. [30] [31] Kurds[46] said"), span("[31] Kurds"), span("Kurds")}},
		{"overlapping claims", []Claim{span("began. [30]"), span("[30] [31]"), span("31] Kurds[46")}},
		{"identical claims", []Claim{span("said «no»"), span("said «no»")}},
		{"whole text", []Claim{{Start: 0, End: len([]rune(text))}}},
		{"claim starting inside a marker", []Claim{span("0] [31")}},
		{"adjacent claims", []Claim{span("Talks"), span(" began")}},
		{"Arabic and accents", []Claim{span("يا café"), span("café end")}},
	}
	txt := NewText(text)
	cits := ParseCitations(text)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			segs := Segments(txt, cits, tt.claims)
			checkSegments(t, txt, cits, tt.claims, segs)
		})
	}
}

func TestSegmentsMarkExpectedRuns(t *testing.T) {
	text := "ab[1]cd"
	claims := []Claim{{Start: 1, End: 6}, {Start: 0, End: 2}}
	got := Segments(NewText(text), ParseCitations(text), claims)
	want := []Segment{
		{Start: 0, Text: "a", Claims: []int{1}, Marker: -1, First: []int{1}},
		{Start: 1, Text: "b", Claims: []int{0, 1}, Marker: -1, First: []int{0}},
		{Start: 2, Text: "[1]", Claims: []int{0}, Marker: 0},
		{Start: 5, Text: "c", Claims: []int{0}, Marker: -1},
		{Start: 6, Text: "d", Marker: -1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Segments = %+v\nwant %+v", got, want)
	}
}

func TestSegmentsIgnoreEmptyAndOutOfRangeClaims(t *testing.T) {
	text := "hello"
	claims := []Claim{{Start: 2, End: 2}, {Start: 3, End: 99}, {Start: -4, End: 1}}
	segs := Segments(NewText(text), nil, claims)
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Text)
	}
	if b.String() != text || len(segs) != 3 {
		t.Errorf("segments %+v", segs)
	}
}

func TestSegmentsRandomClaimsOnFixtures(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, name := range []string{"user-sample.txt", "emoji.txt", "arabic.txt", "combining.txt", "quotes.txt"} {
		t.Run(name, func(t *testing.T) {
			text := readFixture(t, name)
			txt := NewText(text)
			cits := ParseCitations(text)
			for round := 0; round < 20; round++ {
				claims := make([]Claim, rng.Intn(12))
				for i := range claims {
					a := rng.Intn(txt.Len())
					claims[i] = Claim{Start: a, End: a + 1 + rng.Intn(txt.Len()-a)}
				}
				checkSegments(t, txt, cits, claims, Segments(txt, cits, claims))
			}
		})
	}
}

func BenchmarkSegments(b *testing.B) {
	txt, cits, claims := bigDocument(5000)
	b.SetBytes(int64(len(txt.String())))
	b.ResetTimer()
	for b.Loop() {
		Segments(txt, cits, claims)
	}
}
