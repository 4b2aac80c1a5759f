package citecheck

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
)

// sentenceTexts splits text and returns the sentences' texts.
func sentenceTexts(text string) []string {
	txt := NewText(text)
	out := []string{}
	for _, sp := range SplitSentences(txt, ParseCitations(text)) {
		out = append(out, txt.Slice(sp.Start, sp.End))
	}
	return out
}

func TestSplitSentencesHardCases(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"plain", "One. Two! Three? Four", []string{"One.", "Two!", "Three?", "Four"}},
		{"surrounding white space", "  One.   Two.  ", []string{"One.", "Two."}},
		{"U.S. and U.K.", "The U.S. Army and the U.K. Navy met. They talked.",
			[]string{"The U.S. Army and the U.K. Navy met.", "They talked."}},
		{"dotted initialism mid-sentence before a lower-case word", "The U.N. said no. Then it left.",
			[]string{"The U.N. said no.", "Then it left."}},
		{"titles", "Dr. Smith met Mr. Jones and Mrs. Brown. Prof. Lee and Ms. Kay came. St. Louis too.",
			[]string{"Dr. Smith met Mr. Jones and Mrs. Brown.", "Prof. Lee and Ms. Kay came.", "St. Louis too."}},
		{"e.g. and i.e.", "Some, e.g. Iran, agreed, i.e. Russia too. Others not.",
			[]string{"Some, e.g. Iran, agreed, i.e. Russia too.", "Others not."}},
		{"etc. before a capital ends a sentence", "Iran, Russia, etc. Then talks. Iran etc. and more.",
			[]string{"Iran, Russia, etc.", "Then talks.", "Iran etc. and more."}},
		{"vs. and No.", "Iran vs. Russia. See No. 5 and no. 7. No. It is.",
			[]string{"Iran vs. Russia.", "See No. 5 and no. 7.", "No.", "It is."}},
		{"months", "On Jan. 5 and Sept. 30 they met. On Dec. 1 they left.",
			[]string{"On Jan. 5 and Sept. 30 they met.", "On Dec. 1 they left."}},
		{"initials", "J. R. R. Tolkien wrote it. I. It was me. So did I. Then he left.",
			[]string{"J. R. R. Tolkien wrote it.", "I.", "It was me.", "So did I.", "Then he left."}},
		{"decimals", "Growth was 3.5 per cent. It cost 1.000 euros. In 2016. 34 groups met.",
			[]string{"Growth was 3.5 per cent.", "It cost 1.000 euros.", "In 2016.", "34 groups met."}},
		{"a number ends a sentence", "It rose 3.5. Then fell.", []string{"It rose 3.5.", "Then fell."}},
		{"closing quote after the stop", "He said “we agree.” Then he left.",
			[]string{"He said “we agree.”", "Then he left."}},
		{"closing quote before the stop", "the “High Negotiating Committee”. These include",
			[]string{"the “High Negotiating Committee”.", "These include"}},
		{"straight quotes and brackets", `He said "yes." (It was true.) Then "Who?" she asked.`,
			[]string{`He said "yes."`, "(It was true.)", `Then "Who?" she asked.`}},
		{"a question inside a quote followed by lower case", "“Why?” he asked. Nobody knew.",
			[]string{"“Why?” he asked.", "Nobody knew."}},
		{"an opening quote starts a sentence", "He left. “Never again,” he said.",
			[]string{"He left.", "“Never again,” he said."}},
		{"ellipsis inside a sentence", "They waited... and waited. Then… nothing. Wait... Then go.",
			[]string{"They waited... and waited.", "Then… nothing.", "Wait...", "Then go."}},
		{"repeated punctuation", "Really?! Yes.", []string{"Really?!", "Yes."}},
		{"Arabic full stop and question mark", "قال المتحدث إن المحادثات بدأت. وأضاف أن الاتفاق هش؟ نعم۔ انتهى",
			[]string{"قال المتحدث إن المحادثات بدأت.", "وأضاف أن الاتفاق هش؟", "نعم۔", "انتهى"}},
		{"Arabic with markers", "قال المتحدث إن المفاوضات مستمرة [12] وأضاف أن الاتفاق هش.[13–15]\n\n[16] فقرة جديدة.",
			[]string{"قال المتحدث إن المفاوضات مستمرة [12] وأضاف أن الاتفاق هش.", "فقرة جديدة."}},
		{"a marker glued to the last word", "Syrian Kurds[46]. Others too.", []string{"Syrian Kurds[46].", "Others too."}},
		{"a marker glued mid-sentence", "A round of negotiations[22] which is under way. Next.",
			[]string{"A round of negotiations[22] which is under way.", "Next."}},
		{"a marker run after the stop", "start political talks. [30] [31] The second round",
			[]string{"start political talks.", "The second round"}},
		{"a marker run glued to the stop", "talks.[30][31] The second", []string{"talks.", "The second"}},
		{"a marker run before a digit", "the region. [13] 34 groups met.", []string{"the region.", "34 groups met."}},
		{"a colon before a marker run", "an agreement was reached: [45] 34 opposition groups.",
			[]string{"an agreement was reached:", "34 opposition groups."}},
		{"a colon without a marker", "as follows: Iran and Russia.", []string{"as follows: Iran and Russia."}},
		{"an abbreviation before a marker ends", "He moved to the U.S. [4] Then he left.",
			[]string{"He moved to the U.S.", "Then he left."}},
		{"a marker run before lower case does not end", "It was so. [3] but not quite.",
			[]string{"It was so. [3] but not quite."}},
		{"a paragraph-opening marker belongs to no span", "the opposition.\n\n[47] Two of the 34.",
			[]string{"the opposition.", "Two of the 34."}},
		{"paragraph breaks end sentences", "A heading\n\nText without a stop\n\nMore", []string{"A heading", "Text without a stop", "More"}},
		{"a line break before a capital ends", "Background\nThe war began.", []string{"Background", "The war began."}},
		{"a hard-wrapped line continues", "The war began in\nearly 2011.", []string{"The war began in\nearly 2011."}},
		{"trailing markers without a stop", "A heading [3]\n[4] Next line", []string{"A heading", "Next line"}},
		{"a bullet is not part of the sentence", "In Syria. · Daraa`s experience shows it.",
			[]string{"In Syria.", "Daraa`s experience shows it."}},
		{"a note glued to the stop does not join two sentences", "Talks began.[99x] They agreed.",
			[]string{"Talks began.[99x]", "They agreed."}},
		{"a note after the stop belongs to the sentence before", "Talks began. [citation needed] They agreed.",
			[]string{"Talks began. [citation needed]", "They agreed."}},
		{"a marker then a note", "Talks began.[25][99x] They agreed. [26] [27]",
			[]string{"Talks began.[25][99x]", "They agreed."}},
		{"a note then a marker", "Talks began. [sic] [25] They agreed.",
			[]string{"Talks began. [sic]", "They agreed."}},
		{"a note inside a sentence stays in it", "Talks [citation needed] began. Then more.",
			[]string{"Talks [citation needed] began.", "Then more."}},
		{"a note before the stop", "Talks began [a]. Then more.", []string{"Talks began [a].", "Then more."}},
		{"a note before lower case does not end", "It was so. [sic] but not quite.",
			[]string{"It was so. [sic] but not quite."}},
		{"a note at the end of a line", "Talks began. [citation needed]\nThey agreed.",
			[]string{"Talks began. [citation needed]", "They agreed."}},
		{"a long bracket is text", "Talks began. [" + strings.Repeat("x", 50) + "] They agreed.",
			[]string{"Talks began.", "[" + strings.Repeat("x", 50) + "] They agreed."}},
		{"only markers", "[1] [2]\n\n[3]", []string{}},
		{"empty", "", []string{}},
		{"emoji", "Family 👨\u200d👩\u200d👧 met. 🇸🇾 Syria next.", []string{"Family 👨\u200d👩\u200d👧 met.", "🇸🇾 Syria next."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sentenceTexts(tt.text); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("sentences\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSplitSentencesOfTheUserSample(t *testing.T) {
	got := sentenceTexts(readFixture(t, "user-sample.txt"))
	if len(got) != 23 {
		t.Errorf("%d sentences, want 23", len(got))
	}
	for _, s := range got {
		if strings.Contains(s, "[30]") || strings.Contains(s, "[45]") || strings.HasPrefix(s, "[") {
			t.Errorf("a marker run is inside sentence %q", s)
		}
	}
}

func TestCitedSentencesOfTheUserSample(t *testing.T) {
	text := readFixture(t, "user-sample.txt")
	txt := NewText(text)
	got := CitedSentences(txt, NewSources(text))
	// The sentence with Kurds[46] inside is followed by "\n\n[47] Two of ...": the contract
	// attaches a marker that opens the next paragraph to the span before, so it gets 46 and 47,
	// and a claim made from it passes the marker-not-attached check.
	want := []struct {
		prefix, suffix string
		refs           []int
	}{
		{"Ministers agreed", "start political talks.", []int{30, 31}},
		{"The second round", "deadline of 1 January 2016.", []int{32}},
		{"Although the Nassib", "activities in the region.", []int{13}},
		{"On 12 December", "an agreement was reached:", []int{45}},
		{"34 opposition groups", "“High Negotiating Committee”.", []int{46}},
		{"These include Ahrar", "Kurds[46] and some moderate members of the Russian-backed opposition.", []int{46, 47}},
		{"Two of the 34 members", "the Women`s Advisory Committee.", []int{48}},
		{"These measures have resulted", "negotiations[22] which is still under way in several Daraa regions and by different parties, including Iran and Russia, with no new general agreement in sight.", []int{22}},
	}
	if len(got) != len(want) {
		for _, g := range got {
			t.Logf("%v %q", g.Refs, g.Quote)
		}
		t.Fatalf("%d cited sentences, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if !strings.HasPrefix(g.Quote, w.prefix) || !strings.HasSuffix(g.Quote, w.suffix) || !reflect.DeepEqual(g.Refs, w.refs) {
			t.Errorf("sentence %d = %v %q, want %v %q...%q", i, g.Refs, g.Quote, w.refs, w.prefix, w.suffix)
		}
		if txt.Slice(g.Start, g.End) != g.Quote {
			t.Errorf("sentence %d quote does not match its span", i)
		}
		c := Claim{Start: g.Start, End: g.End, Refs: g.Refs, Status: StatusUnsupported}
		if checks := ClaimChecks(txt, ParseCitations(text), &c); len(checks) != 0 {
			t.Errorf("a claim made from sentence %d has checks %+v", i, checks)
		}
	}
}

// TestCitedSentencesKeepNotesWithTheirSentence: a bracket that is not a marker neither merges
// two cited sentences into one proposal nor opens the next one's quote.
func TestCitedSentencesKeepNotesWithTheirSentence(t *testing.T) {
	type want struct {
		quote string
		refs  []int
	}
	tests := []struct {
		name string
		text string
		want []want
	}{
		{"[99x] after a marker", "Talks began.[25][99x] They agreed. [26] [27]",
			[]want{{"Talks began.[25][99x]", []int{25}}, {"They agreed.", []int{26, 27}}}},
		{"[99x] glued to the stop", "Talks began.[99x] They agreed. [26] [27] More.",
			[]want{{"They agreed.", []int{26, 27}}}},
		{"[citation needed] after a cited sentence", "Talks began. [25] [citation needed] They agreed. [26]",
			[]want{{"Talks began. [25] [citation needed]", []int{25}}, {"They agreed.", []int{26}}}},
		{"[citation needed] after an uncited sentence", "Talks began. [citation needed] They agreed. [26]",
			[]want{{"They agreed.", []int{26}}}},
		{"a paragraph-opening marker goes to the sentence before", "They left.\n\n[47] Two stayed. [48]",
			[]want{{"They left.", []int{47}}, {"Two stayed.", []int{48}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CitedSentences(NewText(tt.text), NewSources(tt.text))
			if len(got) != len(tt.want) {
				t.Fatalf("proposals %+v, want %+v", got, tt.want)
			}
			for i, w := range tt.want {
				if got[i].Quote != w.quote || !reflect.DeepEqual(got[i].Refs, w.refs) {
					t.Errorf("proposal %d = %v %q, want %v %q", i, got[i].Refs, got[i].Quote, w.refs, w.quote)
				}
			}
		})
	}
}

func TestCitedSentencesStopBeforeTheReferenceList(t *testing.T) {
	text := readFixture(t, "with-references.txt")
	txt := NewText(text)
	got := CitedSentences(txt, NewSources(text))
	want := []struct {
		quote string
		refs  []int
	}{
		{"On 30 October 2015, foreign ministers met in Vienna.", []int{1}},
		{"They agreed that the Syrian government and the opposition should start political talks.", []int{2, 3}},
		{"A deadline of 1 January 2016 was set for formal negotiations.", []int{4}},
		{"Observers doubted it would hold.", []int{5}},
	}
	if len(got) != len(want) {
		t.Fatalf("cited sentences = %+v", got)
	}
	for i, w := range want {
		if got[i].Quote != w.quote || !reflect.DeepEqual(got[i].Refs, w.refs) {
			t.Errorf("sentence %d = %v %q, want %v %q", i, got[i].Refs, got[i].Quote, w.refs, w.quote)
		}
	}
	if got := CitedSentences(NewText("No markers here. None."), NewSources("No markers here. None.")); got == nil || len(got) != 0 {
		t.Errorf("without markers: %+v", got)
	}
}

func TestSentenceAt(t *testing.T) {
	text := "Intro.\n\nTalks began. [30] [31] Second round, e.g. Vienna. Third.\n\n[47] Two members."
	txt := NewText(text)
	cits := ParseCitations(text)
	at := func(sub string, off int) int { s, _ := spanOf(t, text, sub); return s + off }
	tests := []struct {
		name string
		cp   int
		want string
	}{
		{"inside a sentence", at("began", 0), "Talks began."},
		{"at its first code point", at("Talks", 0), "Talks began."},
		{"at its full stop", at("began.", 5), "Talks began."},
		{"just after its full stop", at("began.", 6), "Talks began."},
		{"on the marker run after it", at("[31]", 1), "Talks began."},
		{"past an abbreviation", at("Vienna", 0), "Second round, e.g. Vienna."},
		{"on a paragraph-opening marker: the sentence before", at("[47]", 1), "Third."},
		{"in the blank line", at("Third.", 7), "Third."},
		{"in the first paragraph", 2, "Intro."},
		{"at the end", txt.Len(), "Two members."},
		{"before the start", -5, "Intro."},
		{"past the end", txt.Len() + 5, "Two members."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := SentenceAt(txt, cits, tt.cp)
			if got := txt.Slice(sp.Start, sp.End); got != tt.want {
				t.Errorf("SentenceAt(%d) = %q, want %q", tt.cp, got, tt.want)
			}
		})
	}
	if sp := SentenceAt(NewText("  [1]  "), ParseCitations("  [1]  "), 3); sp != (Span{3, 3}) {
		t.Errorf("without sentences: %v", sp)
	}
}

func TestSentenceAtAgreesWithSplitSentences(t *testing.T) {
	text := readFixture(t, "user-sample.txt")
	txt := NewText(text)
	cits := ParseCitations(text)
	spans := SplitSentences(txt, cits)
	for cp := 0; cp <= txt.Len(); cp++ {
		if got, want := SentenceAt(txt, cits, cp), sentenceAtIn(spans, cp); got != want {
			t.Fatalf("SentenceAt(%d) = %v, want %v", cp, got, want)
		}
	}
}

// sentenceAtIn is SentenceAt over the sentences of the whole text, as the fuzz test and the
// agreement test compute it.
func sentenceAtIn(spans []Span, cp int) Span {
	var before *Span
	for i := range spans {
		if spans[i].Start <= cp && cp < spans[i].End {
			return spans[i]
		}
		if spans[i].End <= cp {
			before = &spans[i]
		} else if before == nil {
			return spans[i]
		}
	}
	if before != nil {
		return *before
	}
	return Span{cp, cp}
}

func FuzzSplitSentences(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, 3)
	}
	f.Add("The U.S. Army met. Dr. Smith said “yes.” [30] [31] Then... no.\n\n[47] Two. 3.5 per cent: [4] 34.", 20)
	f.Add("قال. [12] وأضاف؟ نعم۔", 5)
	f.Fuzz(func(t *testing.T, s string, cp int) {
		txt := NewText(s)
		cits := ParseCitations(s)
		spans := SplitSentences(txt, cits)
		prev := 0
		for i, sp := range spans {
			if sp.Start < prev || sp.End <= sp.Start || sp.End > txt.Len() {
				t.Fatalf("span %d %v out of order or range (previous end %d, length %d)", i, sp, prev, txt.Len())
			}
			prev = sp.End
			q := []rune(txt.Slice(sp.Start, sp.End))
			if unicode.IsSpace(q[0]) || unicode.IsSpace(q[len(q)-1]) {
				t.Fatalf("span %d %q has white space at an edge", i, string(q))
			}
		}
		if n := txt.Len(); n > 0 {
			cp = ((cp % (n + 1)) + n + 1) % (n + 1)
		}
		if got, want := SentenceAt(txt, cits, cp), sentenceAtIn(spans, min(max(cp, 0), txt.Len())); got != want {
			t.Fatalf("SentenceAt(%d) = %v, want %v of %v", cp, got, want, spans)
		}
		src := NewSources(s)
		if l := src.List; l != nil {
			for _, m := range src.Citations {
				if m.End > l.Start {
					t.Fatalf("body marker %v inside the list at %d", m, l.Start)
				}
			}
			for i, e := range l.Entries {
				if e.Start < l.Start || e.End <= e.Start || e.End > txt.Len() || e.Number <= 0 ||
					i > 0 && (e.Start < l.Entries[i-1].End || e.Number == l.Entries[i-1].Number) {
					t.Fatalf("entry %d %+v out of place in %+v", i, e, l)
				}
			}
		}
		for _, c := range CitedSentences(txt, src) {
			if len(c.Refs) == 0 || txt.Slice(c.Start, c.End) != c.Quote {
				t.Fatalf("cited sentence %+v", c)
			}
		}
	})
}

func BenchmarkCitedSentences1MB(b *testing.B) {
	text := buildMegabyteText()
	txt := NewText(text)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		CitedSentences(txt, NewSourcesOf(ParseCitations(text), text))
	}
}

func BenchmarkSentenceAt1MB(b *testing.B) {
	text := buildMegabyteText()
	txt := NewText(text)
	cits := ParseCitations(text)
	for b.Loop() {
		SentenceAt(txt, cits, txt.Len()/2)
	}
}
