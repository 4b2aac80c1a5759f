package anchor

import (
	"fmt"
	"github.com/citecheck/citecheck"

	"math/rand"
	"slices"
	"strings"
	"testing"
)

// nthSpan returns the code point span of the nth (from 0) occurrence of sub in text.
func nthSpan(t testing.TB, text, sub string, nth int) (int, int) {
	t.Helper()
	off := 0
	for i := 0; ; i++ {
		k := strings.Index(text[off:], sub)
		if k < 0 {
			t.Fatalf("%q: occurrence %d not in %q", sub, nth, text)
		}
		if i == nth {
			s := citecheck.ByteToCodePoint(text, off+k)
			return s, s + len([]rune(sub))
		}
		off += k + 1
	}
}

// claimOn builds a claim on [start, end) of text, as the server fills it.
func claimOn(text string, start, end int) citecheck.Claim {
	c := citecheck.Claim{Start: start, End: end}
	citecheck.FillQuote(citecheck.NewText(text), &c)
	return c
}

const (
	vienna = "On 30 October 2015, the first round of peace talks on Syria began in Vienna. " +
		"Ministers agreed that the Syrian government and the opposition should start political talks. [30] " +
		"The second round, in mid-November, set a deadline of 1 January 2016. [32]\n\n" +
		"Before the war, many in Daraa relied on trade between Syria and Jordan. " +
		"Trade with Jordan collapsed after protests began in early 2011. [13]\n\n" +
		"Residents who remained in Daraa were forced to pay fees for public services that do not exist."
	ministers = "Ministers agreed that the Syrian government and the opposition should start political talks."
	trade     = "Trade with Jordan collapsed after protests began in early 2011."
)

