package handlers

import (
	"encoding/json"
	"fmt"
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
