package anchor

import (
	"testing"

	"github.com/citecheck/citecheck"
)

// In each case the revision glued something to a character at the edge of the claim's quote (a
// skin tone, a regional indicator, a zero-width joiner and emoji, a combining mark), so that the
// old quote's code points still occur, or nearly, but cut a character of the new text in two.
var clusterCases = []struct {
	name, old, quote, new string
	want                  string // the new span's text; "" for an orphan
}{
	{"skin tone after the quote's emoji", "The crew gave the landing a 👍 before the doors opened.",
		"gave the landing a 👍", "The crew gave the landing a 👍🏽 before the doors opened.", "gave the landing a 👍🏽"},
	{"skin tone after an emoji that opens the quote", "They said 👍 and left the briefing room early.",
		"👍 and left the briefing room", "They said 👍🏽 and left the briefing room early.", "👍🏽 and left the briefing room"},
	{"regional indicator before the quote's flag", "We flew to 🇸🇬 yesterday morning with the team.",
		"🇸🇬 yesterday morning with the team", "We flew to 🇦🇸🇬 yesterday morning with the team.", "🇦🇸🇬 yesterday morning with the team"},
	{"ZWJ sequence grown from the quote's emoji", "Then the 👩 wrote the report that everyone cited.",
		"👩 wrote the report that everyone cited", "Then the 👩\u200d💻 wrote the report that everyone cited.", "👩\u200d💻 wrote the report that everyone cited"},
	{"combining mark after the quote's last letter", "Our reading of the record is that the vote passed.",
		"Our reading of the record", "Our reading of the record\u0323\u0302 is that the vote passed.", "Our reading of the record\u0323\u0302"},
	{"combining mark on a short quote", "The vote is final, said the clerk.", "vote",
		"The vote\u0331 is final, said the clerk.", ""},
}

func TestReanchorNeverSplitsAGraphemeCluster(t *testing.T) {
	for _, tc := range clusterCases {
		t.Run(tc.name, func(t *testing.T) {
			s, e := nthSpan(t, tc.old, tc.quote, 0)
			got := Reanchor(tc.old, tc.new, []citecheck.Claim{claimOn(tc.old, s, e)})[0]
			nt := citecheck.NewText(tc.new)
			if tc.want == "" {
				if got.Kind != citecheck.AnchorOrphaned {
					t.Fatalf("got %s %d..%d %q, want an orphan", got.Kind, got.Start, got.End, nt.Slice(got.Start, got.End))
				}
				return
			}
			if err := citecheck.ValidateSpan(nt, got.Start, got.End); err != nil {
				t.Fatalf("got %s %d..%d %q: %v", got.Kind, got.Start, got.End, nt.Slice(got.Start, got.End), err)
			}
			if q := nt.Slice(got.Start, got.End); q != tc.want || got.Kind != citecheck.AnchorFuzzy {
				t.Errorf("got %s %q, want fuzzy %q", got.Kind, q, tc.want)
			}
		})
	}
}

func TestLocateAndCandidatesNeverSplitAGraphemeCluster(t *testing.T) {
	for _, tc := range clusterCases {
		t.Run(tc.name, func(t *testing.T) {
			s, e := nthSpan(t, tc.old, tc.quote, 0)
			c := claimOn(tc.old, s, e)
			nt := citecheck.NewText(tc.new)
			if a := Locate(nt, c.Quote, c.Prefix, c.Suffix, s); a.Kind != citecheck.AnchorOrphaned {
				t.Errorf("Locate placed %q at %d..%d %q, inside a character", c.Quote, a.Start, a.End, nt.Slice(a.Start, a.End))
			}
			for _, cand := range Candidates(tc.new, c) {
				if err := citecheck.ValidateSpan(nt, cand.Start, cand.End); err != nil {
					t.Errorf("candidate %d..%d %q: %v", cand.Start, cand.End, cand.Quote, err)
				}
			}
		})
	}
}
