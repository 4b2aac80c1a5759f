package formats

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

// importSample is a small valid export: two claims on a text with a marker and a reference list.
func importSample(t *testing.T) *Export {
	t.Helper()
	text := "Émile said “it works” 😀 here.[1] مرحبا\n\nReferences\n[1] Reuters, https://example.org/r\n"
	doc := &citecheck.Document{ID: 7, Title: "Sample", Text: text, TextSHA256: citecheck.TextSHA256(text), Length: citecheck.NewText(text).Len()}
	src := citecheck.NewSources(text)
	doc.Citations, doc.References = src.Citations, src.List
	tx := citecheck.NewText(text)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	by := "ed"
	c1 := citecheck.Claim{ID: 11, Start: 11, End: 21, Refs: []int{1}, Status: citecheck.StatusSupported, Review: citecheck.ReviewApproved,
		ReviewedBy: &by, ReviewedAt: &at, CreatedBy: "rita", CreatedAt: at, UpdatedBy: "rita", UpdatedAt: at, Version: 2}
	c2 := citecheck.Claim{ID: 12, Start: 0, End: 5, Refs: []int{}, Status: citecheck.StatusCitationNeeded, Review: citecheck.ReviewPending,
		Note: "who?", CreatedBy: "rita", CreatedAt: at, UpdatedBy: "rita", UpdatedAt: at, Version: 1}
	citecheck.FillQuote(tx, &c1)
	citecheck.FillQuote(tx, &c2)
	return BuildExport(doc, []citecheck.Claim{c2, c1}, at)
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
	if len(claims) != 2 || claims[1].Quote != "“it works”" || claims[1].Version != 1 || claims[0].Note != "who?" ||
		claims[0].Prefix != "" || claims[1].Status != citecheck.StatusSupported || claims[1].Anchor != "exact" {
		t.Fatalf("claims: %+v", claims)
	}
}

// TestPrepareImportNeverCarriesSignOff: whatever a file says of a claim's review, reviewer,
// authors and times, the prepared claim is pending with none of them, and the file's word is
// kept in its provenance only.
func TestPrepareImportNeverCarriesSignOff(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rita, nobody := "rita", "nobody"
	cases := []struct {
		name string
		edit func(c *citecheck.Claim)
		want citecheck.Provenance
	}{
		{"self-approved by a reviewer", func(c *citecheck.Claim) {
			c.Review, c.ReviewedBy, c.ReviewedAt, c.CreatedBy, c.UpdatedBy = citecheck.ReviewApproved, &rita, &at, "rita", "rita"
		}, citecheck.Provenance{FromFormat: citecheck.FromNative, SourceID: "11", Review: citecheck.ReviewApproved, ReviewedBy: "rita", ReviewedAt: &at,
			CreatedBy: "rita", CreatedAt: &at, UpdatedBy: "rita", UpdatedAt: &at}},
		{"approved by an unknown reviewer", func(c *citecheck.Claim) {
			c.Review, c.ReviewedBy = citecheck.ReviewApproved, &nobody
		}, citecheck.Provenance{FromFormat: citecheck.FromNative, SourceID: "11", Review: citecheck.ReviewApproved, ReviewedBy: "nobody",
			ReviewedAt: &at, CreatedBy: "rita", CreatedAt: &at, UpdatedBy: "rita", UpdatedAt: &at}},
		{"rejected without a comment", func(c *citecheck.Claim) {
			c.Review, c.ReviewComment = citecheck.ReviewRejected, ""
		}, citecheck.Provenance{FromFormat: citecheck.FromNative, SourceID: "11", Review: citecheck.ReviewRejected, ReviewedBy: "ed", ReviewedAt: &at,
			CreatedBy: "rita", CreatedAt: &at, UpdatedBy: "rita", UpdatedAt: &at}},
		{"no authors nor times", func(c *citecheck.Claim) {
			c.Review, c.ReviewedBy, c.ReviewedAt, c.CreatedBy, c.UpdatedBy = "", nil, nil, "", ""
			c.CreatedAt, c.UpdatedAt = time.Time{}, time.Time{}
		}, citecheck.Provenance{FromFormat: citecheck.FromNative, SourceID: "11", Review: citecheck.ReviewPending}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ex := importSample(t)
			tc.edit(&ex.Claims[1])
			_, claims, err := PrepareImport(ex, 0)
			if err != nil {
				t.Fatal(err)
			}
			c := claims[1]
			if c.Review != citecheck.ReviewPending || c.ReviewComment != "" || c.ReviewedBy != nil || c.ReviewedAt != nil ||
				c.CreatedBy != "" || c.UpdatedBy != "" || !c.CreatedAt.IsZero() || !c.UpdatedAt.IsZero() {
				t.Fatalf("live sign-off kept: %+v", c)
			}
			if c.Imported == nil || !reflect.DeepEqual(*c.Imported, tc.want) {
				t.Fatalf("provenance %+v, want %+v", c.Imported, tc.want)
			}
		})
	}
}