func TestReanchorTable(t *testing.T) {
	type want struct {
		kind citecheck.AnchorKind
		sub  string // the expected new span, as text of the new revision; "" for an orphan
		nth  int
	}
	tests := []struct {
		name     string
		old, new string
		quote    string
		nth      int
		want     want
	}{
		{"unchanged text", vienna, vienna, ministers, 0, want{citecheck.AnchorExact, ministers, 0}},
		{"insertion before the claim",
			vienna, "A new opening sentence was added. " + vienna, ministers, 0, want{citecheck.AnchorMoved, ministers, 0}},
		{"deletion before the claim",
			vienna, strings.Replace(vienna, "On 30 October 2015, the first round of peace talks on Syria began in Vienna. ", "", 1),
			"The second round", 0, want{citecheck.AnchorMoved, "The second round", 0}},
		{"sentence swap",
			vienna, strings.Replace(vienna, "Before the war, many in Daraa relied on trade between Syria and Jordan. "+trade,
				trade+" Before the war, many in Daraa relied on trade between Syria and Jordan.", 1),
			"many in Daraa relied on trade", 0, want{citecheck.AnchorMoved, "many in Daraa relied on trade", 0}},
		{"paragraph move",
			vienna, func() string {
				p := strings.Split(vienna, "\n\n")
				return strings.Join([]string{p[1], p[2], p[0]}, "\n\n")
			}(), ministers, 0, want{citecheck.AnchorMoved, ministers, 0}},
		{"rewording inside the quote",
			vienna, strings.Replace(vienna, "Ministers agreed that", "Ministers decided that", 1),
			ministers, 0, want{citecheck.AnchorFuzzy, strings.Replace(ministers, "agreed", "decided", 1), 0}},
		{"rewording of the quote's last word",
			vienna, strings.Replace(vienna, "early 2011", "early 2012", 1),
			"collapsed after protests began in early 2011", 0,
			want{citecheck.AnchorFuzzy, "collapsed after protests began in early 2012", 0}},
		{"rewording of the quote's first word",
			vienna, strings.Replace(vienna, "Residents who remained", "People who remained", 1),
			"Residents who remained in Daraa were forced", 0,
			want{citecheck.AnchorFuzzy, "People who remained in Daraa were forced", 0}},
		{"rewording around the quote, same length",
			vienna, strings.Replace(vienna, "relied on trade between Syria and Jordan", "relied on trade between Syria and Turkey", 1),
			"many in Daraa relied on trade", 0, want{citecheck.AnchorMoved, "many in Daraa relied on trade", 0}},
		{"rewording around the quote, other length",
			vienna, strings.Replace(vienna, "Before the war, many", "Before the civil war, many", 1),
			"many in Daraa relied on trade", 0, want{citecheck.AnchorMoved, "many in Daraa relied on trade", 0}},
		{"duplicated sentence elsewhere: context decides",
			vienna, strings.Replace(vienna, "\n\nResidents", "\n\n"+trade+" Residents", 1),
			trade, 0, want{citecheck.AnchorMoved, trade, 0}},
		{"duplicated sentence next to itself: context cannot decide",
			vienna, strings.Replace(vienna, trade, trade+" "+trade, 1),
			trade, 0, want{citecheck.AnchorOrphaned, "", 0}},
		{"white space changed inside the quote",
			vienna, strings.Replace(vienna, "the Syrian government", "the Syrian  government", 1),
			ministers, 0, want{citecheck.AnchorFuzzy, "Ministers agreed that the Syrian  government and the opposition should start political talks.", 0}},
		{"white space changed before the quote",
			vienna, strings.Replace(vienna, "[30] The second", "[30]\nThe second", 1),
			"The second round, in mid-November", 0, want{citecheck.AnchorMoved, "The second round, in mid-November", 0}},
		{"punctuation changed inside the quote",
			vienna, strings.Replace(vienna, "The second round, in mid-November,", "The second round (in mid-November)", 1),
			"The second round, in mid-November, set a deadline", 0,
			want{citecheck.AnchorFuzzy, "The second round (in mid-November) set a deadline", 0}},
		{"the quote deleted entirely",
			vienna, strings.Replace(vienna, trade+" ", "", 1), trade, 0, want{citecheck.AnchorOrphaned, "", 0}},
		{"the quote reworded beyond recognition",
			vienna, strings.Replace(vienna, trade, "Commerce across the border stopped once the uprising started.", 1),
			trade, 0, want{citecheck.AnchorOrphaned, "", 0}},
		{"short quote moved with its context",
			vienna, "Preface. " + vienna, "Daraa", 1, want{citecheck.AnchorMoved, "Daraa", 1}},
		{"short quote reworded does not match fuzzily",
			vienna, strings.Replace(vienna, "in Daraa were", "in Darra were", 1), "Daraa", 1, want{citecheck.AnchorOrphaned, "", 0}},
		{"emoji before the claim shift offsets",
			vienna, "👨\u200d👩\u200d👧 🇸🇾 " + vienna, trade, 0, want{citecheck.AnchorMoved, trade, 0}},
		{"Arabic with an insertion before",
			"قال المتحدث إن المفاوضات مستمرة [12] وأضاف أن الاتفاق هش.[13–15]",
			"بيان جديد. قال المتحدث إن المفاوضات مستمرة [12] وأضاف أن الاتفاق هش.[13–15]",
			"وأضاف أن الاتفاق هش", 0, want{citecheck.AnchorMoved, "وأضاف أن الاتفاق هش", 0}},
		{"Arabic reworded inside the quote",
			"قال المتحدث إن المفاوضات مستمرة [12] وأضاف أن الاتفاق هش.[13–15]",
			"قال المتحدث إن المحادثات مستمرة [12] وأضاف أن الاتفاق هش.[13–15]",
			"قال المتحدث إن المفاوضات مستمرة", 0, want{citecheck.AnchorFuzzy, "قال المتحدث إن المحادثات مستمرة", 0}},
		{"combining marks before the claim",
			"The café in Réunion served q̇ and ñ [8]. Zalgo: Z͑͒a̐l̢go[9, 10]",
			"The café in Réunion served q̇ and ñ and ṩ̈ [8]. Zalgo: Z͑͒a̐l̢go[9, 10]",
			"Zalgo: Z͑͒a̐l̢go", 0, want{citecheck.AnchorMoved, "Zalgo: Z͑͒a̐l̢go", 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e := nthSpan(t, tt.old, tt.quote, tt.nth)
			got := Reanchor(tt.old, tt.new, []citecheck.Claim{claimOn(tt.old, s, e)})[0]
			wantStart, wantEnd := 0, 0
			if tt.want.sub != "" {
				wantStart, wantEnd = nthSpan(t, tt.new, tt.want.sub, tt.want.nth)
			}
			if got.Kind != tt.want.kind || got.Start != wantStart || got.End != wantEnd {
				t.Fatalf("got %s %d..%d %q (score %.3f), want %s %d..%d %q", got.Kind, got.Start, got.End,
					citecheck.NewText(tt.new).Slice(got.Start, got.End), got.Score, tt.want.kind, wantStart, wantEnd, tt.want.sub)
			}
			if got.Score < 0 || got.Score > 1 || got.Kind == citecheck.AnchorExact && got.Score != 1 {
				t.Fatalf("score %v out of range for %s", got.Score, got.Kind)
			}
		})
	}
}

