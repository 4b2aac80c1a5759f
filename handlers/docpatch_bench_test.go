package handlers

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/citecheck/citecheck"
)

// BenchmarkBigDocumentView measures, on the 5 MB / 25,000-claim document of `make bench-big`,
// in process, what a reader of a new state pays: the view built from all the claims (the
// fallback), the view patched from the previous one after one claim write, and then what each
// reader does with the view: the page and the export (gzipped, as a browser and the load
// command ask for them) and the whole claim list. The write itself is not timed.
//
//	go test -tags sqlite_fts5 -run '^$' -bench BenchmarkBigDocumentView -benchmem ./handlers/
func BenchmarkBigDocumentView(b *testing.B) {
	h := newHarness(b, Config{})
	doc, claims := hotDocument(b, h, 5_000_000, 25_000)
	s := viewServer(h)
	ctx := b.Context()
	d, err := s.loadDocument(ctx, doc.ID)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("full-build", func(b *testing.B) {
		for b.Loop() {
			read, err := h.st.ClaimsWithMark(ctx, doc.ID)
			if err != nil {
				b.Fatal(err)
			}
			newDocState(d, read)
		}
	})
	if _, err := s.documentState(ctx, d); err != nil {
		b.Fatal(err)
	}
	rita := h.userID("rita")
	write := func(b *testing.B, i int) {
		c := claims[i%len(claims)]
		cur, err := h.st.Claim(ctx, c.ID)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := h.st.UpdateClaim(ctx, c.ID, cur.Version, rita, func(c *citecheck.Claim) error {
			c.Note = fmt.Sprint("patched ", i)
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("patch-after-one-write", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			write(b, i)
			b.StartTimer()
			if _, err := s.documentState(ctx, d); err != nil {
				b.Fatal(err)
			}
		}
	})
	cookies := sessionCookies(b, h, "rita")
	for _, r := range []struct{ name, path string }{
		{"page", fmt.Sprintf("/documents/%d", doc.ID)},
		{"export", fmt.Sprintf("/api/v1/documents/%d/export", doc.ID)},
		{"list", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID)},
	} {
		// The same state read again, then a new state per read (one claim write before each,
		// the patch timed with the read), as nearly every read under make bench-big sees.
		for _, fresh := range []bool{false, true} {
			name := r.name
			if fresh {
				name += "-new-state"
			}
			b.Run(name, func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					if fresh {
						b.StopTimer()
						write(b, 1000+i)
						b.StartTimer()
					}
					req := httptest.NewRequest("GET", r.path, nil)
					req.Header.Set("Accept-Encoding", "gzip")
					if r.name == "page" {
						for _, c := range cookies {
							req.AddCookie(c)
						}
					} else {
						req.Header.Set("Authorization", "Bearer "+h.tokens["rita"])
					}
					w := newDiscardResponse()
					h.srv.Config.Handler.ServeHTTP(w, req)
					if w.status != 200 {
						b.Fatalf("%s: %d", r.name, w.status)
					}
					b.ReportMetric(float64(w.n)/1e6, "MB")
				}
			})
		}
	}
}
