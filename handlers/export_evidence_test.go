package handlers

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/formats"
)

// TestNativeExportImportExportKeepsSourcesAndEvidence exports a document with two sources and
// evidence, imports the file through the API, and exports the copy: the copy has the same
// sources (text, hash, method, URL, title, capture time) and the same evidence (passage,
// stance, note), with new ids that point at the copy's own claims and sources, and who added
// them is the importer.
func TestNativeExportImportExportKeepsSourcesAndEvidence(t *testing.T) {
	h := newHarness(t, Config{})
	f := newEvidenceFixture(t, h)
	var second citecheck.Capture
	r := h.do("POST", sourcesPath(f.doc.ID, 1), "rita", map[string]any{"text": "A later capture.", "title": "Later",
		"url": "https://example.org/later"})
	if r.status != 201 {
		t.Fatalf("capture: %d %s", r.status, r.body)
	}
	r.json(t, &second)
	start, end := cpSpan(t, evidenceSource, "café: talks began in Vienna.")
	for _, body := range []map[string]any{
		{"source_id": f.source.ID, "start": start, "end": end, "stance": "supports", "note": "the line itself"},
		{"source_id": second.ID, "start": 8, "end": 15, "stance": "context"},
	} {
		if r := h.do("POST", fmt.Sprintf("/api/v1/claims/%d/evidence", f.claim.ID), "rita", body); r.status != 201 {
			t.Fatalf("evidence: %d %s", r.status, r.body)
		}
	}
	first := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export", f.doc.ID), "rita", nil)
	if first.status != 200 {
		t.Fatalf("export: %d %s", first.status, first.body)
	}
	r = h.do("POST", "/api/v1/import", "ralph", json.RawMessage(first.body))
	if r.status != 201 {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	var created struct {
		DocumentID int64 `json:"document_id"`
	}
	r.json(t, &created)
	again := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export", created.DocumentID), "ralph", nil)
	if again.status != 200 {
		t.Fatalf("export of the copy: %d %s", again.status, again.body)
	}
	var a, b formats.Export
	if err := json.Unmarshal(first.body, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(again.body, &b); err != nil {
		t.Fatal(err)
	}
	checkCopiedSources(t, a.Sources, b.Sources, created.DocumentID)
	checkCopiedEvidence(t, a, b)
}

// checkCopiedSources compares the sources of an export (was) with those of its imported copy.
func checkCopiedSources(t *testing.T, was, got []citecheck.Capture, doc int64) {
	t.Helper()
	if len(was) != 2 || len(got) != len(was) {
		t.Fatalf("sources: %d exported, %d in the copy", len(was), len(got))
	}
	for i, w := range was {
		g := got[i]
		if g.ID == w.ID || g.DocumentID != doc || g.Text != w.Text || g.Text == "" || g.TextSHA256 != w.TextSHA256 ||
			g.Ref != w.Ref || g.URL != w.URL || g.Title != w.Title || g.Method != w.Method || !g.CapturedAt.Equal(w.CapturedAt) ||
			g.CapturedBy != "ralph" {
			t.Errorf("source %d: copy %+v of %+v", i, g, w)
		}
	}
}

// checkCopiedEvidence compares the evidence of each claim of two exports, by position.
func checkCopiedEvidence(t *testing.T, a, b formats.Export) {
	t.Helper()
	newSource := map[int64]int64{}
	for i := range a.Sources {
		newSource[a.Sources[i].ID] = b.Sources[i].ID
	}
	if len(a.Claims) != 1 || len(b.Claims) != 1 || len(a.Claims[0].Evidence) != 2 {
		t.Fatalf("claims: %d and %d", len(a.Claims), len(b.Claims))
	}
	was, got := a.Claims[0].Evidence, b.Claims[0].Evidence
	if len(got) != len(was) {
		t.Fatalf("evidence: %d exported, %d in the copy", len(was), len(got))
	}
	for i, w := range was {
		g := got[i]
		if g.ID == w.ID || g.ClaimID != b.Claims[0].ID || g.SourceID != newSource[w.SourceID] || g.Ref != w.Ref ||
			g.Start != w.Start || g.End != w.End || g.Quote != w.Quote || g.Prefix != w.Prefix || g.Suffix != w.Suffix ||
			g.Stance != w.Stance || g.Note != w.Note || g.CreatedBy != "ralph" {
			t.Errorf("evidence %d: copy %+v of %+v", i, g, w)
		}
	}
}

// TestExportsCarryEvidence: through the real router, an approved claim resting on a passage of a
// captured page shows it in every export: in W3C as a SpecificResource body on the page's URL
// with the capture as its cached state, in CSV in the evidence column of the claim's one row,
// and in ClaimReview as the review's citation. Importing the W3C export into another document
// keeps the claim and leaves the passage out, with no failure.
func TestExportsCarryEvidence(t *testing.T) {
	h := newHarness(t, Config{})
	f := newPageEvidenceFixture(t, h)
	if r, _ := h.review("ed", f.claim.ID, map[string]any{"decision": "approved"}); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	export := func(format string) []byte {
		r := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export?format=%s", f.doc.ID, format), "rita", nil)
		if r.status != 200 {
			t.Fatalf("%s export: %d %s", format, r.status, r.body)
		}
		return r.body
	}
	w3c := export("w3c")
	var coll formats.W3CCollection
	if err := json.Unmarshal(w3c, &coll); err != nil || len(coll.First.Items) != 1 {
		t.Fatalf("w3c: %v %s", err, w3c)
	}
	var ev *formats.W3CBody
	for i, b := range coll.First.Items[0].Body {
		if b.Type == "SpecificResource" {
			ev = &coll.First.Items[0].Body[i]
		}
	}
	if ev == nil || ev.Source.ID != f.source.URL || ev.State.Cached != formats.SourceIRI(f.source.ID) ||
		ev.Stance != "supports" || ev.Note != f.ev.Note || ev.Selector[0].Exact != f.ev.Quote || *ev.Selector[1].Start != f.ev.Start {
		t.Fatalf("w3c evidence body %+v", ev)
	}
	csv := string(export("csv"))
	if want := fmt.Sprintf("supports: “%s” (source %d, ref 1)", f.ev.Quote, f.source.ID); !strings.Contains(csv, want) ||
		strings.Count(csv, "\n") != 2 {
		t.Errorf("csv lacks %q in one row per claim:\n%s", want, csv)
	}
	var feed struct {
		Graph []formats.ClaimReview `json:"@graph"`
	}
	if err := json.Unmarshal(export("claimreview"), &feed); err != nil || len(feed.Graph) != 1 ||
		len(feed.Graph[0].Citation) != 1 || feed.Graph[0].Citation[0].URL != f.source.URL {
		t.Fatalf("claimreview citation: %+v (%v)", feed.Graph, err)
	}
	other := h.createDocument("ralph", "copy", sourcesDocText)
	r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/import?format=w3c", other.ID), "ralph", json.RawMessage(w3c))
	var res struct {
		Anchored int               `json:"anchored"`
		Failures []json.RawMessage `json:"failures"`
	}
	r.json(t, &res)
	if r.status != 201 || res.Anchored != 1 || len(res.Failures) != 0 {
		t.Fatalf("w3c import: %d %s", r.status, r.body)
	}
	var claims struct{ Claims []citecheck.Claim }
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims", other.ID), "ralph", nil).json(t, &claims)
	if len(claims.Claims) != 1 || len(claims.Claims[0].Evidence) != 0 || claims.Claims[0].Refs[0] != 1 {
		t.Fatalf("imported claims %+v", claims.Claims)
	}
}