func TestReanchorKeepsOrderAndHandlesEmptyInput(t *testing.T) {
	if got := Reanchor("a", "b", nil); len(got) != 0 {
		t.Fatalf("got %v for no claims", got)
	}
	ts, te := nthSpan(t, vienna, trade, 0)
	ms, me := nthSpan(t, vienna, ministers, 0)
	claims := []citecheck.Claim{claimOn(vienna, ts, te), {Quote: ""}, claimOn(vienna, ms, me)}
	got := Reanchor(vienna, "X "+vienna, claims)
	if got[0].Kind != citecheck.AnchorMoved || got[1].Kind != citecheck.AnchorOrphaned || got[2].Kind != citecheck.AnchorMoved || got[2].Start >= got[0].Start {
		t.Fatalf("got %+v", got)
	}
}

// TestPatternSearchMatchesDynamicProgramming checks the bit-parallel search against the
// textbook table on random texts, with patterns longer than one 64-bit block.
func TestPatternSearchMatchesDynamicProgramming(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []rune("abcé👍 ")
	randRunes := func(n int) []rune {
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = alphabet[rng.Intn(len(alphabet))]
		}
		return rs
	}
	for trial := 0; trial < 300; trial++ {
		q, text := randRunes(1+rng.Intn(150)), randRunes(rng.Intn(300))
		got := newPattern(q).search(text, nil)
		col := make([]int, len(q)+1)
		for i := range col {
			col[i] = i
		}
		for j, c := range text {
			diag := col[0]
			for i := 1; i <= len(q); i++ {
				up := col[i]
				cost := diag
				if q[i-1] != c {
					cost++
				}
				col[i] = min(cost, up+1, col[i-1]+1)
				diag = up
			}
			if int(got[j]) != col[len(q)] {
				t.Fatalf("trial %d (m=%d): at %d got %d, want %d", trial, len(q), j, got[j], col[len(q)])
			}
		}
	}
}

func TestPosMapFollowsInsertionsAndDeletions(t *testing.T) {
	old := []rune("one two three four five six seven")
	new := []rune("zero one two 3 four five seven eight")
	pm := newPosMap(old, new)
	for _, tc := range []struct {
		word string
	}{{"one"}, {"two"}, {"four"}, {"five"}, {"seven"}} {
		o := strings.Index(string(old), tc.word)
		n := strings.Index(string(new), tc.word)
		if got := pm.Map(o); got != n {
			t.Errorf("%s: mapped %d to %d, want %d", tc.word, o, got, n)
		}
	}
	if got := pm.Map(len(old)); got < 0 || got > len(new) {
		t.Errorf("end mapped out of range: %d", got)
	}
}

