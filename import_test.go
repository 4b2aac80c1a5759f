package citecheck

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// importSample is a small valid export: two claims on a text with a marker and a reference list.
func importSample(t *testing.T) *Export {
	t.Helper()
	text := "Émile said “it works” 😀 here.[1] مرحبا\n\nReferences\n[1] Reuters, https://example.org/r\n"
	doc := &Document{ID: 7, Title: "Sample", Text: text, TextSHA256: TextSHA256(text), Length: NewText(text).Len()}
	src := NewSources(text)
	doc.Citations, doc.References = src.Citations, src.List
	tx := NewText(text)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	by := "ed"
	c1 := Claim{ID: 11, Start: 11, End: 21, Refs: []int{1}, Status: StatusSupported, Review: ReviewApproved,
		ReviewedBy: &by, ReviewedAt: &at, CreatedBy: "rita", CreatedAt: at, UpdatedBy: "rita", UpdatedAt: at, Version: 2}
	c2 := Claim{ID: 12, Start: 0, End: 5, Refs: []int{}, Status: StatusCitationNeeded, Review: ReviewPending,
		Note: "who?", CreatedBy: "rita", CreatedAt: at, UpdatedBy: "rita", UpdatedAt: at, Version: 1}
	FillQuote(tx, &c1)
	FillQuote(tx, &c2)
	return BuildExport(doc, []Claim{c2, c1}, at)
}

func TestPrepareImportKeepsTheClaims(t *testing.T) {
	ex := importSample(t)
	doc, claims, err := PrepareImport(ex, 0)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Text != ex.Document.Text || doc.Title != "Sample" || doc.Length != ex.Document.Length ||
		len(doc.Citations) != 1 || doc.References == nil || len(doc.References.Entries) != 1 {
		t.Fatalf("document: %+v", doc)
	}
	if len(claims) != 2 || claims[1].Quote != "“it works”" || claims[1].Review != ReviewApproved ||
		*claims[1].ReviewedBy != "ed" || claims[1].Version != 1 || claims[0].Note != "who?" || claims[0].Prefix != "" {
		t.Fatalf("claims: %+v", claims)
	}
}

func TestPrepareImportTakesTheReferenceListOfTheFile(t *testing.T) {
	ex := importSample(t)
	ex.References.Entries = append(ex.References.Entries, Reference{Number: 2, Text: "AP https://ap.org", Manual: true})
	doc, _, err := PrepareImport(ex, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.References.Entries) != 2 || doc.References.Entries[1].URL != "https://ap.org" {
		t.Fatalf("references: %+v", doc.References)
	}
	ex.References.Entries = append(ex.References.Entries, Reference{Number: 2, Text: "again"})
	if _, _, err := PrepareImport(ex, 0); ErrorCode(err) != ECodeInvalid {
		t.Fatalf("duplicate entry: %v", err)
	}
}

func TestPrepareImportRefusals(t *testing.T) {
	cases := []struct {
		name, code, field, inMessage string
		edit                         func(ex *Export)
	}{
		{"wrong format", ECodeUnsupportedFormat, "format", "", func(ex *Export) { ex.Format = "citecheck/v2" }},
		{"wrong offset unit", ECodeUnsupportedFormat, "offset_unit", "", func(ex *Export) { ex.OffsetUnit = "utf16" }},
		{"wrong hash", ECodeHashMismatch, "document.text_sha256", "", func(ex *Export) { ex.Document.TextSHA256 = strings.Repeat("0", 64) }},
		{"changed text", ECodeHashMismatch, "document.text_sha256", "", func(ex *Export) { ex.Document.Text += "x" }},
		{"text not normalised", ECodeTextNotNormalized, "document.text", "", func(ex *Export) {
			ex.Document.Text = strings.Replace(ex.Document.Text, "É", "E\u0301", 1)
			ex.Document.TextSHA256 = TextSHA256(ex.Document.Text)
		}},
		{"empty text", ECodeEmptyText, "document.text", "", func(ex *Export) { ex.Document.Text = "" }},
		{"wrong length", ECodeInvalid, "document.length", "", func(ex *Export) { ex.Document.Length++ }},
		{"quote mismatch", ECodeQuoteMismatch, "claims[1].quote", "claim 11 (number 2", func(ex *Export) { ex.Claims[1].Quote = "it works" }},
		{"start out of range", ECodeOffsetOutOfRange, "claims[0].start", "claim 12 (number 1", func(ex *Export) { ex.Claims[0].Start = -1 }},
		{"end out of range", ECodeOffsetOutOfRange, "claims[1].end", "claim 11", func(ex *Export) { ex.Claims[1].End = 10000 }},
		{"unknown status", ECodeInvalidStatus, "claims[1].status", "claim 11", func(ex *Export) { ex.Claims[1].Status = "true-ish" }},
		{"unknown review", ECodeInvalid, "claims[1].review", "claim 11", func(ex *Export) { ex.Claims[1].Review = "maybe" }},
		{"bad refs", ECodeInvalidRefs, "claims[1].refs", "claim 11", func(ex *Export) { ex.Claims[1].Refs = []int{0} }},
		{"duplicate ids", ECodeDuplicateClaim, "claims[1].id", "claim 12 is listed twice", func(ex *Export) { ex.Claims[1].ID = 12 }},
		{"control in note", ECodeControlChar, "claims[0].note", "claim 12", func(ex *Export) { ex.Claims[0].Note = "a\x00b" }},
		{"control in comment", ECodeControlChar, "claims[0].review_comment", "", func(ex *Export) { ex.Claims[0].ReviewComment = "a\x1bb" }},
		{"control in title", ECodeControlChar, "document.title", "", func(ex *Export) { ex.Document.Title = "a\nb" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ex := importSample(t)
			tc.edit(ex)
			_, _, err := PrepareImport(ex, 0)
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.Code != tc.code || e.Field != tc.field || !strings.Contains(e.Message, tc.inMessage) {
				t.Fatalf("err = %+v, want code %s field %s message with %q", e, tc.code, tc.field, tc.inMessage)
			}
		})
	}
}

func TestPrepareImportRefusesTextOverTheLimit(t *testing.T) {
	ex := importSample(t)
	if _, _, err := PrepareImport(ex, 20); ErrorCode(err) != ECodeTextTooLarge {
		t.Fatalf("err = %v", err)
	}
}

func TestDecodeExportIsStrict(t *testing.T) {
	good, _ := json.Marshal(importSample(t))
	if _, err := DecodeExport(good); err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]string{
		"empty":         "  ",
		"truncated":     string(good[:len(good)/2]),
		"trailing data": string(good) + "{}",
		"unknown field": `{"format":"citecheck/v1","extra":1}`,
		"wrong type":    `{"format":1}`,
		"not utf-8":     "{\"format\":\"\xff\"}",
	} {
		if _, err := DecodeExport([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if c := ErrorCode(err); c != ECodeMalformed && c != ECodeInvalidUTF8 {
			t.Errorf("%s: code %s", name, c)
		}
	}
}
