package citecheck

import (
	"strings"
	"testing"
)

// uncitedOf runs FindUncited over text and returns each flagged sentence's text and reason.
func uncitedOf(text string) map[string]string {
	t := NewText(text)
	got := map[string]string{}
	for _, u := range FindUncited(t, NewSources(text)) {
		got[t.Slice(u.Start, u.End)] = u.Reason
	}
	return got
}

func TestFindUncitedInTheUserSample(t *testing.T) {
	text := readFixture(t, "user-sample.txt")
	got := uncitedOf(text)
	want := []struct{ contains, reason string }{
		{"33 per cent of Daraa governorate respondents said", UncitedNumber},
		{"On 14 May, these new troops drove civilians", UncitedDate},
		{"On 30 October 2015, the first round of peace talks", UncitedDate},
		{"But trade with Jordan collapsed after protests began in early 2011.", UncitedDate},
		{"since the beginning of April 2020", UncitedDate},
		{"Despite the signing in mid-2018", UncitedDate},
		{"New waves of undeclared evictions were caused in 2019 and early 2020.", UncitedDate},
	}
	for _, w := range want {
		found := false
		for s, reason := range got {
			if strings.Contains(s, w.contains) {
				found = true
				if reason != w.reason {
					t.Errorf("%q: reason %q, want %q", w.contains, reason, w.reason)
				}
			}
		}
		if !found {
			t.Errorf("no uncited sentence holds %q; got %v", w.contains, got)
		}
	}
	// Sentences with a marker, inside, glued or in the run after them, are cited; so is one
	// whose marker run opens the next paragraph. Sentences with no figure are not flagged.
	notWant := []string{
		"Ministers agreed that the Syrian government",
		"with a deadline of 1 January 2016.",
		"34 opposition groups and individuals",
		"These include Ahrar al-Sham",
		"Two of the 34 members are women",
		"These measures have resulted in a new round of negotiations",
		"Before the war, many in Daraa relied on transport",
		"Daraa`s experience clearly shows",
	}
	for s := range got {
		for _, n := range notWant {
			if strings.Contains(s, n) {
				t.Errorf("%q is flagged uncited but should not be", s)
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d uncited sentences, want %d: %v", len(got), len(want), got)
	}
}

func TestFindUncitedReasons(t *testing.T) {
	tests := []struct {
		name, text string
		want       map[string]string // flagged sentence -> reason
	}{
		{"a percentage", "Turnout fell to 41% last year. Nobody was surprised.",
			map[string]string{"Turnout fell to 41% last year.": UncitedNumber}},
		{"per cent in words", "Nearly half per cent of voters stayed home.",
			map[string]string{"Nearly half per cent of voters stayed home.": UncitedNumber}},
		{"a plain figure", "The convoy carried 1,200 tonnes of food.",
			map[string]string{"The convoy carried 1,200 tonnes of food.": UncitedNumber}},
		{"a day and a month", "The talks resumed on 3 March with new envoys.",
			map[string]string{"The talks resumed on 3 March with new envoys.": UncitedDate}},
		{"a month and a day", "On March 3rd the envoys met.",
			map[string]string{"On March 3rd the envoys met.": UncitedDate}},
		{"an ISO date", "The order is dated 2020-05-14 and signed.",
			map[string]string{"The order is dated 2020-05-14 and signed.": UncitedDate}},
		{"the earliest reason wins", "In 2019 some 300 families left.",
			map[string]string{"In 2019 some 300 families left.": UncitedDate}},
		{"a number before a date", "Some 300 families left in 2019.",
			map[string]string{"Some 300 families left in 2019.": UncitedNumber}},
		{"a long quotation", "The envoy said: “We will not leave this city before the guns fall silent.” Then he left.",
			map[string]string{"The envoy said: “We will not leave this city before the guns fall silent.”": UncitedQuotation}},
		{"a short quotation with a verb of speech", `He told reporters "never again" and left.`,
			map[string]string{`He told reporters "never again" and left.`: UncitedQuotation}},
		{"Arabic-Indic digits", "غادر ٣٠٠ شخص المدينة.",
			map[string]string{"غادر ٣٠٠ شخص المدينة.": UncitedNumber}},
		{"cited by a marker after it", "Turnout fell to 41% last year. [3]", map[string]string{}},
		{"cited by a glued marker", "Turnout fell to 41%[3] last year.", map[string]string{}},
		{"cited by a marker opening the next paragraph", "Turnout fell to 41% last year.\n\n[3] Then more.", map[string]string{}},
		{"no figure at all", "The regime failed to keep its promises. Many left.", map[string]string{}},
		{"a quoted name is not a quotation", "They allied as the “High Negotiating Committee”.", map[string]string{}},
		{"numbers glued to names", "The G20 met about COVID-19 while F-16 jets flew.", map[string]string{}},
		{"digits in a URL", "See https://example.org/2019/report-300 for more.", map[string]string{}},
		{"a heading with a number", "Chapter 3\n\nThe regime failed.", map[string]string{}},
		{"a markdown heading", "## 2019 in review\n\nThe regime failed.", map[string]string{}},
		{"list numbering", "Steps:\n1. Open the gate.\n2) Close the door.", map[string]string{}},
		{"a list item with a figure", "Steps:\n1. Move 300 people.",
			map[string]string{"Move 300 people.": UncitedNumber}},
		{"the reference list is not the body", "Turnout fell. [1]\n\nReferences\n[1] Reuters, 3 March 2019, 41% turnout.", map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := uncitedOf(tt.text)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for s, reason := range tt.want {
				if got[s] != reason {
					t.Errorf("%q: got reason %q, want %q (all: %v)", s, got[s], reason, got)
				}
			}
		})
	}
}

func TestFindUncitedSpansCountCodePoints(t *testing.T) {
	text := "👨‍👩‍👧 Café owners said 40% closed. Fine."
	txt := NewText(text)
	got := FindUncited(txt, NewSources(text))
	if len(got) != 1 {
		t.Fatalf("got %v", got)
	}
	if q := txt.Slice(got[0].Start, got[0].End); q != "👨‍👩‍👧 Café owners said 40% closed." {
		t.Errorf("span %d..%d is %q", got[0].Start, got[0].End, q)
	}
	if err := ValidateSpan(txt, got[0].Start, got[0].End); err != nil {
		t.Errorf("the span is not one a claim may cover: %v", err)
	}
}

func TestFindUncitedIsNeverNil(t *testing.T) {
	if got := FindUncited(NewText("x"), NewSources("x")); got == nil {
		t.Error("nil for a text without uncited sentences")
	}
}

// BenchmarkFindUncited runs over 5 MB of the user sample, whose sentences nearly all hold a
// figure or a date: the worst case of the document page and GET .../check.
func BenchmarkFindUncited(b *testing.B) {
	sample := readFixture(b, "user-sample.txt")
	text := strings.Repeat(sample+"\n\n", 5<<20/len(sample))
	t, s := NewText(text), NewSources(text)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		FindUncited(t, s)
	}
}
