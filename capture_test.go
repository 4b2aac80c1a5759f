package citecheck

import (
	"strings"
	"testing"
)

func TestNewCaptureNormalisesLikeADocument(t *testing.T) {
	c, err := NewCapture("\uFEFFReuters\r\nTalks began in Vienna.\rCafe\u0301 closed.", "", " https://example.org/a ", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := "Reuters\nTalks began in Vienna.\nCafé closed."
	if c.Text != want || c.TextSHA256 != TextSHA256(want) || c.Length != NewText(want).Len() {
		t.Errorf("capture %+v", c)
	}
	if c.Title != "Reuters" || c.URL != "https://example.org/a" {
		t.Errorf("title %q url %q", c.Title, c.URL)
	}
}

func TestNewCaptureRefusesBadInput(t *testing.T) {
	tests := []struct {
		name, text, title, url string
		code, field            string
	}{
		{"empty text", "  \n ", "", "", ECodeEmptyText, "text"},
		{"invalid UTF-8", "a\xffb", "", "", ECodeInvalidUTF8, "text"},
		{"a NUL", "a\x00b", "", "", ECodeControlChar, "text"},
		{"text above the limit", strings.Repeat("a", 101), "", "", ECodeTextTooLarge, "text"},
		{"a title with a control", "text", "a\x07b", "", ECodeControlChar, "title"},
		{"a title too long", "text", strings.Repeat("t", 301), "", ECodeInvalid, "title"},
		{"a URL that is not http", "text", "", "ftp://example.org/x", ECodeInvalid, "url"},
		{"a relative URL", "text", "", "/a/b", ECodeInvalid, "url"},
		{"a javascript URL", "text", "", "javascript:alert(1)", ECodeInvalid, "url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewCapture(tt.text, tt.title, tt.url, 100)
			e, ok := err.(*Error)
			if !ok || e.Code != tt.code || e.Field != tt.field {
				t.Errorf("err = %v, want %s about %s", err, tt.code, tt.field)
			}
		})
	}
}

func TestCaptureRefKnown(t *testing.T) {
	withList := NewSources("Talks began. [1]\n\nReferences\n[1] Reuters.\n[2] AP.")
	bare := NewSources("Talks began. [1] [3]")
	tests := []struct {
		name string
		s    Sources
		n    int
		ok   bool
	}{
		{"an entry of the list", withList, 2, true},
		{"a number the list lacks", withList, 3, false},
		{"without a list, a number a marker carries", bare, 3, true},
		{"without a list, a number no marker carries", bare, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CaptureRefKnown(tt.s, tt.n)
			if tt.ok != (err == nil) || err != nil && ErrorCode(err) != ECodeNotFound {
				t.Errorf("err = %v", err)
			}
		})
	}
}
