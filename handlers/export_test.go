package handlers

import (
	"fmt"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/formats"
)

func TestExportNativeAndW3C(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Sample", unicodeText)
	start, end := claimAt(doc.Text, "“it works”")
	h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
		map[string]any{"start": start, "end": end, "refs": []int{1}, "status": "supported", "note": "n"})
	r := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export", doc.ID), "ed", nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v", r.status, r.header)
	}
	var ex formats.Export
	r.json(t, &ex)
	if ex.Format != "citecheck/v1" || ex.OffsetUnit != "codepoint" || ex.Document.Text != doc.Text ||
		ex.Document.TextSHA256 != citecheck.TextSHA256(doc.Text) || ex.Document.Length != doc.Length {
		t.Fatalf("export head: %+v", ex.Document)
	}
	if len(ex.Claims) != 1 || ex.Claims[0].Quote != "“it works”" || ex.Claims[0].Start != start {
		t.Fatalf("export claims: %+v", ex.Claims)
	}
	if ex.Summary.Claims != 1 || ex.Summary.ByStatus["supported"] != 1 || ex.Summary.Markers != len(doc.Citations) {
		t.Fatalf("summary: %+v", ex.Summary)
	}
	if got := string([]rune(ex.Document.Text)[ex.Claims[0].Start:ex.Claims[0].End]); got != ex.Claims[0].Quote {
		t.Fatalf("offsets do not slice the quote: %q", got)
	}
	r = h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export?format=w3c", doc.ID), "ed", nil)
	var w formats.W3CCollection
	r.json(t, &w)
	if w.Type != "AnnotationCollection" || len(w.First.Items) != 1 {
		t.Fatalf("w3c: %s", r.body)
	}
	a := w.First.Items[0]
	if a.Target.Selector[0].Type != "TextQuoteSelector" || a.Target.Selector[0].Exact != "“it works”" ||
		a.Target.Selector[1].Type != "TextPositionSelector" || *a.Target.Selector[1].Start != start {
		t.Fatalf("w3c selectors: %+v", a.Target)
	}
	if r := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export?format=pdf", doc.ID), "ed", nil); r.status != 422 {
		t.Fatalf("unknown format: %d", r.status)
	}
}
