package formats

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

// w3cEvidenceSample is two sources of a document, one captured from a URL (that happens to end
// like a ref of a W3C ref body, "#ref-7") with an emoji before its passage, one pasted without a
// URL, and the evidence of two claims on them.
func w3cEvidenceSample(t *testing.T, at time.Time) ([]citecheck.Capture, []citecheck.Evidence, []citecheck.Evidence) {
	t.Helper()
	srcs := []citecheck.Capture{
		{ID: 7, Ref: 1, URL: "https://example.org/notes#ref-7", Title: "Notes <&>", Text: "Rockets 🚀 hit. The cat sat, it said.", CapturedAt: at},
		{ID: 8, Ref: 2, Title: "", Text: "قال «لا» The cat did not run.", CapturedAt: at.Add(time.Hour)},
	}
	ev := func(id int64, cl *citecheck.Claim, src citecheck.Capture, needle string, stance citecheck.Stance, note string) citecheck.Evidence {
		tx := citecheck.NewText(src.Text)
		b := strings.Index(src.Text, needle)
		if b < 0 {
			t.Fatalf("%q not in %q", needle, src.Text)
		}
		start := citecheck.ByteToCodePoint(src.Text, b)
		e, err := citecheck.NewEvidence(cl, &src, tx, citecheck.EvidenceInput{Start: start, End: start + len([]rune(needle)),
			Stance: string(stance), Note: note}, 1)
		if err != nil {
			t.Fatal(err)
		}
		e.ID = id
		return *e
	}
	cl := &citecheck.Claim{ID: 1}
	return srcs, []citecheck.Evidence{ev(11, cl, srcs[0], "The cat sat", citecheck.StanceSupports, "wire, para 1")},
		[]citecheck.Evidence{ev(12, cl, srcs[1], "The cat did not run", citecheck.StanceContradicts, "")}
}

// TestW3CExportEvidenceBodies: each passage of a claim's evidence is a further body of its
// annotation, shaped as the Web Annotation model's SpecificResource: a source (the captured URL,
// else the source's IRI) with a TimeState naming the capture and its date, a TextQuoteSelector
// and a TextPositionSelector in code points of the capture's text, and the stance and note.
func TestW3CExportEvidenceBodies(t *testing.T) {
	coll := w3cRichSample(t)
	b, _ := json.Marshal(coll)
	var doc struct {
		First struct {
			Items []struct {
				ID   string           `json:"id"`
				Body []map[string]any `json:"body"`
			} `json:"items"`
		} `json:"first"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	evidenceOf := func(i int) []map[string]any {
		var out []map[string]any
		for _, body := range doc.First.Items[i].Body {
			if body["type"] == "SpecificResource" {
				out = append(out, body)
			}
		}
		return out
	}
	type want struct {
		id, source, label, cached, date, exact, prefix, stance, note string
		start, end                                                   float64
	}
	for i, w := range []want{
		{"urn:citecheck:evidence:11", "https://example.org/notes#ref-7", "Notes <&>", "urn:citecheck:source:7", "2026-05-06T07:08:09Z",
			"The cat sat", "Rockets 🚀 hit. ", "supports", "wire, para 1", 15, 26}, // the emoji is one code point
		{"urn:citecheck:evidence:12", "urn:citecheck:source:8", "", "urn:citecheck:source:8", "2026-05-06T08:08:09Z",
			"The cat did not run", "قال «لا» ", "contradicts", "", 9, 28},
	} {
		bodies := evidenceOf(i)
		if len(bodies) != 1 {
			t.Fatalf("annotation %d has %d evidence bodies, want 1", i, len(bodies))
		}
		body := bodies[0]
		if body["id"] != w.id || body["purpose"] != EvidencePurpose || body["citecheck:stance"] != w.stance {
			t.Errorf("evidence body %d: %v", i, body)
		}
		if note, _ := body["citecheck:note"].(string); note != w.note {
			t.Errorf("evidence %d note %q, want %q", i, note, w.note)
		}
		if _, ok := body["value"]; ok {
			t.Errorf("a SpecificResource has a value: %v", body)
		}
		src, _ := body["source"].(map[string]any)
		label, _ := src["label"].(string)
		if src["id"] != w.source || src["type"] != "Text" || label != w.label || !isIRI(src["id"]) {
			t.Errorf("evidence %d source %v, want %s", i, src, w.source)
		}
		state, _ := body["state"].(map[string]any)
		if state["type"] != "TimeState" || state["cached"] != w.cached || state["sourceDate"] != w.date {
			t.Errorf("evidence %d state %v", i, state)
		}
		if _, err := time.Parse(time.RFC3339, w.date); err != nil {
			t.Fatal(err)
		}
		sels, _ := body["selector"].([]any)
		if len(sels) != 2 {
			t.Fatalf("evidence %d selectors %v", i, sels)
		}
		q, _ := sels[0].(map[string]any)
		p, _ := sels[1].(map[string]any)
		if q["type"] != "TextQuoteSelector" || q["exact"] != w.exact || q["prefix"] != w.prefix {
			t.Errorf("evidence %d quote selector %v", i, q)
		}
		if p["type"] != "TextPositionSelector" || p["start"] != w.start || p["end"] != w.end {
			t.Errorf("evidence %d position selector %v, want %v..%v", i, p, w.start, w.end)
		}
	}
	if n := len(evidenceOf(2)); n != 0 {
		t.Errorf("a claim without evidence has %d evidence bodies", n)
	}
}

// TestW3CImportLeavesEvidenceBodiesOut: an export with evidence imports to the same claims as
// without: its passages are not refs (not even from a URL ending in "#ref-7"), notes or a
// status, and no annotation fails on them.
func TestW3CImportLeavesEvidenceBodiesOut(t *testing.T) {
	tx, ex, _ := w3cSample(t)
	ex.Sources, ex.Claims[0].Evidence, ex.Claims[1].Evidence = w3cEvidenceSample(t, ex.ExportedAt)
	b, _ := json.Marshal(BuildW3C(ex))
	anns, err := ParseW3C(b)
	if err != nil {
		t.Fatal(err)
	}
	claims, failures := AnchorW3C(tx, anns)
	if len(failures) != 0 || len(claims) != len(ex.Claims) {
		t.Fatalf("claims %d, failures %+v", len(claims), failures)
	}
	for i, c := range claims {
		w := ex.Claims[i]
		if c.Start != w.Start || c.End != w.End || c.Status != w.Status || c.Note != w.Note || len(c.Evidence) != 0 ||
			len(c.Refs) != len(w.Refs) || (len(w.Refs) > 0 && c.Refs[0] != w.Refs[0]) {
			t.Errorf("claim %d imported as %+v, want %+v without evidence", i, c, w)
		}
	}
}
