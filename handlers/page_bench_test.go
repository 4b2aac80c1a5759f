package handlers

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

// bigDocument stores a ~1 MB document built from the real sample with 5,000 claims on it.
func bigDocument(tb testing.TB, h *harness) citecheck.Document {
	sample, err := os.ReadFile("../testdata/user-sample.txt")
	if err != nil {
		tb.Fatal(err)
	}
	var sb strings.Builder
	for sb.Len() < 1<<20 {
		sb.Write(sample)
		sb.WriteString("\n\n")
	}
	doc := h.createDocument("rita", "big", sb.String())
	t := citecheck.NewText(doc.Text)
	step := doc.Length / 5000
	for i := 0; i < 5000; i++ {
		cl := &citecheck.Claim{DocumentID: doc.ID, Start: i * step, End: i*step + step + 40, Refs: []int{30},
			Status: citecheck.Statuses[i%len(citecheck.Statuses)], CreatedByID: 1}
		if cl.End > doc.Length {
			cl.End = doc.Length
		}
		citecheck.FillQuote(t, cl)
		if _, err := h.st.CreateClaim(context.Background(), cl); err != nil {
			tb.Fatal(err)
		}
	}
	return doc
}

// BenchmarkDocumentPage renders the document page of a 1 MB text with 5,000 overlapping claims,
// beside the JSON list of the same claims as a baseline:
//
//	go test -run '^$' -bench BenchmarkDocumentPage ./handlers/
func BenchmarkDocumentPage(b *testing.B) {
	h := newHarness(b, Config{})
	doc := bigDocument(b, h)
	br := h.newBrowser()
	br.login("rita")
	b.Run("page", func(b *testing.B) {
		for b.Loop() {
			r := br.get(fmt.Sprintf("/documents/%d", doc.ID))
			if r.status != http.StatusOK {
				b.Fatal(r.status)
			}
			b.ReportMetric(float64(len(r.body))/1e6, "MB/page")
		}
	})
	b.Run("claims-json", func(b *testing.B) {
		for b.Loop() {
			if r := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", nil); r.status != http.StatusOK {
				b.Fatal(r.status)
			}
		}
	})
}
