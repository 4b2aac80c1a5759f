package store

import (
	"context"
	"reflect"
	"testing"

	"github.com/citecheck/citecheck"
)

func TestReviewQueueOldestFirstAndFiltered(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	bo := mustUser(t, s, "bo", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	d1 := mustDocument(t, s, ana, "First")
	d2 := mustDocument(t, s, bo, "Second")

	c1 := mustClaim(t, s, ana, d1.ID, 0, 5, []int{46}, citecheck.StatusSupported)
	c2 := mustClaim(t, s, bo, d2.ID, 0, 5, nil, "")
	c3 := mustClaim(t, s, ana, d2.ID, 6, 9, []int{30}, citecheck.StatusSupported)
	done := mustClaim(t, s, ana, d1.ID, 6, 9, nil, "")
	approve(t, s, ed, done.ID)
	// A change moves c1 to the back of the queue: the queue is ordered by the last change.
	if _, err := s.UpdateClaim(ctx, c1.ID, 1, ana.ID, func(c *citecheck.Claim) error { c.Note = "n"; return nil }); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		filter citecheck.QueueFilter
		want   []int64
	}{
		{"all", citecheck.QueueFilter{}, []int64{c2.ID, c3.ID, c1.ID}},
		{"document", citecheck.QueueFilter{DocumentID: d1.ID}, []int64{c1.ID}},
		{"status", citecheck.QueueFilter{Status: citecheck.StatusSupported}, []int64{c3.ID, c1.ID}},
		{"author", citecheck.QueueFilter{Author: "bo"}, []int64{c2.ID}},
		{"author and document", citecheck.QueueFilter{Author: "ana", DocumentID: d2.ID}, []int64{c3.ID}},
		{"nothing matches", citecheck.QueueFilter{Author: "bo", Status: citecheck.StatusSupported}, []int64{}},
		{"unknown author", citecheck.QueueFilter{Author: "nobody"}, []int64{}},
	}
	titles := map[int64]string{d1.ID: "First", d2.ID: "Second"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := s.ReviewQueue(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			got := []int64{}
			for _, it := range items {
				got = append(got, it.Claim.ID)
				if it.DocumentTitle != titles[it.Claim.DocumentID] || it.Claim.Review != citecheck.ReviewPending {
					t.Errorf("item %+v", it)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("queue = %v, want %v", got, tt.want)
			}
		})
	}
	items, _ := s.ReviewQueue(ctx, citecheck.QueueFilter{Author: "bo"})
	if len(items) == 1 && !reflect.DeepEqual(&items[0].Claim, c2) {
		t.Errorf("queued claim = %+v, want %+v", items[0].Claim, c2)
	}
}

func TestCountPending(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	if n, err := s.CountPending(ctx); err != nil || n != 0 {
		t.Fatalf("CountPending on empty = %d, %v", n, err)
	}
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	d := mustDocument(t, s, ana, "d")
	mustClaim(t, s, ana, d.ID, 0, 5, nil, "")
	c := mustClaim(t, s, ana, d.ID, 6, 9, nil, "")
	mustClaim(t, s, ana, d.ID, 10, 12, nil, "")
	approve(t, s, ed, c.ID)
	if n, err := s.CountPending(ctx); err != nil || n != 2 {
		t.Errorf("CountPending = %d, %v; want 2", n, err)
	}
}

// TestReviewQueuePagePagesThroughEveryPendingClaim: pages of the queue, each starting after the
// last claim of the one before, hold every pending claim once in the queue's order, with the
// filtered total on each; a claim decided between two pages shifts nothing.
func TestReviewQueuePagePagesThroughEveryPendingClaim(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	d := mustDocument(t, s, ana, "First")
	var ids []int64
	for i := range 8 {
		st := citecheck.StatusSupported
		if i%2 == 1 {
			st = citecheck.StatusUnverified
		}
		ids = append(ids, mustClaim(t, s, ana, d.ID, i, i+1, nil, st).ID)
	}
	tests := []struct {
		name      string
		filter    citecheck.QueueFilter
		limit     int
		decide    int64 // approved after the first page
		want      []int64
		wantTotal []int // the total each page reports
	}{
		{"all in pages of 3", citecheck.QueueFilter{}, 3, 0, ids, []int{8, 8, 8}},
		{"one page holds all", citecheck.QueueFilter{}, 100, 0, ids, []int{8}},
		{"filtered", citecheck.QueueFilter{Status: citecheck.StatusUnverified}, 3, 0,
			[]int64{ids[1], ids[3], ids[5], ids[7]}, []int{4, 4}},
		{"a claim of the next page decided meanwhile", citecheck.QueueFilter{}, 3, ids[4],
			[]int64{ids[0], ids[1], ids[2], ids[3], ids[5], ids[6], ids[7]}, []int{8, 7, 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int64
			var totals []int
			var after QueueAfter
			for page := 0; ; page++ {
				items, total, err := s.ReviewQueuePage(ctx, tt.filter, after, tt.limit)
				if err != nil {
					t.Fatal(err)
				}
				totals = append(totals, total)
				for _, it := range items {
					got = append(got, it.Claim.ID)
				}
				if page == 0 && tt.decide != 0 {
					approve(t, s, ed, tt.decide)
				}
				if len(items) < tt.limit {
					break
				}
				last := items[len(items)-1].Claim
				after = QueueAfter{UpdatedAt: last.UpdatedAt, ID: last.ID}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("pages hold %v, want %v", got, tt.want)
			}
			if !reflect.DeepEqual(totals, tt.wantTotal) {
				t.Errorf("totals %v, want %v", totals, tt.wantTotal)
			}
		})
	}
}
