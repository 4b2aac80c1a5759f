package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/anchor"
)

// W3CInput is one Web Annotation as read for import: its id, its bodies and the selectors of
// its target. It is more lenient than W3CAnnotation, which is what citecheck writes, because
// the model lets a body or a selector be one object or a list.
type W3CInput struct {
	ID        string         // the annotation's id, or "#n" (its position from 1) when it has none
	Bodies    []W3CInputBody // every body, including a bodyValue as a body without purpose
	Selectors []W3CSelector  // the selectors of its target(s), in order
	// Creator, Created and Modified are what the annotation says of its making, kept as the
	// claim's provenance only: the creator's name (or IRI) and the times that parse as RFC 3339.
	Creator           string
	Created, Modified *time.Time
}

// W3CInputBody is a TextualBody or a SpecificResource of an annotation.
type W3CInputBody struct {
	Type    string
	Purpose string // the first purpose when the body lists several
	Value   string
	Source  string // a SpecificResource's source, such as "urn:...#ref-30"
	// Evidence marks a passage of a source (a body with a citecheck:stance), which import leaves
	// out: the collection carries no source texts to place it in; the native export does.
	Evidence bool
}

// W3CFailure is an annotation that did not become a claim, and why.
type W3CFailure struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// ParseW3C reads Web Annotations from an AnnotationCollection (with its first page embedded, as
// BuildW3C writes it), an AnnotationPage, a bare array of annotations or a single Annotation.
// Only what anchoring needs is kept. An unreadable document is ECodeMalformed.
func ParseW3C(data []byte) ([]W3CInput, error) {
	if !utf8.Valid(data) {
		return nil, citecheck.Errorf(citecheck.ECodeInvalidUTF8, "the annotations are not valid UTF-8")
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, citecheck.Errorf(citecheck.ECodeMalformed, "the body is empty; want an AnnotationCollection")
	}
	raws, err := w3cItems(data)
	if err != nil {
		return nil, err
	}
	out := make([]W3CInput, 0, len(raws))
	for i, raw := range raws {
		var a struct {
			ID        string          `json:"id"`
			Body      json.RawMessage `json:"body"`
			BodyValue string          `json:"bodyValue"`
			Target    json.RawMessage `json:"target"`
			Creator   json.RawMessage `json:"creator"`
			Created   json.RawMessage `json:"created"`
			Modified  json.RawMessage `json:"modified"`
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			return nil, citecheck.Errorf(citecheck.ECodeMalformed, "annotation %d: %v", i+1, err)
		}
		in := W3CInput{ID: a.ID, Creator: agentName(a.Creator), Created: w3cTime(a.Created), Modified: w3cTime(a.Modified)}
		if in.ID == "" {
			in.ID = "#" + strconv.Itoa(i+1)
		}
		if in.Bodies, err = w3cBodies(a.Body); err != nil {
			return nil, citecheck.Errorf(citecheck.ECodeMalformed, "annotation %s: body: %v", in.ID, err)
		}
		if a.BodyValue != "" {
			in.Bodies = append(in.Bodies, W3CInputBody{Type: "TextualBody", Value: a.BodyValue})
		}
		if in.Selectors, err = w3cSelectors(a.Target); err != nil {
			return nil, citecheck.Errorf(citecheck.ECodeMalformed, "annotation %s: target: %v", in.ID, err)
		}
		out = append(out, in)
	}
	return out, nil
}

