package citecheck

import (
	"reflect"
	"strings"
	"testing"
)

// entryNumbers lists the numbers of a list's entries, or nil without a list.
func entryNumbers(l *ReferenceList) []int {
	if l == nil {
		return nil
	}
	out := []int{}
	for _, e := range l.Entries {
		out = append(out, e.Number)
	}
	return out
}

const refBody = "Talks began. [1] A second round followed. [2]\n\n"

func TestDetectReferencesFindsAListUnderEachHeading(t *testing.T) {
	headings := []struct{ line, name string }{
		{"References", "References"},
		{"Notes", "Notes"},
		{"Sources", "Sources"},
		{"Bibliography", "Bibliography"},
		{"Citations", "Citations"},
		{"Works cited", "Works cited"},
		{"Footnotes", "Footnotes"},
		{"Literature", "Literature"},
		{"Endnotes", "Endnotes"},
		{"REFERENCES", "REFERENCES"},
		{"Works Cited:", "Works Cited"},
		{"## References", "References"},
		{"# Sources:", "Sources"},
		{"== Notes ==", "Notes"},
		{"**Bibliography**", "Bibliography"},
		{"  Footnotes  ", "Footnotes"},
	}
	for _, h := range headings {
		t.Run(h.line, func(t *testing.T) {
			text := refBody + h.line + "\n[1] Reuters, 2 Nov 2015.\n[2] AP, 3 Nov 2015.\n"
			l := DetectReferences(text)
			if l == nil {
				t.Fatal("no list found")
			}
			if l.Heading != h.name {
				t.Errorf("heading = %q, want %q", l.Heading, h.name)
			}
			if got := NewText(text).Slice(l.Start, l.Start+len([]rune(strings.TrimSpace(h.line)))); got != strings.TrimSpace(h.line) {
				t.Errorf("list starts at %d (%q), not at its heading", l.Start, got)
			}
			if !reflect.DeepEqual(entryNumbers(l), []int{1, 2}) || l.Entries[0].Text != "Reuters, 2 Nov 2015." {
				t.Errorf("entries = %+v", l.Entries)
			}
		})
	}
}

func TestDetectReferencesReadsTheFixture(t *testing.T) {
	text := readFixture(t, "with-references.txt")
	l := DetectReferences(text)
	if l == nil {
		t.Fatal("no list found")
	}
	txt := NewText(text)
	if l.Heading != "References" || txt.Slice(l.Start, l.Start+10) != "References" {
		t.Errorf("list %q starts at %d", l.Heading, l.Start)
	}
	want := []Reference{
		{Number: 1, Text: `Reuters, "Vienna talks open", 30 October 2015, https://www.reuters.com/article/syria-vienna-idUSKCN0SO1.`,
			URL: "https://www.reuters.com/article/syria-vienna-idUSKCN0SO1"},
		{Number: 2, Text: "Associated Press, 31 October 2015."},
		{Number: 3, Text: "BBC News (https://www.bbc.co.uk/news/world-middle-east-34682290).",
			URL: "https://www.bbc.co.uk/news/world-middle-east-34682290"},
		{Number: 4, Text: "United Nations Security Council, Resolution 2254, https://undocs.org/S/RES/2254(2015)",
			URL: "https://undocs.org/S/RES/2254(2015)"},
		{Number: 6, Text: "Al Jazeera, 2 November 2015, http://aljazeera.com/news/2015/11/vienna.html",
			URL: "http://aljazeera.com/news/2015/11/vienna.html"},
	}
	if len(l.Entries) != len(want) {
		t.Fatalf("entries = %+v", l.Entries)
	}
	for i, e := range l.Entries {
		w := want[i]
		if e.Number != w.Number || e.Text != w.Text || e.URL != w.URL || e.Manual {
			t.Errorf("entry %d = %+v, want %+v", i, e, w)
		}
		span := txt.Slice(e.Start, e.End)
		if !strings.HasPrefix(span, "[") || !strings.HasSuffix(span, strings.Fields(w.Text)[len(strings.Fields(w.Text))-1]) {
			t.Errorf("entry %d spans %q", i, span)
		}
	}
}

func TestDetectReferencesFindsABareTrailingRun(t *testing.T) {
	text := readFixture(t, "with-references-bare.txt")
	l := DetectReferences(text)
	if l == nil {
		t.Fatal("no list found")
	}
	if l.Heading != "" || !reflect.DeepEqual(entryNumbers(l), []int{1, 2, 3}) {
		t.Errorf("list = %+v", l)
	}
	if got := NewText(text).Slice(l.Start, l.Start+3); got != "[1]" || l.Start != l.Entries[0].Start {
		t.Errorf("list starts at %d (%q)", l.Start, got)
	}
	if l.Entries[0].URL != "https://www.reuters.com/a" || l.Entries[1].URL != "" {
		t.Errorf("urls %q %q", l.Entries[0].URL, l.Entries[1].URL)
	}
}

