package citecheck

import (
	"strings"
	"testing"
	"time"
)

func BenchmarkParseCitations1MB(b *testing.B) {
	text := buildMegabyteText()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		ParseCitations(text)
	}
}

// BenchmarkParseCitationsFloor1MB is the floor ParseCitations is measured against: the same
// IndexByte scan for '[' and a parse of the digits after it, with nothing kept.
func BenchmarkParseCitationsFloor1MB(b *testing.B) {
	text := buildMegabyteText()
	b.SetBytes(int64(len(text)))
	sink := 0
	for b.Loop() {
		for i := 0; i < len(text); {
			j := strings.IndexByte(text[i:], '[')
			if j < 0 {
				break
			}
			i += j + 1
			for i < len(text) && text[i] >= '0' && text[i] <= '9' {
				sink += int(text[i] - '0')
				i++
			}
		}
	}
	if sink < 0 {
		b.Fatal(sink)
	}
}

func BenchmarkNewText1MB(b *testing.B) {
	text := buildMegabyteText()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		NewText(text)
	}
}

func BenchmarkNormalizeText1MB(b *testing.B) {
	text := buildMegabyteText()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := NormalizeText(text, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseCitationsIsLinearOnAdversarialText(t *testing.T) {
	tests := []struct{ name, unit string }{
		{"open brackets", "["},
		{"unclosed lists", "[1,2,3,4,5,6,7,8,9,10,"},
		{"unclosed ranges", "[1-999, 1-999, "},
		{"nested brackets", "[[[[1]]]]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Repeat(tt.unit, (5<<20)/len(tt.unit))
			start := time.Now()
			ParseCitations(text)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("5 MB took %v", d)
			}
		})
	}
}
