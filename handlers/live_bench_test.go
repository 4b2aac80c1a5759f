package handlers

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/citecheck/citecheck"
)

// BenchmarkLiveFanOut measures one claim created through the API until each of 100 open desk
// streams holds its event: the write, its commit, the hub's read and the hand-out.
//
//	go test -run '^$' -bench BenchmarkLiveFanOut -benchtime 50x ./handlers/
func BenchmarkLiveFanOut(b *testing.B) {
	h := newHarness(b, Config{MaxStreams: 200})
	h.skipAPIChecks()
	doc := h.createDocument("rita", "A", streamText)
	ctx := context.Background()
	// A hub of its own on the server's store: it wakes on the same commits as the server's.
	hb := newHub(h.st, discardLogger(), 200, 0)
	subs := make([]*subscriber, 100)
	for i := range subs {
		sub, _, err := hb.subscribe(ctx, 0, fmt.Sprint("reader", i))
		if err != nil {
			b.Fatal(err)
		}
		defer hb.unsubscribe(sub)
		subs[i] = sub
	}
	path := fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID)
	b.ResetTimer()
	for range b.N {
		r := h.do("POST", path, "rita", map[string]any{"start": 0, "end": 5, "refs": []int{1}})
		if r.status != http.StatusCreated {
			b.Fatalf("create claim: %d %s", r.status, r.body)
		}
		for _, sub := range subs {
			if e := <-sub.events; e.Name != citecheck.EventClaimCreated {
				b.Fatalf("event %+v", e)
			}
		}
	}
}
