package formats

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/citecheck/citecheck"
)

// The JSON-LD contexts of the W3C export. AnnoContext is the Web Annotation context, whose
// terms (id, type, body, target, ...) every key of an annotation uses. W3CVocab is the IRI of
// citecheck's own vocabulary, declared in the export's @context as the prefix "citecheck", so
// that the few keys the model has no term for (citecheck:source, citecheck:textSha256,
// citecheck:length, citecheck:offsetUnit) expand to IRIs under it instead of to an undeclared
// "citecheck:" scheme. It names the terms; it need not resolve.
const (
	AnnoContext = "http://www.w3.org/ns/anno.jsonld"
	W3CVocab    = "https://citecheck.org/ns#"
)

// w3cLocalContext is the export's own context: the citecheck prefix.
type w3cLocalContext struct {
	Citecheck string `json:"citecheck"`
}

// W3CCollection is a W3C Web Annotation AnnotationCollection (JSON-LD) holding one page.
type W3CCollection struct {
	Context []any       `json:"@context"`
	ID      string      `json:"id"`
	Type    string      `json:"type"`
	Label   string      `json:"label"`
	Total   int         `json:"total"`
	First   W3CPage     `json:"first"`
	Source  W3CTextInfo `json:"citecheck:source"`
}

// W3CTextInfo describes the annotated text so a consumer can check it has the same one.
type W3CTextInfo struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Format     string `json:"format"`
	TextSHA256 string `json:"citecheck:textSha256"`
	Length     int    `json:"citecheck:length"`
	OffsetUnit string `json:"citecheck:offsetUnit"`
}

// W3CPage is an AnnotationPage. Its id is the collection's id with the fragment "#page1" (the
// model requires one of every page, embedded or not); PartOf names the collection and
// StartIndex is the position of its first item in it, as the Web Annotation Protocol's pages do.
type W3CPage struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	PartOf     string          `json:"partOf"`
	StartIndex int             `json:"startIndex"`
	Items      []W3CAnnotation `json:"items"`
}

// W3CAnnotation is one claim as a Web Annotation.
type W3CAnnotation struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	Motivation string    `json:"motivation"`
	Created    time.Time `json:"created"`
	Modified   time.Time `json:"modified"`
	Creator    W3CAgent  `json:"creator"`
	Body       []W3CBody `json:"body"`
	Target     W3CTarget `json:"target"`
	// Anchor is how the claim is anchored in the text (exact, moved, fuzzy, orphaned): an
	// orphan's target has its old quote and context and no position.
	Anchor string `json:"citecheck:anchor,omitempty"`
}

// W3CAgent is the person who made an annotation.
type W3CAgent struct {
	Type string `json:"type"`
	Name string `json:"name"`
}

// W3CBody is a TextualBody, whose purpose says whether it is a ref, the verdict, the review or
// a note, or a passage of a source that the verdict rests on (W3CEvidenceBody).
type W3CBody struct {
	ID      string `json:"id,omitempty"`
	Type    string `json:"type"`
	Purpose string `json:"purpose"`
	Value   string `json:"value,omitempty"`
	// A passage of a source: a SpecificResource on the source, as the cached copy of the time
	// it was captured, with the passage's selectors on that copy's text.
	Source   *W3CSourceRef `json:"source,omitempty"`
	State    *W3CTimeState `json:"state,omitempty"`
	Selector []W3CSelector `json:"selector,omitempty"`
	Stance   string        `json:"citecheck:stance,omitempty"`
	Note     string        `json:"citecheck:note,omitempty"`
}

// W3CSourceRef is the resource a passage is taken from: the URL the source was captured from
// (or, for pasted text without one, the source's own IRI), labelled with its title.
type W3CSourceRef struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Label string `json:"label,omitempty"`
}

// W3CTimeState says which copy of the source the selectors apply to: the capture (its IRI as
// cached) and when it was taken (sourceDate), since the page at the URL may have changed since.
type W3CTimeState struct {
	Type       string `json:"type"`
	Cached     string `json:"cached"`
	SourceDate string `json:"sourceDate,omitempty"`
}

// EvidencePurpose is the purpose of an evidence body: the passage describes what the source
// says about the claim; its stance (citecheck:stance) says which way.
const EvidencePurpose = "describing"

// W3CTarget points into the text with a quote selector and a position selector.
type W3CTarget struct {
	Source   string        `json:"source"`
	Selector []W3CSelector `json:"selector"`
}

// W3CSelector is a TextQuoteSelector or a TextPositionSelector.
type W3CSelector struct {
	Type   string `json:"type"`
	Exact  string `json:"exact,omitempty"`
	Prefix string `json:"prefix,omitempty"`
	Suffix string `json:"suffix,omitempty"`
	Start  *int   `json:"start,omitempty"`
	End    *int   `json:"end,omitempty"`
}

