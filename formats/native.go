package formats

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/citecheck/citecheck"
)

// ExportFormat names the native export format; OffsetUnit says what its offsets count.
const (
	ExportFormat = "citecheck/v1"
	OffsetUnit   = "codepoint"
)

// Export is the native JSON export of one document with its citations and claims.
type Export struct {
	Format     string                   `json:"format"`
	ExportedAt time.Time                `json:"exported_at"`
	OffsetUnit string                   `json:"offset_unit"`
	Document   ExportDocument           `json:"document"`
	Citations  []citecheck.Citation     `json:"citations"`
	References *citecheck.ReferenceList `json:"references"`
	Claims     []citecheck.Claim        `json:"claims"`
	Summary    ExportSummary            `json:"summary"`
}

// ExportDocument is the document part of an export.
type ExportDocument struct {
	ID         int64  `json:"id"`
	Title      string `json:"title"`
	Text       string `json:"text"`
	TextSHA256 string `json:"text_sha256"`
	Length     int    `json:"length"`
}

// ExportSummary counts the claims and citation coverage of an export.
type ExportSummary struct {
	Claims   int                      `json:"claims"`
	ByStatus map[citecheck.Status]int `json:"by_status"`
	ByReview map[citecheck.Review]int `json:"by_review"`
	Markers  int                      `json:"markers"`
	Covered  int                      `json:"covered"`
	// Problems are the document-level citation problems: ref-not-in-list, entry-never-cited.
	Problems []citecheck.Check `json:"problems"`
}

// BuildExport assembles the native export of every claim of the document: those anchored in its
// current text first, in the order given (text order), their checks filled here so the export
// says what the server says; then the orphans, which have no position in the text and no checks.
// The summary counts every claim; markers and coverage count the anchored ones.
func BuildExport(doc *citecheck.Document, claims []citecheck.Claim, now time.Time) *Export {
	t := citecheck.NewText(doc.Text)
	src := citecheck.DocumentSources(doc)
	anchored, orphans := citecheck.AnchoredIn(doc.Revision, claims)
	citecheck.FillChecksIn(t, src, anchored)
	check := citecheck.CheckSources(t, src, anchored)
	out := append(anchored, orphans...)
	for i := len(anchored); i < len(out); i++ {
		out[i].Checks = []citecheck.Check{}
	}
	counts := citecheck.CountClaims(out)
	return &Export{
		Format:     ExportFormat,
		ExportedAt: now.UTC(),
		OffsetUnit: OffsetUnit,
		Document: ExportDocument{ID: doc.ID, Title: doc.Title, Text: doc.Text,
			TextSHA256: doc.TextSHA256, Length: doc.Length},
		Citations:  src.Citations,
		References: doc.References,
		Claims:     out,
		Summary: ExportSummary{Claims: len(out), ByStatus: counts.ByStatus, ByReview: counts.ByReview,
			Markers: check.Markers, Covered: check.Covered, Problems: check.Problems},
	}
}

// exportJSON is Export as written, with its claims as exportClaims.
type exportJSON struct {
	Format     string                   `json:"format"`
	ExportedAt time.Time                `json:"exported_at"`
	OffsetUnit string                   `json:"offset_unit"`
	Document   ExportDocument           `json:"document"`
	Citations  []citecheck.Citation     `json:"citations"`
	References *citecheck.ReferenceList `json:"references"`
	Claims     []exportClaim            `json:"claims"`
	Summary    ExportSummary            `json:"summary"`
}

// exportClaim writes a claim of an export: as the API does, except that an orphan's start and
// end are null, since it has no position in the text.
type exportClaim struct{ c *citecheck.Claim }

// MarshalJSON writes the export with its orphans' positions null.
func (ex Export) MarshalJSON() ([]byte, error) {
	claims := make([]exportClaim, len(ex.Claims))
	for i := range ex.Claims {
		claims[i] = exportClaim{&ex.Claims[i]}
	}
	return marshalNoEscape(exportJSON{ex.Format, ex.ExportedAt, ex.OffsetUnit, ex.Document,
		ex.Citations, ex.References, claims, ex.Summary})
}

// MarshalJSON writes one claim of an export.
func (e exportClaim) MarshalJSON() ([]byte, error) {
	type plain citecheck.Claim // without this method
	if e.c.Anchor != string(citecheck.AnchorOrphaned) {
		return marshalNoEscape((*plain)(e.c))
	}
	return marshalNoEscape(struct {
		*plain
		Start *int `json:"start"`
		End   *int `json:"end"`
	}{plain: (*plain)(e.c)})
}

// marshalNoEscape encodes v as json.Marshal does, but leaves <, > and & as they are, as the
// exports have always been written.
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