// w3cItems finds the annotations of a collection, a page, an array or a single annotation.
func w3cItems(data []byte) ([]json.RawMessage, error) {
	if data[0] == '[' {
		var items []json.RawMessage
		if err := citecheck.DecodeOpenJSON(data, &items); err != nil {
			return nil, err
		}
		return items, nil
	}
	var top struct {
		Type  json.RawMessage   `json:"type"`
		First json.RawMessage   `json:"first"`
		Items []json.RawMessage `json:"items"`
	}
	// This decode reads (and so checks) the whole document; the pieces decoded later are parts of it.
	if err := citecheck.DecodeOpenJSON(data, &top); err != nil {
		return nil, err
	}
	types := jsonStrings(top.Type)
	switch {
	case containsString(types, "AnnotationCollection"):
		if len(top.First) == 0 || top.First[0] != '{' {
			if top.Items != nil {
				return top.Items, nil
			}
			return nil, citecheck.Errorf(citecheck.ECodeMalformed, "the AnnotationCollection does not embed its first page")
		}
		var page struct {
			Items []json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(top.First, &page); err != nil {
			return nil, citecheck.Errorf(citecheck.ECodeMalformed, "first page: %v", err)
		}
		return page.Items, nil
	case containsString(types, "AnnotationPage"):
		return top.Items, nil
	case containsString(types, "Annotation"):
		return []json.RawMessage{data}, nil
	}
	return nil, citecheck.Errorf(citecheck.ECodeMalformed, "want an AnnotationCollection, an AnnotationPage, an Annotation or an array of annotations")
}

// w3cBodies reads a body that is absent, one object, an IRI or a list of them.
func w3cBodies(raw json.RawMessage) ([]W3CInputBody, error) {
	var out []W3CInputBody
	for _, item := range jsonList(raw) {
		if len(item) > 0 && item[0] == '"' {
			var iri string
			if err := json.Unmarshal(item, &iri); err != nil {
				return nil, err
			}
			out = append(out, W3CInputBody{Type: "SpecificResource", Source: iri})
			continue
		}
		var b struct {
			Type    json.RawMessage `json:"type"`
			Purpose json.RawMessage `json:"purpose"`
			Value   string          `json:"value"`
			Source  json.RawMessage `json:"source"`
			Stance  json.RawMessage `json:"citecheck:stance"`
		}
		if err := json.Unmarshal(item, &b); err != nil {
			return nil, err
		}
		body := W3CInputBody{Value: b.Value, Source: idOf(b.Source), Evidence: len(b.Stance) > 0}
		if t := jsonStrings(b.Type); len(t) > 0 {
			body.Type = t[0]
		}
		if p := jsonStrings(b.Purpose); len(p) > 0 {
			body.Purpose = p[0]
		}
		out = append(out, body)
	}
	return out, nil
}

// w3cSelectors reads the selectors of a target that is an IRI, one object or a list of them.
func w3cSelectors(raw json.RawMessage) ([]W3CSelector, error) {
	var out []W3CSelector
	for _, item := range jsonList(raw) {
		if len(item) == 0 || item[0] != '{' {
			continue // a bare IRI selects the whole source: nothing to anchor
		}
		var tg struct {
			Selector json.RawMessage `json:"selector"`
		}
		if err := json.Unmarshal(item, &tg); err != nil {
			return nil, err
		}
		for _, s := range jsonList(tg.Selector) {
			var sel W3CSelector
			if err := json.Unmarshal(s, &sel); err != nil {
				return nil, fmt.Errorf("selector: %w", err)
			}
			out = append(out, sel)
		}
	}
	return out, nil
}

// agentName reads the creator of an annotation: a name, a nickname or an IRI, of the first agent
// when it lists several.
func agentName(raw json.RawMessage) string {
	for _, item := range jsonList(raw) {
		var iri string
		if json.Unmarshal(item, &iri) == nil {
			return iri
		}
		var ag struct {
			ID       string `json:"id"`
			Name     any    `json:"name"`
			Nickname string `json:"nickname"`
		}
		if json.Unmarshal(item, &ag) != nil {
			continue
		}
		if names := jsonStrings(mustJSON(ag.Name)); len(names) > 0 {
			return names[0]
		}
		if ag.Nickname != "" {
			return ag.Nickname
		}
		return ag.ID
	}
	return ""
}

// mustJSON re-encodes a decoded JSON value; it cannot fail for one.
func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// w3cTime reads a time of an annotation (xsd:dateTime, as RFC 3339); nil when absent or not one.
func w3cTime(raw json.RawMessage) *time.Time {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// jsonList splits a JSON value that may be a list into its items; absent or null is none.
func jsonList(raw json.RawMessage) []json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	if raw[0] == '[' {
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) == nil {
			return items
		}
		return nil
	}
	return []json.RawMessage{raw}
}

