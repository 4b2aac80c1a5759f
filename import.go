package citecheck

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// The error codes of an import that is refused.
const (
	// ECodeHashMismatch refuses an export whose text_sha256 is not the hash of its text.
	ECodeHashMismatch = "hash-mismatch"
	// ECodeUnsupportedFormat refuses a file that is not a citecheck/v1 export with code point offsets.
	ECodeUnsupportedFormat = "unsupported-format"
	// ECodeTextNotNormalized refuses an export whose text is not in the form the server stores,
	// since its offsets would no longer count the same code points after normalisation.
	ECodeTextNotNormalized = "text-not-normalized"
	// ECodeDuplicateClaim refuses an export that lists the same claim id twice.
	ECodeDuplicateClaim = "duplicate-claim"
)

// maxImportedNote is the longest note or review comment an import accepts, in code points, as
// the API accepts for a note.
const maxImportedNote = 10000

// DecodeExport reads a native export strictly, with DecodeJSON: valid UTF-8, one JSON object,
// no unknown fields, no member twice, no lone surrogate, nothing after it. Its errors are ECodeMalformed (ECodeInvalidUTF8 for bad bytes).
func DecodeExport(data []byte) (*Export, error) {
	if !utf8.Valid(data) {
		return nil, Errorf(ECodeInvalidUTF8, "the file is not valid UTF-8")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, Errorf(ECodeMalformed, "the file is empty; want a citecheck/v1 export")
	}
	var ex Export
	if err := DecodeJSON(data, &ex); err != nil {
		return nil, err
	}
	return &ex, nil
}

// PrepareImport checks a native export against itself and turns it into a new document and its
// claims, ready for the store. Nothing in the file is trusted: the text must already be in the
// stored form (normalising it would move every offset) and hash to text_sha256; the markers are
// parsed again from the text; a reference list in the file replaces the detected one (a file
// without one keeps the detected list); every claim's span must lie in the text, its quote must
// be exactly the text of the span, and its refs, status, review, note and comment must be valid.
// Prefix and suffix are computed again. The summary and the claims' checks are ignored, since
// they follow from the rest.
//
// Claims keep their ids (only to name them in errors; the store gives new ones), their times and
// the names of their creator, last editor and reviewer, which the store resolves. Every refusal
// is an *Error with a code; one about a claim names it by id and position, with a field such as
// "claims[2].quote".
func PrepareImport(ex *Export, maxTextBytes int) (*Document, []Claim, error) {
	if ex.Format != ExportFormat {
		return nil, nil, FieldErrorf(ECodeUnsupportedFormat, "format",
			"format is %q; only %q exports can be imported", ex.Format, ExportFormat)
	}
	if ex.OffsetUnit != OffsetUnit {
		return nil, nil, FieldErrorf(ECodeUnsupportedFormat, "offset_unit",
			"offset_unit is %q; only %q offsets can be imported", ex.OffsetUnit, OffsetUnit)
	}
	doc, t, err := importedDocument(ex, maxTextBytes)
	if err != nil {
		return nil, nil, err
	}
	claims := make([]Claim, 0, len(ex.Claims))
	seen := make(map[int64]int, len(ex.Claims))
	for i := range ex.Claims {
		in := &ex.Claims[i]
		if in.ID != 0 {
			if j, dup := seen[in.ID]; dup {
				return nil, nil, FieldErrorf(ECodeDuplicateClaim, fmt.Sprintf("claims[%d].id", i),
					"claim %d is listed twice, at positions %d and %d", in.ID, j+1, i+1)
			}
			seen[in.ID] = i
		}
		c, err := importedClaim(t, in)
		if err != nil {
			return nil, nil, claimError(err, i, in.ID)
		}
		claims = append(claims, c)
	}
	return doc, claims, nil
}