// TestPrepareImportKeepsOrphans: an orphan of the file (anchor orphaned, no position) comes in
// as an orphan with its quote and context, which are not checked against the text; a position,
// a quote that is no text, or an old_quote that is not its quote are refused.
func TestPrepareImportKeepsOrphans(t *testing.T) {
	orphan := func(ex *Export) *citecheck.Claim {
		ex.Claims = append(ex.Claims, citecheck.Claim{ID: 13, Quote: "a sentence that is gone", Prefix: "before ",
			Suffix: " after", OldQuote: "a sentence that is gone", Anchor: "orphaned", AnchorScore: 0.4,
			Refs: []int{1}, Status: citecheck.StatusSupported, Review: citecheck.ReviewApproved})
		return &ex.Claims[len(ex.Claims)-1]
	}
	ex := importSample(t)
	orphan(ex)
	b, err := json.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"anchor":"orphaned","anchor_score":0.4,"old_quote":"a sentence that is gone"`) ||
		!strings.Contains(string(b), `"start":null,"end":null`) {
		t.Fatalf("the orphan is not written without a position: %s", b)
	}
	back, err := DecodeExport(b)
	if err != nil {
		t.Fatal(err)
	}
	_, claims, err := PrepareImport(back, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := claims[2]
	if c.Anchor != "orphaned" || c.Quote != "a sentence that is gone" || c.Prefix != "before " || c.Suffix != " after" ||
		c.OldQuote != c.Quote || c.Start != 0 || c.End != 0 || c.Review != citecheck.ReviewPending || c.Imported.Review != citecheck.ReviewApproved ||
		!c.IsOrphan(1) {
		t.Fatalf("orphan %+v", c)
	}
	for _, tc := range []struct {
		name, code, field string
		edit              func(c *citecheck.Claim)
	}{
		{"a position", citecheck.ECodeInvalid, "claims[2].start", func(c *citecheck.Claim) { c.Start, c.End = 0, 5 }},
		{"an empty quote", citecheck.ECodeEmptySpan, "claims[2].quote", func(c *citecheck.Claim) { c.Quote, c.OldQuote = " ", "" }},
		{"another old quote", citecheck.ECodeQuoteMismatch, "claims[2].old_quote", func(c *citecheck.Claim) { c.OldQuote = "else" }},
		{"a long context", citecheck.ECodeTooLong, "claims[2].prefix", func(c *citecheck.Claim) { c.Prefix = strings.Repeat("x", citecheck.ContextLen+1) }},
		{"an unknown anchor", citecheck.ECodeInvalid, "claims[2].anchor", func(c *citecheck.Claim) { c.Anchor = "lost" }},
		{"a score above 1", citecheck.ECodeInvalid, "claims[2].anchor_score", func(c *citecheck.Claim) { c.AnchorScore = 2 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ex := importSample(t)
			tc.edit(orphan(ex))
			_, _, err := PrepareImport(ex, 0)
			if e, ok := err.(*citecheck.Error); !ok || e.Code != tc.code || e.Field != tc.field {
				t.Fatalf("err = %v, want %s about %s", err, tc.code, tc.field)
			}
		})
	}
}

func TestPrepareImportTakesTheReferenceListOfTheFile(t *testing.T) {
	ex := importSample(t)
	ex.References.Entries = append(ex.References.Entries, citecheck.Reference{Number: 2, Text: "AP https://ap.org", Manual: true})
	doc, _, err := PrepareImport(ex, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.References.Entries) != 2 || doc.References.Entries[1].URL != "https://ap.org" {
		t.Fatalf("references: %+v", doc.References)
	}
	ex.References.Entries = append(ex.References.Entries, citecheck.Reference{Number: 2, Text: "again"})
	if _, _, err := PrepareImport(ex, 0); citecheck.ErrorCode(err) != citecheck.ECodeInvalid {
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
			ex.Document.TextSHA256 = citecheck.TextSHA256(ex.Document.Text)
		}},
		{"empty text", citecheck.ECodeEmptyText, "document.text", "", func(ex *Export) { ex.Document.Text = "" }},
		{"wrong length", citecheck.ECodeInvalid, "document.length", "", func(ex *Export) { ex.Document.Length++ }},
		{"quote mismatch", citecheck.ECodeQuoteMismatch, "claims[1].quote", "claim 11 (number 2", func(ex *Export) { ex.Claims[1].Quote = "it works" }},
		{"start out of range", citecheck.ECodeOffsetOutOfRange, "claims[0].start", "claim 12 (number 1", func(ex *Export) { ex.Claims[0].Start = -1 }},
		{"end out of range", citecheck.ECodeOffsetOutOfRange, "claims[1].end", "claim 11", func(ex *Export) { ex.Claims[1].End = 10000 }},
		{"unknown status", citecheck.ECodeInvalidStatus, "claims[1].status", "claim 11", func(ex *Export) { ex.Claims[1].Status = "true-ish" }},
		{"unknown review", citecheck.ECodeInvalid, "claims[1].review", "claim 11", func(ex *Export) { ex.Claims[1].Review = "maybe" }},
		{"bad refs", citecheck.ECodeInvalidRefs, "claims[1].refs", "claim 11", func(ex *Export) { ex.Claims[1].Refs = []int{0} }},
		{"duplicate ids", ECodeDuplicateClaim, "claims[1].id", "claim 12 is listed twice", func(ex *Export) { ex.Claims[1].ID = 12 }},
		{"control in note", citecheck.ECodeControlChar, "claims[0].note", "claim 12", func(ex *Export) { ex.Claims[0].Note = "a\x00b" }},
		{"control in comment", citecheck.ECodeControlChar, "claims[0].review_comment", "", func(ex *Export) { ex.Claims[0].ReviewComment = "a\x1bb" }},
		{"control in reviewer", citecheck.ECodeControlChar, "claims[1].reviewed_by", "", func(ex *Export) { s := "e\x00d"; ex.Claims[1].ReviewedBy = &s }},
		{"control in title", citecheck.ECodeControlChar, "document.title", "", func(ex *Export) { ex.Document.Title = "a\nb" }},
		// Past a bound, a file answers too-long as every other door does (limits.go).
		{"long note", citecheck.ECodeTooLong, "claims[0].note", "claim 12", func(ex *Export) { ex.Claims[0].Note = strings.Repeat("ü", citecheck.MaxNoteLen+1) }},
		{"long comment", citecheck.ECodeTooLong, "claims[0].review_comment", "claim 12", func(ex *Export) {
			ex.Claims[0].ReviewComment = strings.Repeat("ü", citecheck.MaxCommentLen+1)
		}},
		{"long title", citecheck.ECodeTooLong, "document.title", "", func(ex *Export) { ex.Document.Title = strings.Repeat("ü", citecheck.MaxTitleLen+1) }},
		{"long reviewer", citecheck.ECodeTooLong, "claims[1].reviewed_by", "", func(ex *Export) {
			s := strings.Repeat("e", citecheck.MaxImportedName+1)
			ex.Claims[1].ReviewedBy = &s
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ex := importSample(t)
			tc.edit(ex)
			_, _, err := PrepareImport(ex, 0)
			e, ok := err.(*citecheck.Error)
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
	if _, _, err := PrepareImport(ex, 20); citecheck.ErrorCode(err) != citecheck.ECodeTextTooLarge {
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
		} else if c := citecheck.ErrorCode(err); c != citecheck.ECodeMalformed && c != citecheck.ECodeInvalidUTF8 {
			t.Errorf("%s: code %s", name, c)
		}
	}
}
