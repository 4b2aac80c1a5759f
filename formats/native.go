package formats

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

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
	// Sources are the document's sources with their text, which its claims' evidence quotes;
	// the caller sets them (BuildExport reads no store). Never nil in a written export.
	Sources []citecheck.Capture `json:"sources"`
	Summary ExportSummary       `json:"summary"`
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
	return BuildExportIn(citecheck.NewText(doc.Text), doc, claims, now)
}

// BuildExportIn is BuildExport for a caller that holds the document's Text already (the server
// keeps it cached), so that a large text is not indexed again. The checks are computed once,
// for all claims together: the document check's per-claim results are the claims' checks. The
// export's claims are ExportOrder(doc, claims): the caller's slice itself when it is in that
// order already, whose checks are then filled in place.
func BuildExportIn(t *citecheck.Text, doc *citecheck.Document, claims []citecheck.Claim, now time.Time) *Export {
	src := citecheck.DocumentSources(doc)
	out := ExportOrder(doc, claims)
	anchored := len(out)
	for anchored > 0 && out[anchored-1].IsOrphan(doc.Revision) {
		anchored--
	}
	check := citecheck.CheckSources(t, src, out[:anchored])
	for i := range out {
		out[i].Checks = []citecheck.Check{}
		if i < anchored {
			out[i].Checks = check.Claims[i].Checks
		}
	}
	return BuildCheckedExport(doc, out, check, now)
}

// BuildCheckedExport is BuildExportIn for a caller that holds the claims in export order with
// their checks filled and the document check they come from (the server's shared view of the
// document): it checks nothing again, copies no claim and changes none, so the claims may be
// shared with other readers.
func BuildCheckedExport(doc *citecheck.Document, claims []citecheck.Claim, check citecheck.SourcesCheck, now time.Time) *Export {
	counts := citecheck.CountClaims(claims)
	return &Export{
		Format:     ExportFormat,
		ExportedAt: now.UTC(),
		OffsetUnit: OffsetUnit,
		Document: ExportDocument{ID: doc.ID, Title: doc.Title, Text: doc.Text,
			TextSHA256: doc.TextSHA256, Length: doc.Length},
		Citations:  citecheck.DocumentSources(doc).Citations,
		References: doc.References,
		Claims:     claims,
		Summary: ExportSummary{Claims: len(claims), ByStatus: counts.ByStatus, ByReview: counts.ByReview,
			Markers: check.Markers, Covered: check.Covered, Problems: check.Problems},
	}
}

// ExportOrder is the order of the claims in every export: those anchored in the document's
// current text first, then the orphans, each in the order given. It answers claims itself when
// they are in that order already (a document without orphans, or claims ordered before), and
// a reordered copy otherwise, so that a large export copies no claim it need not.
func ExportOrder(doc *citecheck.Document, claims []citecheck.Claim) []citecheck.Claim {
	orphanSeen := false
	for i := range claims {
		orphan := claims[i].IsOrphan(doc.Revision)
		if orphanSeen && !orphan {
			in, orphans := citecheck.AnchoredIn(doc.Revision, claims)
			return append(in, orphans...)
		}
		orphanSeen = orphanSeen || orphan
	}
	return claims
}

// exportHead and exportTail are Export as written, less its claims, which are written
// between them one by one (WriteExportWith).
type exportHead struct {
	Format     string                   `json:"format"`
	ExportedAt time.Time                `json:"exported_at"`
	OffsetUnit string                   `json:"offset_unit"`
	Document   ExportDocument           `json:"document"`
	Citations  []citecheck.Citation     `json:"citations"`
	References *citecheck.ReferenceList `json:"references"`
}

type exportTail struct {
	Sources []citecheck.Capture `json:"sources"`
	Summary ExportSummary       `json:"summary"`
}

// exportClaim writes a claim of an export as every answer has it (citecheck.Claim.JSONValue:
// an orphan's start and end null), straight into JSON v2's stream.
type exportClaim struct{ c *citecheck.Claim }

