package citecheck

import "testing"

func BenchmarkParseCitations1MB(b *testing.B) {
	text := buildMegabyteText()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		ParseCitations(text)
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
