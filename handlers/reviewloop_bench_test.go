package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/citecheck/citecheck"
)

// BenchmarkReviewLoop prices what the review loop adds on a 1 MB text with 5,000 claims, the
// first 100 of them rejected and fixed since: the printable report of every claim beside the
// document page (its same-run baseline), and the panel page beside the lookup of its standing
// rejections (store.ReviewEvents and citecheck.LastRejection for its 100 claims) that it now
// makes.
func BenchmarkReviewLoop(b *testing.B) {
	h := newHarness(b, Config{})
	doc, claims := hotDocument(b, h, 1<<20, 5000)
	ctx := context.Background()
	ed, _, err := h.st.UserByName(ctx, "ed")
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, 100)
	for i := range ids {
		cl := claims[i]
		ids[i] = cl.ID
		dec := citecheck.Decision{Review: citecheck.ReviewRejected, Comment: fmt.Sprintf("fix %d", i)}
		rej, err := h.st.ReviewClaim(ctx, cl.ID, cl.Version, ed.ID, func(cur citecheck.Claim) (citecheck.Claim, citecheck.ReviewOutcome, error) {
			cur.Review, cur.ReviewComment, cur.ReviewedBy = dec.Review, dec.Comment, &ed.Name
			return cur, citecheck.ReviewOutcome{}, nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := h.st.UpdateClaim(ctx, cl.ID, rej.Version, claims[i].CreatedByID, func(c *citecheck.Claim) error {
			c.Refs = append(c.Refs, 99)
			citecheck.ResetReview(c)
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	cookies := sessionCookies(b, h, "ed")
	get := func(b *testing.B, path string) {
		for b.Loop() {
			req := httptest.NewRequest("GET", path, nil)
			for _, c := range cookies {
				req.AddCookie(c)
			}
			rec := serveInProcess(h, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("%s: %d %.300s", path, rec.Code, rec.Body)
			}
			b.ReportMetric(float64(rec.Body.Len())/1e6, "MB/page")
		}
	}
	b.Run("report", func(b *testing.B) { get(b, fmt.Sprintf("/documents/%d/report", doc.ID)) })
	b.Run("baseline-document-page", func(b *testing.B) { get(b, fmt.Sprintf("/documents/%d", doc.ID)) })
	b.Run("panel", func(b *testing.B) { get(b, fmt.Sprintf("/documents/%d/panel?panel=1", doc.ID)) })
	b.Run("panel-rejection-lookup", func(b *testing.B) {
		for b.Loop() {
			events, err := h.st.ReviewEvents(ctx, ids)
			if err != nil {
				b.Fatal(err)
			}
			if len(events) != len(ids) || citecheck.LastRejection(events[ids[0]]) == nil {
				b.Fatalf("lookup found %d claims' reviews", len(events))
			}
		}
	})
}