// MarshalJSONTo writes one claim of an export straight into the stream.
func (e exportClaim) MarshalJSONTo(enc *jsontext.Encoder) error {
	return json.MarshalEncode(enc, e.c.JSONValue())
}

// encodeOptions write the exports as they have always been written by encoding/json with two
// spaces of indentation and no HTML escaping (map keys sorted, nil slices and maps as null), but
// by JSON v2's streaming encoder: it indents as it writes, and flushes to the writer as its
// buffer fills, so a large export is never held whole in memory. Invalid UTF-8, which stored
// text cannot hold, would become U+FFFD rather than stop a response that has begun.
var encodeOptions = json.JoinOptions(
	jsontext.WithIndent("  "),
	json.Deterministic(true),
	json.FormatNilSliceAsNull(true),
	json.FormatNilMapAsNull(true),
	jsontext.AllowInvalidUTF8(true),
)

// writeJSON streams v to w as the exports are written, ending with a newline.
func writeJSON(w io.Writer, v any) error {
	if err := json.MarshalWrite(w, v, encodeOptions); err != nil {
		return err
	}
	_, err := w.Write([]byte("\n"))
	return err
}

// claimIndent is where a claim of the native export stands: an element of the claims list,
// two levels in.
const claimIndent = "    "

// ExportClaimJSON is one claim as the native export writes it, indented for its place in the
// claims list: the server keeps it with the claim in its shared view, so that an export of a
// new state encodes only the claims that changed.
func ExportClaimJSON(c *citecheck.Claim) ([]byte, error) {
	buf := claimBuffers.Get().(*bytes.Buffer)
	defer claimBuffers.Put(buf)
	buf.Reset()
	if err := writeExportClaim(buf, c); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil // exactly its size: 25,000 of them are kept
}

// claimBuffers keep the buffers claims are encoded into before they are kept.
var claimBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func writeExportClaim(w io.Writer, c *citecheck.Claim) error {
	return json.MarshalWrite(w, exportClaim{c}, encodeOptions, jsontext.WithIndentPrefix(claimIndent))
}

// WriteExport streams the native export to w, claim by claim, indented, without holding the
// whole body: the server writes it straight to the response.
func WriteExport(w io.Writer, ex *Export) error {
	var buf bytes.Buffer // one claim at a time
	return WriteExportWith(w, ex, func(i int) ([]byte, error) {
		buf.Reset()
		err := writeExportClaim(&buf, &ex.Claims[i])
		return buf.Bytes(), err
	})
}

