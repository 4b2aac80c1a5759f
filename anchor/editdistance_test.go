package anchor

import (
	"slices"
	"testing"
)

func TestEditRow(t *testing.T) {
	e := string([]rune{'\x00'}) // stands for an edge, which no string can hold
	tests := []struct {
		name, p, t string
		want       []int // the distance of all of p to t[:j], for every j
	}{
		{"empty pattern", "", "abc", []int{0, 1, 2, 3}},
		{"empty text", "abc", "", []int{3}},
		{"equal", "abc", "abc", []int{3, 2, 1, 0}},
		{"one substitution", "abc", "axc", []int{3, 2, 2, 1}},
		{"one deletion", "abc", "ac", []int{3, 2, 1}},
		{"one insertion", "ac", "abc", []int{2, 1, 1, 1}},
		{"code points, not bytes", "😀é", "😀e", []int{2, 1, 1}},
		{"an edge against an edge is free", e + "ab", e + "ab", []int{edgeCost + 2, 2, 1, 0}},
		{"an edge against a letter costs edgeCost", e + "ab", "xab", []int{edgeCost + 2, edgeCost + 2, edgeCost + 1, edgeCost}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := editRow(withEdges(tt.p), withEdges(tt.t)); !slices.Equal(got, tt.want) {
				t.Fatalf("editRow(%q, %q) = %v, want %v", tt.p, tt.t, got, tt.want)
			}
		})
	}
}

func TestHeadEdit(t *testing.T) {
	tests := []struct {
		p, t string
		want int
	}{
		{"talks", "talks began", 0},
		{"talks", "talk began", 1},
		{"talks", "stalks", 1},
		{"talks", "xxtalks", 2},
		{"talks", "", 5},
		{"", "anything", 0},
		{"قال", "قا ل", 1},
	}
	for _, tt := range tests {
		if got := headEdit([]rune(tt.p), []rune(tt.t)); got != tt.want {
			t.Errorf("headEdit(%q, %q) = %d, want %d", tt.p, tt.t, got, tt.want)
		}
	}
}

func TestPatternSearch(t *testing.T) {
	tests := []struct {
		q, text string
		want    []int32 // the least distance of q to a substring ending at each offset
	}{
		{"abc", "abc", []int32{2, 1, 0}},
		{"abc", "xabcx", []int32{3, 2, 1, 0, 1}},
		{"abc", "axc", []int32{2, 2, 1}},
		{"😀x", "a😀x", []int32{2, 1, 0}},
	}
	for _, tt := range tests {
		if got := newPattern([]rune(tt.q)).search([]rune(tt.text), nil); !slices.Equal(got, tt.want) {
			t.Errorf("search(%q in %q) = %v, want %v", tt.q, tt.text, got, tt.want)
		}
	}
}

// withEdges returns s as code points, each NUL an edge.
func withEdges(s string) []rune {
	rs := []rune(s)
	for i, r := range rs {
		if r == 0 {
			rs[i] = edge
		}
	}
	return rs
}
