package formats

import (
	"bytes"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

// sourcesSample is importSample with a source of entry 1 and a piece of evidence on its
// supported claim.
func sourcesSample(t *testing.T) *Export {
	t.Helper()
	ex := importSample(t)
	text := "Reuters wrote: 👨‍👩‍👧 it works, said café staff."
	status := 200
	ex.Sources = []citecheck.Capture{{ID: 41, Ref: 1, URL: "https://example.org/r", FinalURL: "https://example.org/r2",
		Title: "Reuters", Text: text, TextSHA256: citecheck.TextSHA256(text), Length: citecheck.NewText(text).Len(),
		Method: citecheck.CaptureFetch, HTTPStatus: &status, ContentType: "text/html", CapturedBy: "rita",
		CapturedAt: time.Date(2025, 5, 6, 7, 8, 9, 0, time.UTC)}}
	src := citecheck.NewText(text)
	e, err := citecheck.NewEvidence(&citecheck.Claim{}, &ex.Sources[0], src,
		citecheck.EvidenceInput{Start: 21, End: 29, Stance: "supports", Note: "plain"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	e.ID, e.CreatedBy = 90, "rita"
	ex.Claims[1].Evidence = []citecheck.Evidence{*e}
	return ex
}

// TestPrepareSourcesRoundTrip writes an export with a source and evidence, reads it back and
// prepares it: the source keeps its text, hash, URLs, method, status, type and capture time
// under its file id, and the evidence its passage, stance and note, pointing at that id.
func TestPrepareSourcesRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteExport(&buf, sourcesSample(t)); err != nil {
		t.Fatal(err)
	}
	ex, err := DecodeExport(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	doc, claims, err := PrepareImport(ex, 0)
	if err != nil {
		t.Fatal(err)
	}
	sources, err := PrepareSources(ex, doc, claims, 0)
	if err != nil {
		t.Fatal(err)
	}
	w := ex.Sources[0]
	if len(sources) != 1 {
		t.Fatalf("sources: %+v", sources)
	}
	g := sources[0]
	if g.ID != 41 || g.Text != w.Text || g.TextSHA256 != w.TextSHA256 || g.URL != w.URL || g.FinalURL != w.FinalURL ||
		g.Method != w.Method || g.HTTPStatus == nil || *g.HTTPStatus != 200 || g.ContentType != "text/html" ||
		!g.CapturedAt.Equal(w.CapturedAt) || g.Title != "Reuters" || g.Ref != 1 {
		t.Errorf("source: %+v", g)
	}
	if len(claims[0].Evidence) != 0 || len(claims[1].Evidence) != 1 {
		t.Fatalf("evidence: %+v / %+v", claims[0].Evidence, claims[1].Evidence)
	}
	e := claims[1].Evidence[0]
	if e.SourceID != 41 || e.Ref != 1 || e.Start != 21 || e.End != 29 || e.Quote != "it works" || e.Stance != "supports" ||
		e.Note != "plain" || e.Prefix == "" || e.CreatedByID != 0 {
		t.Errorf("evidence: %+v", e)
	}
}

// TestPrepareSourcesRefusals: each bad source or piece of evidence is refused with its code,
// naming where in the file it is.
func TestPrepareSourcesRefusals(t *testing.T) {
	for _, tt := range []struct {
		name, code, field string
		edit              func(ex *Export)
	}{
		{"hash", ECodeHashMismatch, "sources[0].text_sha256", func(ex *Export) { ex.Sources[0].TextSHA256 = "00" }},
		{"not normalized", ECodeTextNotNormalized, "sources[0].text", func(ex *Export) {
			ex.Sources[0].Text = "a\r\nb"
			ex.Sources[0].TextSHA256 = citecheck.TextSHA256("a\r\nb")
		}},
		{"unknown ref", citecheck.ECodeNotFound, "sources[0].ref", func(ex *Export) { ex.Sources[0].Ref = 9 }},
		{"method", citecheck.ECodeInvalid, "sources[0].method", func(ex *Export) { ex.Sources[0].Method = "scrape" }},
		{"url", citecheck.ECodeInvalid, "sources[0].url", func(ex *Export) { ex.Sources[0].URL = "javascript:alert(1)" }},
		{"status", citecheck.ECodeInvalid, "sources[0].http_status", func(ex *Export) { n := 42; ex.Sources[0].HTTPStatus = &n }},
		{"content type", citecheck.ECodeInvalid, "sources[0].content_type", func(ex *Export) { ex.Sources[0].ContentType = "image/png" }},
		{"no id", citecheck.ECodeInvalid, "sources[0].id", func(ex *Export) { ex.Sources[0].ID = 0 }},
		{"twice", ECodeDuplicateSource, "sources[1].id", func(ex *Export) { ex.Sources = append(ex.Sources, ex.Sources[0]) }},
		{"unknown source", citecheck.ECodeInvalid, "claims[1].evidence[0].source_id", func(ex *Export) { ex.Claims[1].Evidence[0].SourceID = 5 }},
		{"quote", citecheck.ECodeQuoteMismatch, "claims[1].evidence[0].quote", func(ex *Export) { ex.Claims[1].Evidence[0].Quote = "it fails" }},
		{"span", "", "claims[1].evidence[0]", func(ex *Export) { ex.Claims[1].Evidence[0].End = 999 }},
		{"stance", citecheck.ECodeInvalidStance, "claims[1].evidence[0].stance", func(ex *Export) { ex.Claims[1].Evidence[0].Stance = "maybe" }},
		{"note", citecheck.ECodeControlChar, "claims[1].evidence[0].note", func(ex *Export) { ex.Claims[1].Evidence[0].Note = "a\x00b" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ex := sourcesSample(t)
			tt.edit(ex)
			doc, claims, err := PrepareImport(ex, 0)
			if err != nil {
				t.Fatal(err)
			}
			_, err = PrepareSources(ex, doc, claims, 0)
			e, ok := err.(*citecheck.Error)
			if !ok {
				t.Fatalf("error %v, want a *citecheck.Error", err)
			}
			if (tt.code != "" && e.Code != tt.code) || len(e.Field) < len(tt.field) || e.Field[:len(tt.field)] != tt.field {
				t.Errorf("got %s about %q (%s), want %s about %s", e.Code, e.Field, e.Message, tt.code, tt.field)
			}
		})
	}
}
