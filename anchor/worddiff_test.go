package anchor

import (
	"fmt"
	"strings"
	"testing"
)

// render writes chunks as "=same|-deleted|+inserted" and checks that each chunk starts where
// the ones before it end, on both sides.
func render(t *testing.T, chunks []DiffChunk) string {
	t.Helper()
	var parts []string
	oldPos, newPos := 0, 0
	for _, ch := range chunks {
		parts = append(parts, map[DiffOp]string{DiffEqual: "=", DiffDelete: "-", DiffInsert: "+"}[ch.Op]+ch.Text)
		if ch.OldStart != oldPos || ch.NewStart != newPos {
			t.Errorf("chunk %q at %d/%d, want %d/%d", ch.Text, ch.OldStart, ch.NewStart, oldPos, newPos)
		}
		n := len([]rune(ch.Text))
		if ch.Op != DiffInsert {
			oldPos += n
		}
		if ch.Op != DiffDelete {
			newPos += n
		}
	}
	return strings.Join(parts, "|")
}

// rebuild returns the old and the new text that chunks describe.
func rebuild(chunks []DiffChunk) (string, string) {
	var oldS, newS strings.Builder
	for _, ch := range chunks {
		if ch.Op != DiffInsert {
			oldS.WriteString(ch.Text)
		}
		if ch.Op != DiffDelete {
			newS.WriteString(ch.Text)
		}
	}
	return oldS.String(), newS.String()
}

func TestWordDiff(t *testing.T) {
	for _, tc := range []struct{ old, new, want string }{
		{"same text", "same text", "=same text"},
		{"", "", ""},
		{"", "new", "+new"},
		{"old", "", "-old"},
		{"the cat sat", "the dog sat", "=the |-cat|+dog|= sat"},
		{"a b c", "a c", "=a |-b |=c"},
		{"ünï cödé 😀 x", "ünï 😀 cödé x", "=ünï |-cödé |=😀|+ cödé|= x"},
		{"one two", "one  two", "=one|- |+  |=two"},
		{"Kurds[46] and", "Kurds [46] and", "=Kurds|+ |=[46] and"},
		{"قال المتحدث [12]", "قال الوزير [12]", "=قال |-المتحدث|+الوزير|= [12]"},
		{"cafe\u0301 x", "cafe x", "-cafe\u0301|+cafe|= x"},
	} {
		got := render(t, WordDiff(tc.old, tc.new))
		if got != tc.want {
			t.Errorf("WordDiff(%q, %q) = %q, want %q", tc.old, tc.new, got, tc.want)
		}
	}
}

func TestWordDiffOfLargeTextsRebuildsBoth(t *testing.T) {
	var a, b strings.Builder
	for i := 0; i < 40000; i++ {
		w := strings.Repeat("x", i%7+1)
		a.WriteString(w + " ")
		if i%1000 == 0 {
			b.WriteString("inserted ")
		}
		if i%1500 != 0 {
			b.WriteString(w + " ")
		}
	}
	chunks := WordDiff(a.String(), b.String())
	render(t, chunks)
	if o, n := rebuild(chunks); o != a.String() || n != b.String() {
		t.Fatal("the chunks do not rebuild the two texts")
	}
}

// repeatedParagraphs is n copies of one paragraph, the copies listed in edits changed: a text
// where no token occurs once, so the patience diff finds nothing to align on.
func repeatedParagraphs(n int, edits map[int]string) string {
	const para = "The committee met again in the spring and agreed that the talks should go on. " +
		"Two of its members said the talks had stalled. [3]\n\n"
	var b strings.Builder
	for i := range n {
		p := para
		if w, ok := edits[i]; ok {
			p = strings.Replace(para, "spring", w, 1)
		}
		b.WriteString(p)
	}
	return b.String()
}

// TestWordDiffOfRepeatedParagraphsFallsBackToMyers: with no unique token to align on, the word
// diff used to show the whole text as replaced; Myers' diff finds the few changed words.
func TestWordDiffOfRepeatedParagraphsFallsBackToMyers(t *testing.T) {
	edits := map[int]string{7: "autumn", 600: "winter", 1999: "summer"}
	old, new := repeatedParagraphs(2000, nil), repeatedParagraphs(2000, edits)
	chunks := WordDiff(old, new)
	if o, n := rebuild(chunks); o != old || n != new {
		t.Fatal("the chunks do not rebuild the two texts")
	}
	var changed []string
	for _, ch := range chunks {
		if ch.Op != DiffEqual {
			changed = append(changed, fmt.Sprintf("%d%q", ch.Op, ch.Text))
		}
	}
	want := []string{`1"spring"`, `2"autumn"`, `1"spring"`, `2"winter"`, `1"spring"`, `2"summer"`}
	if fmt.Sprint(changed) != fmt.Sprint(want) {
		t.Errorf("changed chunks %v, want %v (of %d code points)", changed, want, len([]rune(old)))
	}
}
