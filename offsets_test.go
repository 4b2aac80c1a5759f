package citecheck

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestOffsetConversionsKnownValues(t *testing.T) {
	// "a😀é" + "ب": a (1 byte, 1 unit), 😀 (4 bytes, 2 units), é (2 bytes, 1 unit), ب (2 bytes, 1 unit).
	s := "a😀éب"
	tests := []struct {
		name              string
		cp, bytes, utf16s int
	}{
		{"start", 0, 0, 0},
		{"after ASCII", 1, 1, 1},
		{"after emoji", 2, 5, 3},
		{"after e acute", 3, 7, 4},
		{"end", 4, 9, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CodePointToByte(s, tt.cp); got != tt.bytes {
				t.Errorf("CodePointToByte(%d) = %d, want %d", tt.cp, got, tt.bytes)
			}
			if got := ByteToCodePoint(s, tt.bytes); got != tt.cp {
				t.Errorf("ByteToCodePoint(%d) = %d, want %d", tt.bytes, got, tt.cp)
			}
			if got := CodePointToUTF16(s, tt.cp); got != tt.utf16s {
				t.Errorf("CodePointToUTF16(%d) = %d, want %d", tt.cp, got, tt.utf16s)
			}
			if got := UTF16ToCodePoint(s, tt.utf16s); got != tt.cp {
				t.Errorf("UTF16ToCodePoint(%d) = %d, want %d", tt.utf16s, got, tt.cp)
			}
			txt := NewText(s)
			if got := txt.ByteOffset(tt.cp); got != tt.bytes {
				t.Errorf("Text.ByteOffset(%d) = %d, want %d", tt.cp, got, tt.bytes)
			}
			if got := txt.CodePointOffset(tt.bytes); got != tt.cp {
				t.Errorf("Text.CodePointOffset(%d) = %d, want %d", tt.bytes, got, tt.cp)
			}
		})
	}
}

func TestOffsetConversionsRoundDownInsideACodePoint(t *testing.T) {
	s := "a😀b"
	tests := []struct {
		name string
		got  int
		want int
	}{
		{"UTF-16 inside a surrogate pair", UTF16ToCodePoint(s, 2), 1},
		{"byte inside a 4-byte rune", ByteToCodePoint(s, 3), 1},
		{"Text byte inside a 4-byte rune", NewText(s).CodePointOffset(4), 1},
		{"UTF-16 past the end clamps", UTF16ToCodePoint(s, 99), 3},
		{"code point past the end clamps", CodePointToByte(s, 99), 6},
		{"negative code point clamps", CodePointToUTF16(s, -1), 0},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, tt.got, tt.want)
		}
	}
}

// checkRoundTrips verifies every conversion at every code point of s against the standard library.
func checkRoundTrips(t *testing.T, s string) {
	t.Helper()
	txt := NewText(s)
	if txt.Len() != utf8.RuneCountInString(s) || txt.String() != s {
		t.Fatalf("Len = %d, want %d", txt.Len(), utf8.RuneCountInString(s))
	}
	b, u := 0, 0
	runes := []rune(s)
	for cp := 0; cp <= len(runes); cp++ {
		if got := txt.ByteOffset(cp); got != b {
			t.Fatalf("ByteOffset(%d) = %d, want %d", cp, got, b)
		}
		if got := txt.CodePointOffset(b); got != cp {
			t.Fatalf("CodePointOffset(%d) = %d, want %d", b, got, cp)
		}
		if got := CodePointToByte(s, cp); got != b {
			t.Fatalf("CodePointToByte(%d) = %d, want %d", cp, got, b)
		}
		if got := ByteToCodePoint(s, b); got != cp {
			t.Fatalf("ByteToCodePoint(%d) = %d, want %d", b, got, cp)
		}
		if got := CodePointToUTF16(s, cp); got != u {
			t.Fatalf("CodePointToUTF16(%d) = %d, want %d", cp, got, u)
		}
		if got := UTF16ToCodePoint(s, u); got != cp {
			t.Fatalf("UTF16ToCodePoint(%d) = %d, want %d", u, got, cp)
		}
		if got := txt.Slice(0, cp); got != string(runes[:cp]) {
			t.Fatalf("Slice(0, %d) = %q", cp, got)
		}
		if cp < len(runes) {
			b += utf8.RuneLen(runes[cp])
			u += len(utf16.Encode(runes[cp : cp+1]))
		}
	}
	if u != len(utf16.Encode(runes)) {
		t.Fatalf("UTF-16 length %d, want %d", u, len(utf16.Encode(runes)))
	}
}

