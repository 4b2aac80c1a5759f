package formats

import (
	"errors"
	"fmt"
	"strings"

	"github.com/citecheck/citecheck"
)

// ECodeDuplicateSource refuses an export that lists the same source id twice, since its
// evidence names sources by id.
const ECodeDuplicateSource = "duplicate-source"

// PrepareSources checks the sources of a native export for doc (as PrepareImport made it) and
// the evidence of its claims (claims as PrepareImport made them, in the file's order), and
// fills each claim's Evidence. Nothing is trusted: a source's text must be in the stored form
// and hash to its text_sha256, its ref must be one the document can archive
// (citecheck.CaptureRefKnown), its title and URLs are checked as for a new capture and its
// method must be one of the contract's. Each piece of evidence must name a source of the file
// by id, and is built again by citecheck.NewEvidence against that source's text: the span must
// lie in it and the quote must be exactly its text there (else quote-mismatch); its ref, prefix
// and suffix come from the source, not the file. The sources keep the file's ids, which the
// store re-points; who captured a source and who added evidence is the importer (the store's
// doing). A source's captured_at is kept: a source is a dated capture.
func PrepareSources(ex *Export, doc *citecheck.Document, claims []citecheck.Claim, maxTextBytes int) ([]citecheck.Capture, error) {
	refs := citecheck.DocumentSources(doc)
	sources := make([]citecheck.Capture, 0, len(ex.Sources))
	texts := make(map[int64]*citecheck.Text, len(ex.Sources))
	byID := make(map[int64]*citecheck.Capture, len(ex.Sources))
	for i := range ex.Sources {
		c, err := importedSource(&ex.Sources[i], refs, maxTextBytes)
		if err != nil {
			return nil, fieldAt(err, fmt.Sprintf("sources[%d]", i))
		}
		if _, dup := texts[c.ID]; dup {
			return nil, citecheck.FieldErrorf(ECodeDuplicateSource, fmt.Sprintf("sources[%d].id", i),
				"source %d is listed twice", c.ID)
		}
		sources = append(sources, c)
		texts[c.ID] = citecheck.NewText(c.Text)
	}
	for i := range sources {
		byID[sources[i].ID] = &sources[i]
	}
	for i := range ex.Claims {
		if i >= len(claims) {
			break
		}
		claims[i].Evidence = make([]citecheck.Evidence, 0, len(ex.Claims[i].Evidence))
		for j := range ex.Claims[i].Evidence {
			e, err := importedEvidence(&ex.Claims[i].Evidence[j], byID, texts)
			if err != nil {
				return nil, fieldAt(err, fmt.Sprintf("claims[%d].evidence[%d]", i, j))
			}
			claims[i].Evidence = append(claims[i].Evidence, *e)
		}
	}
	return sources, nil
}

// importedSource checks one source of an export.
func importedSource(in *citecheck.Capture, refs citecheck.Sources, maxTextBytes int) (citecheck.Capture, error) {
	if in.ID <= 0 {
		return citecheck.Capture{}, citecheck.FieldErrorf(citecheck.ECodeInvalid, "id", "a source needs its id, which its evidence names")
	}
	c, err := citecheck.NewCapture(in.Text, in.Title, in.URL, maxTextBytes)
	if err != nil {
		return citecheck.Capture{}, fieldAt(err, "")
	}
	if c.Text != in.Text {
		return citecheck.Capture{}, citecheck.FieldErrorf(ECodeTextNotNormalized, "text",
			"the source's text is not in the stored form; the offsets of its evidence cannot be trusted")
	}
	if !strings.EqualFold(in.TextSHA256, c.TextSHA256) {
		return citecheck.Capture{}, citecheck.FieldErrorf(ECodeHashMismatch, "text_sha256",
			"text_sha256 is %q but the text hashes to %q", clip(in.TextSHA256), c.TextSHA256)
	}
	if in.Length != 0 && in.Length != c.Length {
		return citecheck.Capture{}, citecheck.FieldErrorf(citecheck.ECodeInvalid, "length",
			"length is %d but the text has %d code points", in.Length, c.Length)
	}
	if err := citecheck.CaptureRefKnown(refs, in.Ref); err != nil {
		return citecheck.Capture{}, fieldAt(err, "ref")
	}
	if err := importedCaptureDetails(in); err != nil {
		return citecheck.Capture{}, err
	}
	c.ID, c.Ref, c.Method, c.FinalURL, c.HTTPStatus = in.ID, in.Ref, in.Method, in.FinalURL, in.HTTPStatus
	c.ContentType, c.CapturedAt = in.ContentType, in.CapturedAt.UTC()
	return *c, nil
}

// importedCaptureDetails checks how a source says it was captured: its method, final URL,
// HTTP status and content type.
func importedCaptureDetails(in *citecheck.Capture) error {
	switch in.Method {
	case citecheck.CapturePaste, citecheck.CaptureUpload, citecheck.CaptureFetch:
	default:
		return citecheck.FieldErrorf(citecheck.ECodeInvalid, "method", "method must be paste, upload or fetch, not %q", clip(string(in.Method)))
	}
	if err := citecheck.CheckSourceURL(in.FinalURL); err != nil {
		return fieldAt(err, "final_url")
	}
	if in.HTTPStatus != nil && (*in.HTTPStatus < 100 || *in.HTTPStatus > 599) {
		return citecheck.FieldErrorf(citecheck.ECodeInvalid, "http_status", "http_status is %d; want 100 to 599", *in.HTTPStatus)
	}
	switch in.ContentType {
	case "", "text/plain", "text/html", "text/markdown":
		return nil
	}
	return citecheck.FieldErrorf(citecheck.ECodeInvalid, "content_type",
		"content_type must be empty, text/plain, text/html or text/markdown, not %q", clip(in.ContentType))
}

// importedEvidence checks one piece of evidence of an export against the source it names.
func importedEvidence(in *citecheck.Evidence, byID map[int64]*citecheck.Capture, texts map[int64]*citecheck.Text) (*citecheck.Evidence, error) {
	src, ok := byID[in.SourceID]
	if !ok {
		return nil, citecheck.FieldErrorf(citecheck.ECodeInvalid, "source_id",
			"evidence names source %d, which the file does not carry", in.SourceID)
	}
	if err := checkImportedNote(in.Note); err != nil {
		return nil, err
	}
	quote := in.Quote
	e, err := citecheck.NewEvidence(&citecheck.Claim{}, &citecheck.Capture{ID: src.ID, Ref: src.Ref}, texts[src.ID],
		citecheck.EvidenceInput{Start: in.Start, End: in.End, Quote: &quote, Stance: string(in.Stance), Note: in.Note}, 0)
	if err != nil {
		return nil, err
	}
	// What the file says of its making, for the history only (citecheck.ImportedEvidenceChanges):
	// the store writes the importer and the time.
	e.ID, e.CreatedBy, e.CreatedAt = in.ID, in.CreatedBy, in.CreatedAt
	return e, nil
}

// fieldAt puts prefix before the field of err (a *citecheck.Error), keeping its code, so that a
// refusal names where in the file it is.
func fieldAt(err error, prefix string) error {
	var e *citecheck.Error
	if !errors.As(err, &e) {
		return err
	}
	field := e.Field
	switch {
	case prefix == "":
	case field == "":
		field = prefix
	default:
		field = prefix + "." + field
	}
	return &citecheck.Error{Code: e.Code, Field: field, Message: e.Message}
}
