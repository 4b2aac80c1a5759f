package formats

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/citecheck/citecheck"
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

// maxImportedQuote is the longest quote an orphan, or the old quote of a fuzzy anchor, may carry
// in code points; the quote of an anchored claim is checked against the text instead.
const maxImportedQuote = 10_000

// DecodeExport reads a native export strictly, with DecodeJSON: valid UTF-8, one JSON object,
// no unknown fields, no member twice, no lone surrogate, nothing after it. Its errors are ECodeMalformed (ECodeInvalidUTF8 for bad bytes).
func DecodeExport(data []byte) (*Export, error) {
	if !utf8.Valid(data) {
		return nil, citecheck.Errorf(citecheck.ECodeInvalidUTF8, "the file is not valid UTF-8")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, citecheck.Errorf(citecheck.ECodeMalformed, "the file is empty; want a citecheck/v1 export")
	}
	var ex Export
	if err := citecheck.DecodeJSON(data, &ex); err != nil {
		return nil, err
	}
	return &ex, nil
}

// PrepareImport checks a native export against itself and turns it into a new document and its
// claims, ready for the store. Nothing in the file is trusted: the text must already be in the
// stored form (normalising it would move every offset) and hash to text_sha256; the markers are
// parsed again from the text; a reference list in the file replaces the detected one (a file
// without one keeps the detected list); every anchored claim's span must lie in the text and its
// quote must be exactly the text of the span, and every claim's refs, status, review, note and
// comment must be valid. Prefix and suffix of an anchored claim are computed again. The summary
// and the claims' checks are ignored, since they follow from the rest.
//
// An orphan (anchor "orphaned") has no position: its start and end are null or absent, and it
// keeps its quote and context, which cannot be checked against a text they are not in; its
// old_quote, when given, must be its quote.
//
// An import never carries sign-off. Every claim comes out pending, with no reviewer and no
// author or times (the store makes the importer its author); what the file said about its
// review, reviewer, authors and dates is moved into Imported, as a record. The claim's id in the
// file is kept only in Imported and to name it in errors. Every refusal is an *Error with a
// code; one about a claim names it by id and position, with a field such as "claims[2].quote".
func PrepareImport(ex *Export, maxTextBytes int) (*citecheck.Document, []citecheck.Claim, error) {
	if ex.Format != ExportFormat {
		return nil, nil, citecheck.FieldErrorf(ECodeUnsupportedFormat, "format",
			"format is %q; only %q exports can be imported", ex.Format, ExportFormat)
	}
	if ex.OffsetUnit != OffsetUnit {
		return nil, nil, citecheck.FieldErrorf(ECodeUnsupportedFormat, "offset_unit",
			"offset_unit is %q; only %q offsets can be imported", ex.OffsetUnit, OffsetUnit)
	}
	doc, t, err := importedDocument(ex, maxTextBytes)
	if err != nil {
		return nil, nil, err
	}
	claims := make([]citecheck.Claim, 0, len(ex.Claims))
	seen := make(map[int64]int, len(ex.Claims))
	for i := range ex.Claims {
		in := &ex.Claims[i]
		if in.ID != 0 {
			if j, dup := seen[in.ID]; dup {
				return nil, nil, citecheck.FieldErrorf(ECodeDuplicateClaim, fmt.Sprintf("claims[%d].id", i),
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
func importedDocument(ex *Export, maxTextBytes int) (*citecheck.Document, *citecheck.Text, error) {
	raw := ex.Document.Text
	text, err := citecheck.NormalizeText(raw, maxTextBytes)
	if err != nil {
		var e *citecheck.Error
		if errors.As(err, &e) {
			return nil, nil, &citecheck.Error{Code: e.Code, Field: "document.text", Message: e.Message}
		}
		return nil, nil, err
	}
	if text != raw {
		return nil, nil, citecheck.FieldErrorf(ECodeTextNotNormalized, "document.text",
			"the text is not in the stored form (no BOM, LF line ends, Unicode NFC); its offsets cannot be trusted")
	}
	if got := citecheck.TextSHA256(text); !strings.EqualFold(ex.Document.TextSHA256, got) {
		return nil, nil, citecheck.FieldErrorf(ECodeHashMismatch, "document.text_sha256",
			"text_sha256 is %q but the text hashes to %q: the text is not the one the claims were made on",
			clip(ex.Document.TextSHA256), got)
	}
	t := citecheck.NewText(text)
	if ex.Document.Length != 0 && ex.Document.Length != t.Len() {
		return nil, nil, citecheck.FieldErrorf(citecheck.ECodeInvalid, "document.length",
			"length is %d but the text has %d code points", ex.Document.Length, t.Len())
	}
	title, err := importedTitle(ex.Document.Title)
	if err != nil {
		return nil, nil, err
	}
	src := citecheck.NewSources(text)
	if ex.References != nil {
		if src, err = src.WithEntries(ex.References.Entries); err != nil {
			var e *citecheck.Error
			if errors.As(err, &e) {
				return nil, nil, &citecheck.Error{Code: e.Code, Field: "references", Message: e.Message}
			}
			return nil, nil, err
		}
	}
	return &citecheck.Document{Title: title, Text: text, TextSHA256: citecheck.TextSHA256(text), Length: t.Len(),
		Citations: src.Citations, References: src.List}, t, nil
}

// importedTitle is the title of an imported document as every door makes it
// (citecheck.DocumentTitle: trimmed, too-long and control characters refused), about
// "document.title"; an empty one becomes "Untitled".
func importedTitle(title string) (string, error) {
	t, err := citecheck.DocumentTitle(title, "")
	if e, ok := err.(*citecheck.Error); ok {
		return "", &citecheck.Error{Code: e.Code, Field: "document.title", Message: e.Message}
	}
	return t, err
}

// importedClaim checks one claim of an export against the text and strips its sign-off into
// its provenance.
func importedClaim(t *citecheck.Text, in *citecheck.Claim) (citecheck.Claim, error) {
	c, err := importedPlace(t, in)
	if err != nil {
		return citecheck.Claim{}, err
	}
	if c.Refs, err = citecheck.NormalizeRefs(in.Refs); err != nil {
		return citecheck.Claim{}, err
	}
	if c.Status, err = citecheck.ParseStatus(string(in.Status)); err != nil {
		return citecheck.Claim{}, err
	}
	if err := checkImportedNote(in.Note); err != nil {
		return citecheck.Claim{}, err
	}
	c.ID, c.Note, c.Version, c.Checks = in.ID, in.Note, 1, []citecheck.Check{}
	if c.Imported, err = citecheck.NativeProvenance(in); err != nil {
		return citecheck.Claim{}, err
	}
	c.Review = citecheck.ReviewPending
	return c, nil
}

// importedPlace checks where an imported claim sits: an anchored claim's span and quote against
// the text (its context is computed again), an orphan's quote and context as they are.
func importedPlace(t *citecheck.Text, in *citecheck.Claim) (citecheck.Claim, error) {
	anchor, err := importedAnchor(in)
	if err != nil {
		return citecheck.Claim{}, err
	}
	if anchor == citecheck.AnchorOrphaned {
		return importedOrphan(in)
	}
	if err := citecheck.ValidateSpan(t, in.Start, in.End); err != nil {
		return citecheck.Claim{}, err
	}
	if got := t.Slice(in.Start, in.End); in.Quote != got {
		return citecheck.Claim{}, citecheck.FieldErrorf(citecheck.ECodeQuoteMismatch, "quote",
			"the quote %q does not match the text at %d..%d, which is %q", clip(in.Quote), in.Start, in.End, clip(got))
	}
	c := citecheck.Claim{Start: in.Start, End: in.End, Anchor: string(anchor), AnchorScore: importedScore(in)}
	if anchor == citecheck.AnchorFuzzy { // the quote the re-anchoring replaced
		if err := citecheck.CheckImportedText("old_quote", in.OldQuote, maxImportedQuote); err != nil {
			return citecheck.Claim{}, err
		}
		c.OldQuote = in.OldQuote
	}
	citecheck.FillQuote(t, &c)
	return c, nil
}

// importedAnchor reads a claim's anchor kind: absent means exact.
func importedAnchor(in *citecheck.Claim) (citecheck.AnchorKind, error) {
	if in.Anchor == "" {
		return citecheck.AnchorExact, nil
	}
	for _, k := range citecheck.AnchorKinds {
		if string(k) == in.Anchor {
			if in.AnchorScore < 0 || in.AnchorScore > 1 {
				return "", citecheck.FieldErrorf(citecheck.ECodeInvalid, "anchor_score", "anchor_score is %v; want 0 to 1", in.AnchorScore)
			}
			return k, nil
		}
	}
	return "", citecheck.FieldErrorf(citecheck.ECodeInvalid, "anchor", "unknown anchor %q: want exact, moved, fuzzy or orphaned", clip(in.Anchor))
}

// importedOrphan checks an orphan of an export: no position, a quote that is some text (and its
// old_quote, when given), and a context no longer than ContextLen.
func importedOrphan(in *citecheck.Claim) (citecheck.Claim, error) {
	if in.Start != 0 || in.End != 0 {
		return citecheck.Claim{}, citecheck.FieldErrorf(citecheck.ECodeInvalid, "start",
			"an orphaned claim has no position in the text: start and end must be null, not %d..%d", in.Start, in.End)
	}
	if strings.TrimFunc(in.Quote, unicode.IsSpace) == "" {
		return citecheck.Claim{}, citecheck.FieldErrorf(citecheck.ECodeEmptySpan, "quote", "an orphaned claim needs the quote it had")
	}
	if in.OldQuote != "" && in.OldQuote != in.Quote {
		return citecheck.Claim{}, citecheck.FieldErrorf(citecheck.ECodeQuoteMismatch, "old_quote",
			"the old_quote %q of an orphan must be its quote %q", clip(in.OldQuote), clip(in.Quote))
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{{"quote", in.Quote, maxImportedQuote}, {"prefix", in.Prefix, citecheck.ContextLen}, {"suffix", in.Suffix, citecheck.ContextLen}} {
		if err := citecheck.CheckImportedText(f.name, f.value, f.max); err != nil {
			return citecheck.Claim{}, err
		}
	}
	return citecheck.Claim{Quote: in.Quote, Prefix: in.Prefix, Suffix: in.Suffix, OldQuote: in.Quote,
		Anchor: string(citecheck.AnchorOrphaned), AnchorScore: importedScore(in)}, nil
}

// importedScore is how sure the claim's last re-anchoring was: as the file says, or certain for
// a file that does not say how the claim was anchored.
func importedScore(in *citecheck.Claim) float64 {
	if in.Anchor == "" {
		return 1
	}
	return in.AnchorScore
}

// checkImportedNote holds a claim's note to the bound every door holds it to (CheckNote:
// too-long about "note") and keeps it printable.
func checkImportedNote(note string) error {
	if err := citecheck.CheckNote(note); err != nil {
		return err
	}
	return citecheck.CheckImportedText("note", note, citecheck.MaxNoteLen)
}

// claimError names the claim at position i (from 0) of an export in err, keeping its code.
func claimError(err error, i int, id int64) error {
	var e *citecheck.Error
	if !errors.As(err, &e) {
		return err
	}
	field := fmt.Sprintf("claims[%d]", i)
	if e.Field != "" {
		field += "." + e.Field
	}
	return &citecheck.Error{Code: e.Code, Field: field,
		Message: fmt.Sprintf("claim %d (number %d in the file): %s", id, i+1, e.Message)}
}