func TestOffsetConversionsRoundTripOverFixtures(t *testing.T) {
	for _, name := range []string{"user-sample.txt", "emoji.txt", "arabic.txt", "quotes.txt", "combining.txt"} {
		t.Run(name, func(t *testing.T) {
			checkRoundTrips(t, readFixture(t, name))
		})
	}
}

func TestOffsetConversionsRoundTripOverMixedScripts(t *testing.T) {
	tests := []struct{ name, s string }{
		{"empty", ""},
		{"ASCII", "plain [1] text"},
		{"surrogate pairs", "😀😃🇸🇾🏳️\u200d🌈"},
		{"ZWJ family", "👨\u200d👩\u200d👧\u200d👦"},
		{"Arabic", "قال المتحدث [12]"},
		{"combining marks", "e\u0301q\u0307Z\u0351\u0352"},
		{"long non-ASCII crosses checkpoints", strings.Repeat("é😀a", 200)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkRoundTrips(t, tt.s) })
	}
}

func TestTextSliceByCodePoints(t *testing.T) {
	txt := NewText("👍🏽 يا café")
	tests := []struct {
		start, end int
		want       string
	}{
		{0, 2, "👍🏽"},
		{3, 5, "يا"},
		{6, 10, "café"},
		{0, 0, ""},
		{5, 3, ""},
	}
	for _, tt := range tests {
		if got := txt.Slice(tt.start, tt.end); got != tt.want {
			t.Errorf("Slice(%d, %d) = %q, want %q", tt.start, tt.end, got, tt.want)
		}
	}
}

// buildMegabyteText builds about 1 MB of mixed-script text with a citation marker in every
// sentence and an emoji every few sentences, so that code points, bytes and UTF-16 units differ.
func buildMegabyteText() string {
	sentences := []string{
		"The ministers agreed that talks should start. [%d] ",
		"Syrian Kurds[%d] were not included. ",
		"قال المتحدث إن المفاوضات مستمرة [%d] ",
		"Family 👨\u200d👩\u200d👧 and flags 🇸🇾 were seen.[%d, %d] ",
		"The café in Réunion “served” `tea`.[%d–%d]\n\n",
	}
	var b strings.Builder
	for i := 0; b.Len() < 1<<20; i++ {
		s := sentences[i%len(sentences)]
		n := i%300 + 1
		switch strings.Count(s, "%d") {
		case 1:
			s = strings.Replace(s, "%d", strconv.Itoa(n), 1)
		case 2:
			s = strings.Replace(strings.Replace(s, "%d", strconv.Itoa(n), 1), "%d", strconv.Itoa(n+2), 1)
		}
		b.WriteString(s)
	}
	return b.String()
}

func TestMegabyteTextOffsetsAndMarkers(t *testing.T) {
	s := buildMegabyteText()
	if _, err := NormalizeText(s, 0); err != nil {
		t.Fatal(err)
	}
	txt := NewText(s)
	runes := []rune(s)
	if txt.Len() != len(runes) {
		t.Fatalf("Len = %d, want %d", txt.Len(), len(runes))
	}
	b := 0
	for cp := 0; cp < len(runes); cp++ {
		if cp%97 == 0 {
			if got := txt.ByteOffset(cp); got != b {
				t.Fatalf("ByteOffset(%d) = %d, want %d", cp, got, b)
			}
			if got := txt.CodePointOffset(b); got != cp {
				t.Fatalf("CodePointOffset(%d) = %d, want %d", b, got, cp)
			}
		}
		b += utf8.RuneLen(runes[cp])
	}
	cits := ParseCitations(s)
	if want := strings.Count(s, "["); len(cits) != want {
		t.Fatalf("found %d markers, want %d", len(cits), want)
	}
	for _, c := range cits {
		m := string(runes[c.Start:c.End])
		if txt.Slice(c.Start, c.End) != m || m[0] != '[' || m[len(m)-1] != ']' {
			t.Fatalf("marker %+v slices to %q", c, m)
		}
	}
}
