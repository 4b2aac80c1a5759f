package anchor

import (
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

func TestCandidatesOffersTheEditedPassageFirst(t *testing.T) {
	s, e := nthSpan(t, vienna, trade, 0)
	cl := claimOn(vienna, s, e)
	tests := []struct {
		name, text string
		want       []string // the quotes offered, best first
	}{
		{"rewritten beyond the fuzzy limit", strings.Replace(vienna, trade, "Trade with Jordan stopped after the protests of early 2011.", 1),
			[]string{"Trade with Jordan stopped after the protests of early 2011."}},
		{"two edited copies", strings.Replace(vienna, trade, "Trade with Jordan fell after protests began in early 2011. Trade with Syria collapsed after protests began in 2011.", 1),
			[]string{"Trade with Jordan fell after protests began in early 2011.", "Trade with Syria collapsed after protests began in 2011."}},
		{"nothing like it", strings.Replace(vienna, trade, "", 1), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Candidates(tt.text, cl)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d candidates %+v, want %q", len(got), got, tt.want)
			}
			nt := citecheck.NewText(tt.text)
			for i, c := range got {
				if c.Quote != tt.want[i] || nt.Slice(c.Start, c.End) != c.Quote || c.Score <= 0 || c.Score > 1 {
					t.Errorf("candidate %d: %+v, want %q", i, c, tt.want[i])
				}
				if i > 0 && c.Score > got[i-1].Score {
					t.Errorf("candidate %d scores %.3f above the one before (%.3f)", i, c.Score, got[i-1].Score)
				}
			}
		})
	}
}

func TestCandidatesAreAtMostThree(t *testing.T) {
	s, e := nthSpan(t, vienna, ministers, 0)
	cl := claimOn(vienna, s, e)
	text := strings.Repeat(strings.Replace(ministers, "agreed", "said", 1)+"\n\n", 6)
	if got := Candidates(text, cl); len(got) != MaxCandidates {
		t.Fatalf("got %d candidates, want %d: %+v", len(got), MaxCandidates, got)
	}
	if got := Candidates(text, citecheck.Claim{}); len(got) != 0 {
		t.Fatalf("an empty quote got %+v", got)
	}
}
