package anchor

import (
	"slices"

	"github.com/citecheck/citecheck"
)

// MaxCandidates is how many candidate places Candidates offers for one orphan: enough to
// choose from, few enough to read.
const MaxCandidates = 3

// minCandidateScore is the least score worth offering: below it a passage shares little more
// than a few words with the old quote.
const minCandidateScore = 0.5

// Candidate is a passage of the current text that an orphaned claim may have become, with how
// well it fits (0 to 1: the quote's similarity, then the context's). It is only an offer:
// nothing is anchored until a person accepts it.
type Candidate struct {
	Start int     `json:"start"`
	End   int     `json:"end"`
	Quote string  `json:"quote"`
	Score float64 `json:"score"`
}

// Candidates returns up to MaxCandidates places in text where the orphan c (its quote, prefix
// and suffix as they were) may now be, best first. It searches more loosely than Reanchor
// (a third of the quote may be edited, the context right next to it too, and ties are kept), since a person decides. Pure and
// deterministic.
func Candidates(text string, c citecheck.Claim) []Candidate {
	q := []rune(c.Quote)
	if len(q) == 0 || len(q) > maxFuzzyLen {
		return []Candidate{}
	}
	ra := newReanchorer("", text)
	ra.pm, ra.lenient = newPosMap(nil, ra.new), true
	ct := claimTextOf(&c)
	ct.rq, ct.rpre = reversed(ct.q), reversed(ct.pre)
	m := len(q)
	loose := max(1, m/3)
	dist := newPattern(q).search(ra.new, nil)
	var out []Candidate
	for j := 0; j < len(dist) && len(out) < 64; {
		if int(dist[j]) > loose {
			j++
			continue
		}
		cs, ce := j, j
		for t := j + 1; t < len(dist) && t <= ce+8; t++ {
			if int(dist[t]) <= loose {
				ce = t
			}
		}
		j = ce + 1
		fc, ok := ra.refine(dist[cs:ce+1], cs+1, ct, loose)
		if !ok || fc.edits > loose {
			continue
		}
		fc.start, fc.end = ra.newT.WidenToGraphemes(fc.start, fc.end) // never offer half a character
		score := round3(0.7*fc.quoteSim + 0.3*fc.ctxSim)
		if score < minCandidateScore || m < minFuzzyLen && fc.edits > 0 {
			continue
		}
		out = append(out, Candidate{Start: fc.start, End: fc.end, Quote: ra.newT.Slice(fc.start, fc.end), Score: score})
	}
	slices.SortStableFunc(out, func(a, b Candidate) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return a.Start - b.Start
	})
	return out[:min(len(out), MaxCandidates)]
}