// WriteExportWith is WriteExport with claim i written as claimJSON(i) answers it, which must be
// ExportClaimJSON of it (a caller's cache of it): the document and the summary are encoded,
// the claims' bytes copied between them.
func WriteExportWith(w io.Writer, ex *Export, claimJSON func(i int) ([]byte, error)) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	err := WriteExportParts(bw, ex, nil, func(w io.Writer) error {
		var entry []byte
		for i := range ex.Claims {
			b, err := claimJSON(i)
			if err != nil {
				return err
			}
			entry = entry[:0]
			if i > 0 {
				entry = append(entry, ExportClaimSeparator)
			}
			entry = AppendExportClaim(entry, b)
			if _, err := w.Write(entry); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// WriteExportParts writes the native export of ex to w as WriteExport does, with two parts
// written by the caller, which may keep them (a server's cache of a big document's export):
// rest, unless nil, writes ExportHeadRest(ex), the head after its exported_at value; claims
// writes the claims, each as AppendExportClaim appends its ExportClaimJSON, with
// ExportClaimSeparator between them. A nil rest has the head encoded here.
func WriteExportParts(w io.Writer, ex *Export, rest, claims func(w io.Writer) error) error {
	if rest == nil {
		head := &holdBack{w: w, n: len("\n}")}
		if err := json.MarshalWrite(head, exportHeadOf(ex), encodeOptions); err != nil {
			return err
		}
	} else {
		start, err := ExportHeadStart(ex)
		if err != nil {
			return err
		}
		if _, err := w.Write(start); err != nil {
			return err
		}
		if err := rest(w); err != nil {
			return err
		}
	}
	if _, err := io.WriteString(w, ",\n  \"claims\": ["); err != nil {
		return err
	}
	if err := claims(w); err != nil {
		return err
	}
	end := "],"
	if len(ex.Claims) > 0 {
		end = "\n  ],"
	}
	if _, err := io.WriteString(w, end); err != nil {
		return err
	}
	sources := ex.Sources
	if sources == nil {
		sources = []citecheck.Capture{}
	}
	return writeJSON(&skipFirst{w: w}, exportTail{sources, ex.Summary})
}

// ExportClaimSeparator stands between two claims of the native export's claims list.
const ExportClaimSeparator = ','

// AppendExportClaim appends a claim of the native export as its list holds it: on a line of its
// own, claimJSON (ExportClaimJSON of it) indented for its place.
func AppendExportClaim(dst, claimJSON []byte) []byte {
	return append(append(dst, "\n"+claimIndent...), claimJSON...)
}

func exportHeadOf(ex *Export) exportHead {
	return exportHead{ex.Format, ex.ExportedAt, ex.OffsetUnit, ex.Document, ex.Citations, ex.References}
}

// ExportHeadStart is the start of the native export's head up to its exported_at value, which
// the time of each export decides.
func ExportHeadStart(ex *Export) ([]byte, error) {
	format, err := json.Marshal(ex.Format)
	if err != nil {
		return nil, err
	}
	at, err := json.Marshal(ex.ExportedAt)
	if err != nil {
		return nil, err
	}
	start := append([]byte("{\n  \"format\": "), format...)
	start = append(start, ",\n  \"exported_at\": "...)
	return append(start, at...), nil
}

// ExportHeadRest is the native export's head after its exported_at value up to the claims: the
// offset unit, the document with its text, the citations and the references, which only the
// document (its row, not its claims) decides; megabytes for a big document, which a server
// keeps for every export of one revision.
func ExportHeadRest(ex *Export) ([]byte, error) {
	var buf bytes.Buffer
	head := &holdBack{w: &buf, n: len("\n}")}
	if err := json.MarshalWrite(head, exportHeadOf(ex), encodeOptions); err != nil {
		return nil, err
	}
	start, err := ExportHeadStart(ex)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(buf.Bytes(), start) {
		return nil, fmt.Errorf("formats: the export head does not start as ExportHeadStart writes it")
	}
	return buf.Bytes()[len(start):], nil
}

// holdBack passes on all but the last n bytes written to it: the closing of an object that
// goes on after it.
type holdBack struct {
	w    io.Writer
	n    int
	held []byte
}

func (h *holdBack) Write(p []byte) (int, error) {
	if len(p) < h.n {
		all := append(h.held, p...)
		if len(all) > h.n {
			if _, err := h.w.Write(all[:len(all)-h.n]); err != nil {
				return 0, err
			}
			all = append(all[:0], all[len(all)-h.n:]...)
		}
		h.held = all
		return len(p), nil
	}
	if _, err := h.w.Write(h.held); err != nil {
		return 0, err
	}
	if _, err := h.w.Write(p[:len(p)-h.n]); err != nil {
		return 0, err
	}
	h.held = append(h.held[:0], p[len(p)-h.n:]...)
	return len(p), nil
}

// skipFirst drops the first byte written to it: the opening of an object that continues one
// begun before it.
type skipFirst struct {
	w       io.Writer
	skipped bool
}

func (s *skipFirst) Write(p []byte) (int, error) {
	if !s.skipped && len(p) > 0 {
		s.skipped = true
		n, err := s.w.Write(p[1:])
		return n + 1, err
	}
	return s.w.Write(p)
}

// MarshalJSON writes the export as WriteExport does, for encoding/json (tests, the command line).
func (ex Export) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := WriteExport(&buf, &ex); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
