package store

import (
	"reflect"
	"testing"

	"github.com/citecheck/citecheck"
)

func TestRestoreSuggestionsBringsDismissedSpansBack(t *testing.T) {
	ctx := t.Context()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	mk := func(title string) int64 {
		d, err := s.CreateDocument(ctx, &citecheck.Document{Title: title, Text: "One. [1] Two. [2] Three. [3]", Length: 28, CreatedByID: ana.ID})
		if err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	doc, other := mk("a"), mk("b")
	one, two, three := citecheck.Span{Start: 0, End: 4}, citecheck.Span{Start: 9, End: 13}, citecheck.Span{Start: 18, End: 24}
	for _, id := range []int64{doc, other} {
		if err := s.DismissSuggestions(ctx, id, []citecheck.Span{one, two, three}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		restore []citecheck.Span
		n       int
		left    []citecheck.Span
	}{
		{"one", []citecheck.Span{two}, 1, []citecheck.Span{one, three}},
		{"again: nothing to restore", []citecheck.Span{two}, 0, []citecheck.Span{one, three}},
		{"a span never dismissed", []citecheck.Span{{Start: 1, End: 3}}, 0, []citecheck.Span{one, three}},
		{"the rest, one listed twice", []citecheck.Span{one, three, one}, 2, []citecheck.Span{}},
	}
	for _, tt := range tests {
		n, err := s.RestoreSuggestions(ctx, doc, tt.restore)
		if err != nil || n != tt.n {
			t.Fatalf("%s: RestoreSuggestions = %d, %v; want %d", tt.name, n, err, tt.n)
		}
		if got, _ := s.DismissedSuggestions(ctx, doc); !reflect.DeepEqual(got, tt.left) {
			t.Fatalf("%s: dismissed %v, want %v", tt.name, got, tt.left)
		}
	}
	if got, _ := s.DismissedSuggestions(ctx, other); len(got) != 3 {
		t.Fatalf("another document's dismissals changed: %v", got)
	}
}