func TestDetectReferences(t *testing.T) {
	long := strings.Repeat("words and more words ", 20) // 400 code points
	tests := []struct {
		name string
		text string
		want []int // entry numbers; nil for no list
	}{
		{"the user sample has no list", readFixture(t, "user-sample.txt"), nil},
		{"no markers at all", "Plain text.\nMore text.", nil},
		{"empty", "", nil},
		{"a last paragraph opening with a marker is body text",
			"Talks. [46] More.\n\n[47] Two of the 34 members are women.", nil},
		{"a paragraph with markers inside is body text",
			"Talks.\n\n[47] Two of the 34 members are women. [48] That is all.\n[49] Short.", nil},
		{"short marker paragraphs separated by blank lines are body text",
			"Talks.\n\n[47] Two members are women.\n\n[48] That is all.", nil},
		{"long marker lines are body text", "Talks.\n[1] " + long + "\n[2] " + long, nil},
		{"descending numbers are not a list", "Talks. [1]\n[3] Reuters.\n[2] AP.", nil},
		{"entries followed by body text are not trailing",
			"Talks. [1]\n[1] Reuters.\n[2] AP.\n\nThe end of the story.", nil},
		{"a numbered list without a heading is body text", "Steps:\n1. Talks.\n2. Agreement.", nil},
		{"a heading followed by body text is not a list", "Talks. [1]\n\nNotes\nThe talks went on. [2]", nil},
		{"a heading followed by nothing is not a list", "Talks. [1]\n\nReferences\n", nil},
		{"a heading in the middle is not a list",
			"Talks. [1]\n\nSources\n[1] Reuters.\n\nThe story goes on here.", nil},
		{"one bare entry is not a list", "Talks. [1]\n\n[1] Reuters, https://reuters.com/x", nil},
		{"a bare run", "Talks. [1] [2]\n[1] Reuters.\n[2] AP.", []int{1, 2}},
		{"a bare run after trailing blank lines", "Talks. [1] [2]\n\n[1] Reuters.\n[2] AP.\n\n\n", []int{1, 2}},
		{"a bare run stops at body text", "Talks.\n[5] " + long + "\n[6] Reuters.\n[7] AP.", []int{6, 7}},
		{"a bare run with blank lines when every entry has a URL",
			"Talks.\n\n[1] Reuters https://reuters.com/a\n\n[2] AP https://apnews.com/b", []int{1, 2}},
		{"a long bare entry with a URL", "Talks.\n[1] " + long + " https://x.org\n[2] AP.", []int{1, 2}},
		{"numbered entries under a heading", "Talks. [1]\n\nReferences:\n1. Reuters.\n2) AP.", []int{1, 2}},
		{"bracketed entries with a space inside", "Talks.\n\nNotes\n[ 1 ] Reuters.\n[2]AP.", []int{1, 2}},
		{"continuation lines", "Talks.\n\nSources\n[1] Reuters,\n  2 Nov 2015.\n[2] AP.", []int{1, 2}},
		{"two headings", "Talks.\n\nNotes\n[1] A note.\n\nReferences\n[2] Reuters.", []int{1, 2}},
		{"a duplicate number keeps the first entry", "Talks.\n\nReferences\n[1] Reuters.\n[1] AP.\n[2] BBC.", []int{1, 2}},
		{"a range is not an entry marker", "Talks.\n[1-2] Reuters.\n[3] AP.", nil},
		{"the whole text is a list", "References\n[1] Reuters.", []int{1}},
		{"a word containing a heading name is no heading", "Talks.\n\nMy references\n[1] Reuters.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := DetectReferences(tt.text)
			if got := entryNumbers(l); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("entries = %v, want %v (list %+v)", got, tt.want, l)
			}
		})
	}
}

func TestDetectReferencesJoinsContinuationLines(t *testing.T) {
	l := DetectReferences("Talks.\n\nSources\n[1] Reuters,\n  2 Nov 2015.\n[2] AP.")
	if l == nil || l.Entries[0].Text != "Reuters, 2 Nov 2015." {
		t.Fatalf("list = %+v", l)
	}
	if e := l.Entries[0]; e.Start != 16 || e.End != 42 {
		t.Errorf("entry 1 spans %d..%d, want 16..42", e.Start, e.End)
	}
	if e, ok := l.Entry(2); !ok || e.Text != "AP." {
		t.Errorf("Entry(2) = %+v, %v", e, ok)
	}
	if _, ok := l.Entry(3); ok {
		t.Error("Entry(3) found")
	}
}

func TestDetectReferencesCountsCodePoints(t *testing.T) {
	text := "قال المتحدث 👨\u200d👩\u200d👧 “quoted” [1]\n\nالمراجع\n\nReferences\n[1] رويترز https://x.org/é"
	// "المراجع" (references in Arabic) is not a heading; the English one after it is, and the
	// Arabic line before it makes the section not trailing, so the list starts at "References".
	text = strings.Replace(text, "المراجع\n\n", "", 1)
	l := DetectReferences(text)
	if l == nil {
		t.Fatal("no list")
	}
	txt := NewText(text)
	if txt.Slice(l.Start, l.Start+10) != "References" {
		t.Errorf("start %d slices to %q", l.Start, txt.Slice(l.Start, l.Start+10))
	}
	e := l.Entries[0]
	if got := txt.Slice(e.Start, e.End); got != "[1] رويترز https://x.org/é" {
		t.Errorf("entry spans %q", got)
	}
	if e.URL != "https://x.org/é" {
		t.Errorf("url %q", e.URL)
	}
}

func TestFirstURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"no url here", ""},
		{"see https://example.org/a.", "https://example.org/a"},
		{"see http://example.org/a, and more", "http://example.org/a"},
		{"(https://example.org/a)", "https://example.org/a"},
		{"(https://en.wikipedia.org/wiki/Vienna_(city)).", "https://en.wikipedia.org/wiki/Vienna_(city)"},
		{"HTTPS://EXAMPLE.ORG/X;", "HTTPS://EXAMPLE.ORG/X"},
		{"“https://example.org/q?a=1&b=2”", "https://example.org/q?a=1&b=2"},
		{"<https://example.org/x>", "https://example.org/x"},
		{"first https://a.org then https://b.org", "https://a.org"},
		{"https:// empty then https://b.org", "https://b.org"},
		{"ftp://a.org and httpx://b.org", ""},
		{"archived https://web.archive.org/web/2015/https://a.org/!", "https://web.archive.org/web/2015/https://a.org/"},
	}
	for _, tt := range tests {
		if got := FirstURL(tt.in); got != tt.want {
			t.Errorf("FirstURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
