package citecheck

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// wantError fails unless err is an *Error with the given code and field.
func wantError(t *testing.T, err error, code, field string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want *Error %s", err, code)
	}
	if e.Code != code || e.Field != field {
		t.Fatalf("err = %v, want code %q field %q", err, code, field)
	}
	return e
}

func TestValidateSpan(t *testing.T) {
	txt := NewText("😀 ab  \n\t cd") // 11 code points
	tests := []struct {
		name       string
		start, end int
		code       string // "" for accepted
		field      string
	}{
		{"whole text", 0, 11, "", ""},
		{"one emoji", 0, 1, "", ""},
		{"last code point", 10, 11, "", ""},
		{"negative start", -1, 3, ECodeOffsetOutOfRange, "start"},
		{"start at length", 11, 12, ECodeOffsetOutOfRange, "start"},
		{"end past length", 2, 12, ECodeOffsetOutOfRange, "end"},
		{"empty span", 3, 3, ECodeOffsetOutOfRange, "end"},
		{"reversed span", 4, 2, ECodeOffsetOutOfRange, "end"},
		{"space only", 4, 9, ECodeEmptySpan, "start"},
		{"single space", 1, 2, ECodeEmptySpan, "start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateSpan(txt, tt.start, tt.end)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("ValidateSpan(%d, %d) = %v", tt.start, tt.end, err)
				}
				return
			}
			e := wantError(t, err, tt.code, tt.field)
			if tt.code == ECodeOffsetOutOfRange && !strings.Contains(e.Message, "11 code points") {
				t.Errorf("message %q does not give the text length", e.Message)
			}
		})
	}
}

func TestCheckQuote(t *testing.T) {
	txt := NewText("The caf\u00e9 said “yes”.\nNext 👍🏽")
	tests := []struct {
		name       string
		start, end int
		quote      string
		ok         bool
	}{
		{"exact", 4, 8, "caf\u00e9", true},
		{"decomposed accent matches NFC text", 4, 8, "cafe\u0301", true},
		{"curly quotes", 14, 19, "“yes”", true},
		{"CRLF matches LF", 19, 25, ".\r\nNext", true},
		{"emoji with modifier", 26, 28, "👍🏽", true},
		{"straight quotes differ", 14, 19, "\"yes\"", false},
		{"off by one", 4, 8, "cafe", false},
		{"empty quote", 4, 8, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckQuote(txt, tt.start, tt.end, tt.quote)
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantError(t, err, ECodeQuoteMismatch, "quote")
		})
	}
}

func TestNormalizeRefs(t *testing.T) {
	tests := []struct {
		name string
		in   []int
		want []int // nil when refused
	}{
		{"nil is empty", nil, []int{}},
		{"empty", []int{}, []int{}},
		{"sorted", []int{31, 30, 45}, []int{30, 31, 45}},
		{"zero refused", []int{0}, nil},
		{"negative refused", []int{3, -1}, nil},
		{"duplicate refused", []int{30, 31, 30}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]int(nil), tt.in...)
			got, err := NormalizeRefs(tt.in)
			if tt.want == nil {
				wantError(t, err, ECodeInvalidRefs, "refs")
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("NormalizeRefs(%v) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if !slices.Equal(in, tt.in) {
				t.Errorf("NormalizeRefs changed its argument")
			}
		})
	}
}

func TestFillQuoteAtTextEdges(t *testing.T) {
	text := "😀" + strings.Repeat("a", 40) + "é" + strings.Repeat("b", 40) + "👍🏽"
	txt := NewText(text) // 1 + 40 + 1 + 40 + 2 = 84 code points
	tests := []struct {
		name                  string
		start, end            int
		quote, prefix, suffix string
	}{
		{"whole text", 0, 84, text, "", ""},
		{"at the start", 0, 1, "😀", "", strings.Repeat("a", 32)},
		{"at the end", 82, 84, "👍🏽", strings.Repeat("b", 32), ""},
		{"short prefix", 3, 5, "aa", "😀aa", strings.Repeat("a", 32)},
		{"middle", 41, 42, "é", strings.Repeat("a", 32), strings.Repeat("b", 32)},
		{"short suffix", 80, 82, "bb", strings.Repeat("b", 32), "👍🏽"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Claim{Start: tt.start, End: tt.end}
			FillQuote(txt, &c)
			if c.Quote != tt.quote || c.Prefix != tt.prefix || c.Suffix != tt.suffix {
				t.Errorf("got quote %q prefix %q suffix %q; want %q %q %q",
					c.Quote, c.Prefix, c.Suffix, tt.quote, tt.prefix, tt.suffix)
			}
		})
	}
}
