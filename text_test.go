package citecheck

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// readFixture reads a file of testdata/ as a string.
func readFixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestNormalizeTextNormalises(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"plain text is kept", "Hello [1].", "Hello [1]."},
		{"leading BOM is dropped", "\uFEFFHello", "Hello"},
		{"only a leading BOM is dropped", "Hi\uFEFFthere", "Hi\uFEFFthere"},
		{"CRLF becomes LF", "a\r\nb\r\n", "a\nb\n"},
		{"lone CR becomes LF", "a\rb\r", "a\nb\n"},
		{"CR CR LF becomes two LF", "a\r\r\nb", "a\n\nb"},
		{"NFC composes e and U+0301", "cafe\u0301", "caf\u00e9"},
		{"NFC keeps q and U+0307 decomposed", "q\u0307", "q\u0307"},
		{"tab is allowed", "a\tb", "a\tb"},
		{"DEL and C1 controls are not C0", "a\u007fb\u0085", "a\u007fb\u0085"},
		{"emoji ZWJ sequence is kept", "👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeText(tt.raw, 0)
			if err != nil {
				t.Fatalf("NormalizeText(%q): %v", tt.raw, err)
			}
			if got != tt.want {
				t.Errorf("NormalizeText(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func TestNormalizeTextRefuses(t *testing.T) {
	tests := []struct {
		name  string
		raw   string
		max   int
		code  string
		inMsg string
	}{
		{"invalid UTF-8", "ab\xffcd", 0, ECodeInvalidUTF8, "byte offset 2"},
		{"truncated UTF-8", "caf\xc3", 0, ECodeInvalidUTF8, "byte offset 3"},
		{"NUL", "ab\x00", 0, ECodeControlChar, "U+0000 at code point offset 2"},
		{"bell after emoji counts code points", "😀é\x07", 0, ECodeControlChar, "U+0007 at code point offset 2"},
		{"escape", "\x1b[31m", 0, ECodeControlChar, "U+001B"},
		{"vertical tab", "a\vb", 0, ECodeControlChar, "U+000B"},
		{"form feed", "a\fb", 0, ECodeControlChar, "U+000C"},
		{"empty", "", 0, ECodeEmptyText, "empty"},
		{"only BOM", "\uFEFF", 0, ECodeEmptyText, "empty"},
		{"whitespace only", " \t\r\n\u00a0\u3000", 0, ECodeEmptyText, "white space"},
		{"too large", strings.Repeat("a", 11), 10, ECodeTextTooLarge, "limit of 10"},
		{"too large by default", strings.Repeat("a", DefaultMaxTextBytes+1), 0, ECodeTextTooLarge, "5242881"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NormalizeText(tt.raw, tt.max)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("NormalizeText: err = %v, want *Error", err)
			}
			if e.Code != tt.code || e.Field != "text" {
				t.Errorf("code, field = %q, %q; want %q, \"text\"", e.Code, e.Field, tt.code)
			}
			if !strings.Contains(e.Message, tt.inMsg) {
				t.Errorf("message %q lacks %q", e.Message, tt.inMsg)
			}
		})
	}
}

func TestNormalizeTextAcceptsExactlyMaxBytes(t *testing.T) {
	if _, err := NormalizeText(strings.Repeat("a", 10), 10); err != nil {
		t.Fatal(err)
	}
}

func TestNormalizeTextKeepsFixturesRoundTripping(t *testing.T) {
	for _, name := range []string{"user-sample.txt", "emoji.txt", "arabic.txt", "quotes.txt", "combining.txt"} {
		t.Run(name, func(t *testing.T) {
			raw := readFixture(t, name)
			once, err := NormalizeText(raw, 0)
			if err != nil {
				t.Fatal(err)
			}
			twice, err := NormalizeText(once, 0)
			if err != nil || twice != once {
				t.Errorf("normalising twice changed the text (err %v)", err)
			}
			if name != "combining.txt" && once != raw {
				t.Errorf("an already normal fixture changed")
			}
		})
	}
}

func TestTextSHA256IsHexOfUTF8Bytes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		if got := TextSHA256(tt.in); got != tt.want {
			t.Errorf("TextSHA256(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeTextIsIdempotentWithSeveralBOMs(t *testing.T) {
	once, err := NormalizeText("\uFEFF\uFEFFx\u00A0y", 0)
	if err != nil {
		t.Fatal(err)
	}
	twice, err := NormalizeText(once, 0)
	if err != nil || once != twice || once != "x\u00A0y" {
		t.Fatalf("once %q, twice %q (%v)", once, twice, err)
	}
}
