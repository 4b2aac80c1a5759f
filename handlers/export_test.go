package handlers

import (
	"fmt"
	"net/http"
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

// TestExportETagAnswers304UntilAClaimChanges: every format's ETag answers If-None-Match with
// an empty 304 while nothing changes, whatever the export time, and changes with a claim's edit.
func TestExportETagAnswers304UntilAClaimChanges(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Sample", unicodeText)
	start, end := claimAt(doc.Text, "“it works”")
	var cl citecheck.Claim
	h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
		map[string]any{"start": start, "end": end, "refs": []int{1}, "status": "supported"}).json(t, &cl)
	get := func(format, inm string) response {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/documents/%d/export?format=%s", h.srv.URL, doc.ID, format), nil)
		req.Header.Set("Authorization", "Bearer "+h.tokens["ed"])
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		return h.send(http.DefaultClient, req)
	}
	tags := map[string]string{}
	for _, format := range []string{"native", "w3c", "csv", "claimreview"} {
		first := get(format, "")
		tag := first.header.Get("ETag")
		if first.status != 200 || !strings.HasPrefix(tag, `W/"`+format+"-") {
			t.Fatalf("%s: %d, ETag %q", format, first.status, tag)
		}
		if r := get(format, tag); r.status != http.StatusNotModified || len(r.body) != 0 || r.header.Get("ETag") != tag {
			t.Fatalf("%s If-None-Match %s: %d, %d bytes, ETag %q", format, tag, r.status, len(r.body), r.header.Get("ETag"))
		}
		tags[format] = tag
	}
	if r := get("", tags["native"]); r.status != http.StatusNotModified {
		t.Fatalf("the default format's tag is not native's: %d", r.status)
	}
	h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "rita", map[string]any{"version": cl.Version, "note": "changed"})
	for format, tag := range tags {
		if r := get(format, tag); r.status != 200 || r.header.Get("ETag") == tag {
			t.Fatalf("%s after an edit: %d, ETag %q", format, r.status, r.header.Get("ETag"))
		}
	}
}
