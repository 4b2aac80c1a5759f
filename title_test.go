package citecheck

import (
	"strings"
	"testing"
)

func TestDocumentTitle(t *testing.T) {
	for _, tc := range []struct {
		title, text, want, code string
	}{
		{"  Syria talks ", "x", "Syria talks", ""},
		{"", "Hello\tworld [1]\nmore", "Hello world [1]", ""},
		{"", "[1] Hello\tworld", "[1] Hello world", ""},
		{"", "\n\n  Hello world\nnext", "Hello world", ""},
		{"", "  \t\n", "Untitled", ""},
		{"", "", "Untitled", ""},
		{"", strings.Repeat("é", 100), strings.Repeat("é", 79) + "…", ""},
		{"a\tb", "x", "", ECodeControlChar},
		{"a\x00b", "x", "", ECodeControlChar},
		{"a\x7fb", "x", "", ECodeControlChar},
		{"\xff", "x", "", ECodeInvalidUTF8},
		{strings.Repeat("t", MaxTitleLen+1), "x", "", ECodeTooLong},
	} {
		got, err := DocumentTitle(tc.title, tc.text)
		if tc.code != "" {
			if ErrorCode(err) != tc.code || err.(*Error).Field != "title" {
				t.Errorf("DocumentTitle(%q, %q): %q %v, want %s", tc.title, tc.text, got, err, tc.code)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("DocumentTitle(%q, %q) = %q %v, want %q", tc.title, tc.text, got, err, tc.want)
		}
	}
}