// BuildW3C turns a native export into a Web Annotation collection, one annotation per claim,
// each passage of its evidence a further body (w3cEvidenceBody) on a source of ex.Sources.
// Offsets count code points, as the TextPositionSelector of the model does; an orphan, which
// has no position in the text, is targeted by its TextQuoteSelector alone.
func BuildW3C(ex *Export) *W3CCollection {
	source := fmt.Sprintf("urn:citecheck:document:%d", ex.Document.ID)
	items := make([]W3CAnnotation, 0, len(ex.Claims))
	sources := make(map[int64]*citecheck.Capture, len(ex.Sources))
	for i := range ex.Sources {
		sources[ex.Sources[i].ID] = &ex.Sources[i]
	}
	for _, c := range ex.Claims {
		start, end := c.Start, c.End
		body := make([]W3CBody, 0, len(c.Refs)+3)
		for _, r := range c.Refs {
			body = append(body, W3CBody{Type: "TextualBody", Purpose: "linking", Value: "[" + strconv.Itoa(r) + "]"})
		}
		body = append(body,
			W3CBody{Type: "TextualBody", Purpose: "assessing", Value: string(c.Status)},
			W3CBody{Type: "TextualBody", Purpose: "moderating", Value: string(c.Review)})
		if c.Note != "" {
			body = append(body, W3CBody{Type: "TextualBody", Purpose: "commenting", Value: c.Note})
		}
		for _, e := range c.Evidence {
			body = append(body, w3cEvidenceBody(e, sources[e.SourceID]))
		}
		items = append(items, W3CAnnotation{
			ID:         fmt.Sprintf("urn:citecheck:claim:%d", c.ID),
			Type:       "Annotation",
			Motivation: "assessing",
			Created:    c.CreatedAt,
			Modified:   c.UpdatedAt,
			Creator:    W3CAgent{Type: "Person", Name: c.CreatedBy},
			Body:       body,
			Target:     W3CTarget{Source: source, Selector: w3cSelectorsOf(&c, &start, &end)},
			Anchor:     c.Anchor,
		})
	}
	id := source + ":claims"
	return &W3CCollection{
		Context: []any{AnnoContext, w3cLocalContext{Citecheck: W3CVocab}},
		ID:      id,
		Type:    "AnnotationCollection",
		Label:   ex.Document.Title,
		Total:   len(items),
		First:   W3CPage{ID: id + "#page1", Type: "AnnotationPage", PartOf: id, Items: items},
		Source: W3CTextInfo{ID: source, Type: "Text", Format: "text/plain",
			TextSHA256: ex.Document.TextSHA256, Length: ex.Document.Length, OffsetUnit: OffsetUnit},
	}
}

// SourceIRI names a captured source in the exports.
func SourceIRI(id int64) string { return fmt.Sprintf("urn:citecheck:source:%d", id) }

// w3cEvidenceBody is one passage a claim rests on, as a body: a SpecificResource whose source
// is the captured URL (or the source's IRI when it has none), whose state is the capture it was
// selected in, and whose selectors are the passage's quote with its context and its position in
// code points of the capture's text. src is nil if the export lacks the source.
func w3cEvidenceBody(e citecheck.Evidence, src *citecheck.Capture) W3CBody {
	start, end := e.Start, e.End
	ref := W3CSourceRef{ID: SourceIRI(e.SourceID), Type: "Text"}
	state := &W3CTimeState{Type: "TimeState", Cached: ref.ID}
	if src != nil {
		ref.Label = src.Title
		if src.URL != "" {
			ref.ID = src.URL
		}
		state.SourceDate = src.CapturedAt.UTC().Format(time.RFC3339)
	}
	return W3CBody{ID: fmt.Sprintf("urn:citecheck:evidence:%d", e.ID), Type: "SpecificResource",
		Purpose: EvidencePurpose, Source: &ref, State: state, Stance: string(e.Stance), Note: e.Note,
		Selector: []W3CSelector{{Type: "TextQuoteSelector", Exact: e.Quote, Prefix: e.Prefix, Suffix: e.Suffix},
			{Type: "TextPositionSelector", Start: &start, End: &end}}}
}

// w3cSelectorsOf selects a claim's text: by its quote with context, and by its position unless
// it is an orphan.
func w3cSelectorsOf(c *citecheck.Claim, start, end *int) []W3CSelector {
	sels := []W3CSelector{{Type: "TextQuoteSelector", Exact: c.Quote, Prefix: c.Prefix, Suffix: c.Suffix}}
	if c.Anchor == string(citecheck.AnchorOrphaned) {
		return sels
	}
	return append(sels, W3CSelector{Type: "TextPositionSelector", Start: start, End: end})
}

// WriteW3C streams a collection to w, indented as the exports are.
func WriteW3C(w io.Writer, coll *W3CCollection) error { return writeJSON(w, coll) }
