package anchor

import (
	"strings"
	"testing"
)

// diffOf tokenizes old and new and matches them, checking that the match is a common
// subsequence; it returns the tokens of each side left unmatched.
func diffOf(t *testing.T, old, new string) (oldLeft, newLeft int) {
	t.Helper()
	tz := newTokenizer()
	a, b := tz.tokenize([]rune(old)), tz.tokenize([]rune(new))
	match := matchTokens(a, b, tz)
	last, matched := int32(-1), 0
	for i, j := range match {
		if j < 0 {
			continue
		}
		if j <= last || a.ids[i] != b.ids[j] {
			t.Fatalf("token %d matched to %d: not an increasing match of equal tokens", i, j)
		}
		last = j
		matched++
	}
	return len(a.ids) - matched, len(b.ids) - matched
}

func TestTokenize(t *testing.T) {
	tz := newTokenizer()
	text := "Kurds[46] and  café\u0301\n\n😀😀 قال"
	tk := tz.tokenize([]rune(text))
	rs := []rune(text)
	var got []string
	for k := range tk.ids {
		got = append(got, string(rs[tk.starts[k]:tk.starts[k+1]]))
	}
	want := []string{"Kurds", "[", "46", "]", " ", "and", "  ", "café\u0301", "\n\n", "😀", "😀", " ", "قال"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("tokens %q, want %q", got, want)
	}
	if tk.ids[9] != tk.ids[10] || tk.ids[4] != tk.ids[11] || tk.ids[4] == tk.ids[6] {
		t.Errorf("ids %v: equal tokens must share an id, others not", tk.ids)
	}
}

func TestMatchTokens(t *testing.T) {
	tests := []struct {
		name             string
		old, new         string
		oldLeft, newLeft int
	}{
		{"same", "one two three", "one two three", 0, 0},
		{"both empty", "", "", 0, 0},
		{"all new", "", "one two", 0, 3},
		{"all gone", "one two", "", 3, 0},
		{"a word replaced", "the cat sat", "the dog sat", 1, 1},
		{"a word inserted", "the cat sat", "the black cat sat", 0, 2},
		{"a paragraph moved stays unmatched on one side", "A b.\n\nC d.\n\nE f.", "C d.\n\nA b.\n\nE f.", 5, 5},
		{"a unique token splits, the ends match", "a a b a", "a b a a", 2, 2},
		{"no unique token: LCS", "a b a b", "b a b a", 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if o, n := diffOf(t, tt.old, tt.new); o != tt.oldLeft || n != tt.newLeft {
				t.Fatalf("unmatched %d old and %d new tokens, want %d and %d", o, n, tt.oldLeft, tt.newLeft)
			}
		})
	}
}

// TestMatchTokensOfRepeatedParagraphsFallsBackToMyers: 1 MB of one paragraph repeated has no
// token that occurs once, so the patience diff has nothing to align on; Myers' diff finds the
// three changed words, where the gap used to stay wholly unmatched.
func TestMatchTokensOfRepeatedParagraphsFallsBackToMyers(t *testing.T) {
	n := 8000 // 1 MB
	old := repeatedParagraphs(n, nil)
	new := repeatedParagraphs(n, map[int]string{10: "autumn", n / 2: "winter", n - 3: "summer"})
	if o, nw := diffOf(t, old, new); o != 3 || nw != 3 {
		t.Fatalf("unmatched %d old and %d new tokens of %d code points, want 3 and 3", o, nw, len(old))
	}
}

func TestLongestIncreasing(t *testing.T) {
	pairs := [][2]int32{{0, 5}, {1, 1}, {2, 2}, {3, 9}, {4, 3}, {5, 4}}
	got := longestIncreasing(pairs)
	want := [][2]int32{{1, 1}, {2, 2}, {4, 3}, {5, 4}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if longestIncreasing(nil) != nil {
		t.Error("no pairs, no subsequence")
	}
}
