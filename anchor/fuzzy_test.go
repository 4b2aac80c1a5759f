package anchor

import (
	"strings"
	"testing"
)

// TestFuzzyFindsAChangedQuote runs the approximate search alone (not after the exact one, as
// Reanchor does) on a claim whose quote was edited in the new text.
func TestFuzzyFindsAChangedQuote(t *testing.T) {
	edited := strings.Replace(ministers, "agreed", "decided", 1)
	tests := []struct {
		name, new string
		want      verdict
		sub       string // the span found, for found
	}{
		{"one word changed", strings.Replace(vienna, "agreed", "decided", 1), found, edited},
		{"a letter changed", strings.Replace(vienna, "Syrian", "Syrlan", 1), found, strings.Replace(ministers, "Syrian", "Syrlan", 1)},
		{"moved into another context and changed: a guess", strings.Replace(strings.Replace(vienna, ministers+" ", "", 1), trade, trade+" "+edited, 1), notFound, ""},
		{"rewritten: more than a quarter edited", strings.Replace(vienna, ministers, "Officials from both sides said that talks on a political settlement could begin soon.", 1), notFound, ""},
		{"changed the same way in a copy of the text", strings.Replace(vienna, "agreed", "decided", 1) + "\n\n" + strings.Replace(vienna, "agreed", "decided", 1), ambiguous, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e := nthSpan(t, vienna, ministers, 0)
			c := claimOn(vienna, s, e)
			ra := newReanchorer(vienna, tt.new)
			a, v := ra.fuzzy(claimTextOf(&c), ra.posMap().Map(s))
			if v != tt.want {
				t.Fatalf("verdict %d, want %d (anchor %+v)", v, tt.want, a)
			}
			if v != found {
				return
			}
			if got := ra.newT.Slice(a.Start, a.End); got != tt.sub || a.Kind != "fuzzy" || a.Score < fuzzyAccept || a.Score > 1 {
				t.Fatalf("got %s %q (score %v), want fuzzy %q", a.Kind, got, a.Score, tt.sub)
			}
		})
	}
}

func TestPickFuzzy(t *testing.T) {
	good := fuzzyCandidate{start: 100, end: 150, quoteSim: 0.9, ctxSim: 0.9, score: 0.9}
	tests := []struct {
		name  string
		cands []fuzzyCandidate
		want  verdict
	}{
		{"none", nil, notFound},
		{"one good", []fuzzyCandidate{good}, found},
		{"below fuzzyAccept", []fuzzyCandidate{{start: 100, end: 150, quoteSim: 0.7, ctxSim: 0.7, score: 0.7}}, notFound},
		{"context gone, far from the position", []fuzzyCandidate{{start: 100, end: 150, quoteSim: 0.95, ctxSim: 0.2, dist: 500, score: 0.8}}, notFound},
		{"context gone, at the position, quote nearly the same", []fuzzyCandidate{{start: 100, end: 150, quoteSim: 0.95, ctxSim: 0.2, dist: 3, score: 0.8}}, found},
		{"a rival elsewhere about as good", []fuzzyCandidate{good, {start: 300, end: 350, score: 0.87}}, ambiguous},
		{"a rival elsewhere clearly worse", []fuzzyCandidate{good, {start: 300, end: 350, score: 0.8}}, found},
		{"an overlapping candidate is the same place", []fuzzyCandidate{good, {start: 120, end: 170, score: 0.89}}, found},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, v := pickFuzzy(tt.cands, 50); v != tt.want {
				t.Fatalf("verdict %d, want %d", v, tt.want)
			}
		})
	}
}