// jsonStrings reads a string or a list of strings; anything else is none.
func jsonStrings(raw json.RawMessage) []string {
	var out []string
	for _, item := range jsonList(raw) {
		var s string
		if json.Unmarshal(item, &s) == nil {
			out = append(out, s)
		}
	}
	return out
}

// idOf reads an IRI given as a string or as an object with an id.
func idOf(raw json.RawMessage) string {
	if s := jsonStrings(raw); len(s) > 0 {
		return s[0]
	}
	var o struct {
		ID string `json:"id"`
	}
	if len(raw) > 0 && json.Unmarshal(raw, &o) == nil {
		return o.ID
	}
	return ""
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// AnchorW3C turns annotations into claims on the text t. An annotation is anchored where its
// TextPositionSelector points when the text there equals its TextQuoteSelector's exact (or it has
// no quote); otherwise anchor.Locate places the quote by the rules of re-anchoring: the
// occurrence whose context agrees best with the selector's prefix and suffix, the nearest the
// position among those about as good, and none (a failure) when two are about as good and as
// near. Refs come from bodies with purpose "linking" ("[30]", "[30, 31]" or "30")
// and from SpecificResources whose source ends in "ref-30"; the status from the "assessing" body;
// the note from "commenting" bodies and a bodyValue. The review is never imported: the claims
// are new and wait for an editor, since an annotation names no reviewer the server can vouch for.
// What the annotation says of its review ("moderating" body), creator and times is kept in the
// claim's Imported, as a record.
//
// The claims carry Start, End, Quote, Prefix, Suffix, Refs, Status, Note and Imported; the
// caller sets the document and the store the creator. Annotations that cannot be anchored or carry an invalid value are
// failures, with the annotation's id and the reason.
func AnchorW3C(t *citecheck.Text, anns []W3CInput) ([]citecheck.Claim, []W3CFailure) {
	claims := []citecheck.Claim{}
	failures := []W3CFailure{}
	for i := range anns {
		c, err := anchorAnnotation(t, &anns[i])
		if err != nil {
			failures = append(failures, W3CFailure{ID: anns[i].ID, Reason: err.Error()})
			continue
		}
		claims = append(claims, c)
	}
	return claims, failures
}

// anchorAnnotation makes one claim of one annotation.
func anchorAnnotation(t *citecheck.Text, a *W3CInput) (citecheck.Claim, error) {
	var quote, pos *W3CSelector
	for i := range a.Selectors {
		s := &a.Selectors[i]
		switch {
		case s.Type == "TextQuoteSelector" && quote == nil:
			quote = s
		case s.Type == "TextPositionSelector" && pos == nil:
			pos = s
		}
	}
	start, end, err := anchorSpan(t, quote, pos)
	if err != nil {
		return citecheck.Claim{}, err
	}
	if err := citecheck.ValidateSpan(t, start, end); err != nil {
		return citecheck.Claim{}, errors.New(messageOf(err))
	}
	c := citecheck.Claim{Start: start, End: end, Refs: []int{}, Status: citecheck.StatusUnverified, Review: citecheck.ReviewPending,
		Imported: w3cProvenance(a)}
	if err := applyBodies(&c, a.Bodies); err != nil {
		return citecheck.Claim{}, err
	}
	citecheck.FillQuote(t, &c)
	return c, nil
}

// w3cProvenance is what an annotation says of its making and review: its id, creator and times,
// and the first "moderating" body that names a review state.
func w3cProvenance(a *W3CInput) *citecheck.Provenance {
	p := &citecheck.Provenance{FromFormat: citecheck.FromW3C, SourceID: clip(strings.Map(printable, a.ID)), Review: citecheck.ReviewPending,
		CreatedBy: a.Creator, CreatedAt: a.Created, UpdatedAt: a.Modified}
	if citecheck.CheckImportedText("creator", p.CreatedBy, citecheck.MaxImportedName) != nil {
		p.CreatedBy = clip(strings.Map(printable, p.CreatedBy))
	}
	for _, b := range a.Bodies {
		if b.Purpose != "moderating" {
			continue
		}
		if r, err := citecheck.ParseReview(strings.TrimSpace(b.Value)); err == nil {
			p.Review = r
			break
		}
	}
	return p
}

// printable drops a control character from a name or id kept as provenance.
func printable(r rune) rune {
	if r < 0x20 || r == 0x7f {
		return -1
	}
	return r
}

// anchorSpan finds the span of an annotation from its quote and position selectors.
func anchorSpan(t *citecheck.Text, quote, pos *W3CSelector) (int, int, error) {
	n := t.Len()
	hasPos := pos != nil && pos.Start != nil && pos.End != nil
	var exact string
	if quote != nil {
		exact = citecheck.NormalizeQuote(quote.Exact)
	}
	if hasPos {
		s, e := *pos.Start, *pos.End
		if s >= 0 && s < e && e <= n && (exact == "" || t.Slice(s, e) == exact) {
			return s, e, nil
		}
	}
	if exact == "" {
		if hasPos {
			return 0, 0, fmt.Errorf("the position %d..%d is outside the text of %d code points and there is no quote", *pos.Start, *pos.End, n)
		}
		return 0, 0, fmt.Errorf("no TextQuoteSelector or TextPositionSelector to anchor by")
	}
	near := -1
	if hasPos {
		near = *pos.Start
	}
	a := anchor.Locate(t, exact, citecheck.NormalizeQuote(quote.Prefix), citecheck.NormalizeQuote(quote.Suffix), near)
	if a.Kind == citecheck.AnchorOrphaned {
		return 0, 0, fmt.Errorf("the quote %q is not in the text, or not in one place that its position and context single out", clip(exact))
	}
	return a.Start, a.End, nil
}

// applyBodies sets a claim's refs, status and note from an annotation's bodies.
func applyBodies(c *citecheck.Claim, bodies []W3CInputBody) error {
	var refs []int
	var notes []string
	status := ""
	for _, b := range bodies {
		switch {
		case b.Evidence:
			continue
		case b.Source != "" && (b.Purpose == "linking" || b.Purpose == "" || b.Type == "SpecificResource"):
			n, ok := refFromSource(b.Source)
			if !ok {
				if b.Purpose == "linking" {
					return fmt.Errorf("linking body %q names no reference number", clip(b.Source))
				}
				continue
			}
			refs = append(refs, n)
		case b.Purpose == "linking":
			got, ok := refsFromValue(b.Value)
			if !ok {
				return fmt.Errorf("linking body %q is not a reference number such as [30]", clip(b.Value))
			}
			refs = append(refs, got...)
		case b.Purpose == "assessing" && status == "":
			status = b.Value
		case b.Purpose == "commenting" || b.Purpose == "" && b.Type == "TextualBody" && b.Value != "":
			notes = append(notes, b.Value)
		}
	}
	refs, err := citecheck.NormalizeRefs(dedupe(refs))
	if err != nil {
		return errors.New(messageOf(err))
	}
	st, err := citecheck.ParseStatus(status)
	if err != nil {
		return errors.New(messageOf(err))
	}
	note := strings.Join(notes, "\n\n")
	if err := checkImportedNote(note); err != nil {
		return errors.New(messageOf(err))
	}
	c.Refs, c.Status, c.Note = refs, st, note
	return nil
}

// refsFromValue reads "[30]", "[30, 31]", "[30–32]" or a bare "30".
func refsFromValue(v string) ([]int, bool) {
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return []int{n}, true
	}
	cits := citecheck.ParseCitations(v)
	if len(cits) != 1 || cits[0].Start != 0 || cits[0].End != utf8.RuneCountInString(v) {
		return nil, false
	}
	return cits[0].Refs, true
}

// refFromSource reads the number of a source IRI ending in "ref-30".
func refFromSource(src string) (int, bool) {
	i := strings.LastIndex(src, "ref-")
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(src[i+len("ref-"):])
	return n, err == nil && n > 0
}

// dedupe drops repeated numbers, so a ref given as a value and as a source counts once.
func dedupe(refs []int) []int {
	seen := map[int]bool{}
	out := []int{}
	for _, r := range refs {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}