func FuzzReanchor(f *testing.F) {
	f.Add(vienna, strings.Replace(vienna, "agreed", "decided", 1), 10, 40)
	f.Add("👨\u200d👩\u200d👧 🇸🇾[3] cafe\u0301 q\u0307", "🇸🇾[3] cafe\u0301 q\u0307 👨\u200d👩\u200d👧", 2, 9)
	f.Add("قال المتحدث [12] وأضاف", "وأضاف قال المتحدث [12]", 0, 5)
	f.Add("aaaaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 3, 15)
	f.Add("\xff[1]\x80[2]", "[2]\xff[1]", 0, 3)
	f.Add("\xd1\xda0", "\x80\xbd0", -87, 56)
	f.Fuzz(func(t *testing.T, old, new string, start, end int) {
		ot := citecheck.NewText(old)
		start = min(max(start, 0), ot.Len())
		end = min(max(end, start), ot.Len())
		claims := []citecheck.Claim{claimOn(old, start, end),
			{Start: start, End: end, Quote: ot.Slice(start, end), Prefix: "x", Suffix: new}}
		nt := citecheck.NewText(new)
		for i, a := range Reanchor(old, new, claims) {
			switch a.Kind {
			case citecheck.AnchorOrphaned:
				if a.Start != 0 || a.End != 0 {
					t.Fatalf("claim %d: orphan with span %d..%d", i, a.Start, a.End)
				}
				continue
			case citecheck.AnchorExact, citecheck.AnchorMoved, citecheck.AnchorFuzzy:
			default:
				t.Fatalf("claim %d: unknown kind %q", i, a.Kind)
			}
			if a.Start < 0 || a.End <= a.Start || a.End > nt.Len() || a.Score < 0 || a.Score > 1 {
				t.Fatalf("claim %d: %+v out of range (new text %d code points)", i, a, nt.Len())
			}
			if a.Kind != citecheck.AnchorFuzzy && nt.Slice(a.Start, a.End) != claims[i].Quote {
				t.Fatalf("claim %d: %s span holds %q, quote %q", i, a.Kind, nt.Slice(a.Start, a.End), claims[i].Quote)
			}
		}
		if got := Reanchor(old, new, claims); !slices.Equal(got, Reanchor(old, new, claims)) {
			t.Fatal("not deterministic")
		}
	})
}

// A large text's quotes are found from the suffix arrays of its chunks: those inside a chunk,
// those across a cut (one crossing two cuts once), as a scan finds them, and never more than
// maxTextOccurrences.
func TestFindAcrossSuffixArrayChunks(t *testing.T) {
	var sb strings.Builder
	for i := 0; sb.Len() < 3*saChunkSize+5000; i++ {
		fmt.Fprintf(&sb, "n%d ", i)
	}
	b := []byte(sb.String())
	for _, at := range []int{100, saChunkSize - 3, saChunkSize + 500, 2*saChunkSize - 1, 3 * saChunkSize} {
		copy(b[at:], "néedle")
	}
	text := string(b)
	long := text[saChunkSize-1000 : 2*saChunkSize+1000] // crosses two cuts
	ct := citecheck.NewText(text)
	for _, tt := range []struct {
		quote string
		n     int // -1: too many to list
	}{{"néedle", 5}, {text[saChunkSize-5 : saChunkSize+5], 1}, {long, 1}, {"zeta", 0}, {"n1", -1}} {
		indexed := textSide{s: text, t: ct}
		scanned := textSide{s: text, t: ct, noSA: true}
		got, gotAll := indexed.find(tt.quote, []rune(tt.quote))
		want, wantAll := scanned.find(tt.quote, []rune(tt.quote))
		if gotAll != wantAll || !slices.Equal(got, want) || gotAll != (tt.n >= 0) || (tt.n >= 0 && len(got) != tt.n) {
			t.Errorf("%.30q: chunks found %v (all %v), a scan %v (all %v), want %d", tt.quote, got, gotAll, want, wantAll, tt.n)
		}
	}
}