// importedDocument checks the document part of an export and parses its sources.
func importedDocument(ex *Export, maxTextBytes int) (*Document, *Text, error) {
	raw := ex.Document.Text
	text, err := NormalizeText(raw, maxTextBytes)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return nil, nil, &Error{Code: e.Code, Field: "document.text", Message: e.Message}
		}
		return nil, nil, err
	}
	if text != raw {
		return nil, nil, FieldErrorf(ECodeTextNotNormalized, "document.text",
			"the text is not in the stored form (no BOM, LF line ends, Unicode NFC); its offsets cannot be trusted")
	}
	if got := TextSHA256(text); !strings.EqualFold(ex.Document.TextSHA256, got) {
		return nil, nil, FieldErrorf(ECodeHashMismatch, "document.text_sha256",
			"text_sha256 is %q but the text hashes to %q: the text is not the one the claims were made on",
			clip(ex.Document.TextSHA256), got)
	}
	t := NewText(text)
	if ex.Document.Length != 0 && ex.Document.Length != t.Len() {
		return nil, nil, FieldErrorf(ECodeInvalid, "document.length",
			"length is %d but the text has %d code points", ex.Document.Length, t.Len())
	}
	title, err := importedTitle(ex.Document.Title)
	if err != nil {
		return nil, nil, err
	}
	src := NewSources(text)
	if ex.References != nil {
		if src, err = src.WithEntries(ex.References.Entries); err != nil {
			var e *Error
			if errors.As(err, &e) {
				return nil, nil, &Error{Code: e.Code, Field: "references", Message: e.Message}
			}
			return nil, nil, err
		}
	}
	return &Document{Title: title, Text: text, TextSHA256: TextSHA256(text), Length: t.Len(),
		Citations: src.Citations, References: src.List}, t, nil
}

// importedTitle trims a title and refuses one with control characters or over 300 characters;
// an empty one becomes "Untitled".
func importedTitle(title string) (string, error) {
	title = strings.TrimSpace(title)
	if utf8.RuneCountInString(title) > 300 {
		return "", FieldErrorf(ECodeInvalid, "document.title", "the title is longer than 300 characters")
	}
	for _, r := range title {
		if r < 0x20 || r == 0x7f {
			return "", FieldErrorf(ECodeControlChar, "document.title", "the title holds the control character U+%04X", r)
		}
	}
	if title == "" {
		return "Untitled", nil
	}
	return title, nil
}

// importedClaim checks one claim of an export against the text.
func importedClaim(t *Text, in *Claim) (Claim, error) {
	if err := ValidateSpan(t, in.Start, in.End); err != nil {
		return Claim{}, err
	}
	if got := t.Slice(in.Start, in.End); in.Quote != got {
		return Claim{}, FieldErrorf(ECodeQuoteMismatch, "quote",
			"the quote %q does not match the text at %d..%d, which is %q", clip(in.Quote), in.Start, in.End, clip(got))
	}
	refs, err := NormalizeRefs(in.Refs)
	if err != nil {
		return Claim{}, err
	}
	status, err := ParseStatus(string(in.Status))
	if err != nil {
		return Claim{}, err
	}
	review := ReviewPending
	if in.Review != "" {
		if review, err = ParseReview(string(in.Review)); err != nil {
			return Claim{}, err
		}
	}
	if err := validateImportedNote("note", in.Note); err != nil {
		return Claim{}, err
	}
	if err := validateImportedNote("review_comment", in.ReviewComment); err != nil {
		return Claim{}, err
	}
	c := Claim{ID: in.ID, Start: in.Start, End: in.End, Refs: refs, Status: status, Note: in.Note,
		Review: review, ReviewComment: in.ReviewComment, ReviewedBy: in.ReviewedBy, ReviewedAt: in.ReviewedAt,
		CreatedBy: in.CreatedBy, CreatedAt: in.CreatedAt, UpdatedBy: in.UpdatedBy, UpdatedAt: in.UpdatedAt,
		Version: 1, Checks: []Check{}}
	FillQuote(t, &c)
	return c, nil
}

// validateImportedNote keeps a note or comment printable and bounded, as the API does.
func validateImportedNote(field, s string) error {
	if utf8.RuneCountInString(s) > maxImportedNote {
		return FieldErrorf(ECodeInvalid, field, "%s is longer than %d characters", field, maxImportedNote)
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return FieldErrorf(ECodeControlChar, field, "%s holds the control character U+%04X", field, r)
		}
	}
	return nil
}

// claimError names the claim at position i (from 0) of an export in err, keeping its code.
func claimError(err error, i int, id int64) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	field := fmt.Sprintf("claims[%d]", i)
	if e.Field != "" {
		field += "." + e.Field
	}
	return &Error{Code: e.Code, Field: field,
		Message: fmt.Sprintf("claim %d (number %d in the file): %s", id, i+1, e.Message)}
}
