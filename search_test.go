package citecheck

import (
	"encoding/base64"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPassagesAreTheTrimmedLinesWithCodePointSpans(t *testing.T) {
	text := "  Première ligne 👍🏽 ici.  \n\n\tقال المتحدث\n   \nlast"
	got := Passages(text)
	want := []Passage{
		{Start: 2, End: 24, Text: "Première ligne 👍🏽 ici."},
		{Start: 29, End: 40, Text: "قال المتحدث"},
		{Start: 45, End: 49, Text: "last"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	runes := []rune(text)
	for _, p := range got {
		if string(runes[p.Start:p.End]) != p.Text {
			t.Errorf("span %d..%d is %q, not %q", p.Start, p.End, string(runes[p.Start:p.End]), p.Text)
		}
	}
}

// TestPassagesCutALongLineAtASpace cuts a 2,500 code point line into passages of at most
// MaxPassageLen, each at a space, that together hold every word.
func TestPassagesCutALongLineAtASpace(t *testing.T) {
	line := strings.Repeat("événement ", 250) // 2,500 code points
	ps := Passages(line)
	if len(ps) != 3 {
		t.Fatalf("%d passages", len(ps))
	}
	runes := []rune(line)
	var words int
	for _, p := range ps {
		if n := utf8.RuneCountInString(p.Text); n > MaxPassageLen || string(runes[p.Start:p.End]) != p.Text {
			t.Fatalf("passage %d..%d: %d code points, %q", p.Start, p.End, n, p.Text)
		}
		if strings.HasPrefix(p.Text, " ") || strings.HasSuffix(p.Text, " ") {
			t.Fatalf("untrimmed: %q", p.Text)
		}
		words += len(strings.Fields(p.Text))
	}
	if words != 250 {
		t.Fatalf("%d words, not 250", words)
	}
	// No space at all: cut right at the bound.
	if ps := Passages(strings.Repeat("x", 2*MaxPassageLen+1)); len(ps) != 3 || ps[1].Start != MaxPassageLen {
		t.Fatalf("no spaces: %d passages", len(ps))
	}
}

func TestParseSearchTerms(t *testing.T) {
	for _, tc := range []struct {
		q      string
		terms  []string
		prefix bool
		code   string
	}{
		{"ceasefire", []string{"ceasefire"}, true, ""},
		{"  ceasefire talks ", []string{"ceasefire", "talks"}, false, ""},
		{`"NOT now" -- 🎉`, []string{`"NOT`, `now"`}, true, ""},
		{"", nil, false, ECodeMalformed},
		{" 🎉 -- ", nil, false, ECodeMalformed},
		{strings.Repeat("a", MaxSearchQueryLen+1), nil, false, ECodeTooLong},
		{strings.Repeat("a ", MaxSearchTerms+1), nil, false, ECodeTooLong},
		{"\xff", nil, false, ECodeMalformed},
	} {
		terms, prefix, err := ParseSearchTerms(tc.q)
		if tc.code != "" {
			if ErrorCode(err) != tc.code {
				t.Errorf("%q: error %v, want code %s", tc.q, err, tc.code)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(terms, tc.terms) || prefix != tc.prefix {
			t.Errorf("%q: %q %v %v", tc.q, terms, prefix, err)
		}
	}
}

func TestSnippetPartsSplitOnTheMarkersOnly(t *testing.T) {
	s := "…a <b>" + SnippetOpen + "ceasefire" + SnippetClose + " & " + SnippetOpen + "talks" + SnippetClose
	want := []SnippetPart{{"…a <b>", false}, {"ceasefire", true}, {" & ", false}, {"talks", true}}
	if got := SnippetParts(s); !reflect.DeepEqual(got, want) {
		t.Fatalf("%+v", got)
	}
	if got := PlainSnippet(s); got != "…a <b>ceasefire & talks" {
		t.Fatalf("plain %q", got)
	}
	if got := SnippetParts(SnippetOpen + "open to the end"); !reflect.DeepEqual(got, []SnippetPart{{"open to the end", true}}) {
		t.Fatalf("%+v", got)
	}
}

func TestSearchCursorRoundTripsAndRefusesOthers(t *testing.T) {
	c := SearchCursor{Rank: -1.2345678901234567e-6, Row: 42, Floor: 7}
	got, err := ParseSearchCursor(c.Encode())
	if err != nil || *got != c {
		t.Fatalf("%v %v", got, err)
	}
	for _, bad := range []string{"", "x", "!!", encodeRaw("o:3"), encodeRaw("s:nan-ish:3:0"), encodeRaw("s:1:-3:0"), encodeRaw("s:1:3"), encodeRaw("s:1:3:-1"), encodeRaw("s:NaN:1:0"), encodeRaw("s:Inf:1:0"), encodeRaw("s:-Inf:1:0")} {
		if _, err := ParseSearchCursor(bad); ErrorCode(err) != ECodeInvalid {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := ParseSearchKind("comment"); ErrorCode(err) != ECodeInvalid {
		t.Errorf("kind comment: %v", err)
	}
}

func encodeRaw(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// FuzzPassages checks that every passage is the text at its span, trimmed, within the bound,
// and after the one before it, whatever the (valid UTF-8, as every stored text is) text.
func FuzzPassages(f *testing.F) {
	for _, s := range []string{"", "a\nb", "  x  \n\n\ty", strings.Repeat("mot ", 600), "👍🏽\u0301 قال\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			t.Skip()
		}
		runes := []rune(text)
		end := 0
		for _, p := range Passages(text) {
			if p.Start < end || p.End <= p.Start || p.End > len(runes) || string(runes[p.Start:p.End]) != p.Text {
				t.Fatalf("passage %d..%d %q after %d in %q", p.Start, p.End, p.Text, end, text)
			}
			if strings.TrimSpace(p.Text) != p.Text || utf8.RuneCountInString(p.Text) > MaxPassageLen || strings.Contains(p.Text, "\n") {
				t.Fatalf("passage %q", p.Text)
			}
			end = p.End
		}
	})
}
