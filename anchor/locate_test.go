package anchor

import (
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

func TestLocate(t *testing.T) {
	pad := strings.Repeat("Filler words that say nothing much. ", 200) // 7,200 code points
	long := "The cat sat. " + pad + "The cat sat."
	lastCat := len([]rune(long)) - len("The cat sat.")
	short := "The cat sat. [1] The cat ran 😀 far. [2, 3] Émile said “yes”.[4] The cat sat."
	tests := []struct {
		name                  string
		text, quote, pre, suf string
		near                  int
		kind                  citecheck.AnchorKind
		start                 int
	}{
		{"unique quote, no context, no position", short, "😀 far", "", "", -1, citecheck.AnchorMoved, 29},
		{"unique short quote is its own support", short, "ran", "", "", -1, citecheck.AnchorMoved, 25},
		{"at the position with its context: exact", short, "Émile", "[2, 3] ", " said", 43, citecheck.AnchorExact, 43},
		{"two places, no position, no context: a tie", short, "The cat sat.", "", "", -1, citecheck.AnchorOrphaned, 0},
		{"two places a text apart: the position decides", long, "The cat sat.", "", "", lastCat - 5, citecheck.AnchorMoved, lastCat},
		{"two places a text apart: the first", long, "The cat sat.", "", "", 3, citecheck.AnchorMoved, 0},
		{"two places near each other: a tie", short, "The cat sat.", "", "", 60, citecheck.AnchorOrphaned, 0},
		{"the prefix decides", short, "The cat sat.", "“yes”.[4] ", "", 0, citecheck.AnchorMoved, 64},
		{"the suffix decides", short, "The cat sat.", "", " [1] The", 64, citecheck.AnchorMoved, 0},
		{"a context longer than ContextLen is cut", short, "The cat sat.", strings.Repeat("x", 500) + "“yes”.[4] ", "", -1, citecheck.AnchorMoved, 64},
		{"not in the text", short, "a dog", "", "", -1, citecheck.AnchorOrphaned, 0},
		{"empty quote", short, "", "", "", 3, citecheck.AnchorOrphaned, 0},
		{"a quote cut inside a code point is not there", "a—b", "\xe2\x80", "", "", -1, citecheck.AnchorOrphaned, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx := citecheck.NewText(tt.text)
			got := Locate(tx, tt.quote, tt.pre, tt.suf, tt.near)
			if got.Kind != tt.kind || got.Start != tt.start {
				t.Fatalf("Locate(%q near %d) = %+v, want %s at %d", tt.quote, tt.near, got, tt.kind, tt.start)
			}
			if got.Kind != citecheck.AnchorOrphaned && tx.Slice(got.Start, got.End) != tt.quote {
				t.Fatalf("the span holds %q, not the quote %q", tx.Slice(got.Start, got.End), tt.quote)
			}
		})
	}
}
