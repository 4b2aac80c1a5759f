package store

import (
	"context"
	"reflect"
	"testing"

	"github.com/citecheck/citecheck"
)

// decide records u's decision d on claim id through ReviewClaim and ApplyDecision at the store's
// clock, as the handlers do.
func decide(t *testing.T, s *Store, u *citecheck.User, id int64, d citecheck.Decision) (*citecheck.Claim, error) {
	t.Helper()
	c, err := s.Claim(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	now := s.Now()
	return s.ReviewClaim(context.Background(), id, c.Version, u.ID, func(cur citecheck.Claim) (citecheck.Claim, citecheck.ReviewOutcome, error) {
		return citecheck.ApplyDecision(cur, *u, d, 1, nil, now)
	})
}

func undo(t *testing.T, s *Store, u *citecheck.User, id int64) (*citecheck.Claim, error) {
	t.Helper()
	return decide(t, s, u, id, citecheck.Decision{Review: citecheck.ReviewPending})
}

func mustReject(t *testing.T, s *Store, u *citecheck.User, id int64, comment string) *citecheck.Claim {
	t.Helper()
	c, err := decide(t, s, u, id, citecheck.Decision{Review: citecheck.ReviewRejected, Comment: comment})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestUndoOfADecisionIsANewHistoryEvent(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	eve := mustUser(t, s, "eve", citecheck.RoleEditor)
	c := mustClaim(t, s, ana, mustDocument(t, s, ana, "d").ID, 0, 5, []int{46}, "")
	approved, err := decide(t, s, ed, c.ID, citecheck.Decision{Review: citecheck.ReviewApproved, Comment: "fine"})
	if err != nil {
		t.Fatal(err)
	}
	before := mustHistory(t, s, c.ID)

	if _, err = undo(t, s, eve, c.ID); citecheck.ErrorCode(err) != citecheck.ECodeForbidden {
		t.Fatalf("another editor's undo: %v", err)
	}
	if now, _ := s.Claim(ctx, c.ID); !reflect.DeepEqual(now, approved) || len(mustHistory(t, s, c.ID)) != len(before) {
		t.Fatal("a refused undo changed the claim or its history")
	}
	got, err := undo(t, s, ed, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Review != citecheck.ReviewPending || got.ReviewedBy != nil || got.ReviewedAt != nil || got.ReviewComment != "" ||
		got.Version != approved.Version+1 || got.UpdatedByID != ana.ID || !got.UpdatedAt.Equal(approved.UpdatedAt) {
		t.Fatalf("undone claim = %+v", got)
	}
	events := mustHistory(t, s, c.ID)
	if len(events) != len(before)+1 || !reflect.DeepEqual(events[:len(before)], before) {
		t.Fatalf("the undo changed the recorded history: %+v", events)
	}
	last := events[len(events)-1]
	want := map[string]citecheck.FieldChange{
		"review":         {From: "approved", To: "pending"},
		"review_comment": {From: "fine", To: ""},
		"undone":         {From: "approved"},
		"reviewed_by":    {From: "ed"},
	}
	if last.Action != citecheck.ActionReviewUndone || last.By != "ed" || !reflect.DeepEqual(last.Changes, want) {
		t.Fatalf("undo event %+v", last)
	}
	if _, err := undo(t, s, ed, c.ID); citecheck.ErrorCode(err) != citecheck.ECodeInvalid {
		t.Fatalf("a second undo: %v", err)
	}
	// ed may decide again: the undo did not make the claim his.
	approve(t, s, ed, c.ID)
}

func TestReviewEventsAndLastRejection(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	d := mustDocument(t, s, ana, "d")
	rejected := mustClaim(t, s, ana, d.ID, 0, 5, []int{46}, "")
	untouched := mustClaim(t, s, ana, d.ID, 6, 9, nil, "")
	r0 := mustReject(t, s, ed, rejected.ID, "which page?")
	// The fix sends it back to pending and clears the comment on the claim.
	fixed, err := s.UpdateClaim(ctx, rejected.ID, rejected.Version+1, ana.ID, func(c *citecheck.Claim) error {
		c.Status = citecheck.StatusUnsupported
		citecheck.ResetReview(c)
		return nil
	})
	if err != nil || fixed.Review != citecheck.ReviewPending || fixed.ReviewComment != "" {
		t.Fatalf("fix: %v %+v", err, fixed)
	}
	got, err := s.ReviewEvents(ctx, []int64{rejected.ID, untouched.ID, 999})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[rejected.ID]) != 1 || got[rejected.ID][0].Action != citecheck.ActionReviewed {
		t.Fatalf("ReviewEvents = %+v", got)
	}
	r := citecheck.LastRejection(got[rejected.ID])
	if r == nil || r.By != "ed" || r.Comment != "which page?" || !r.At.Equal(got[rejected.ID][0].At) || r0.Review != citecheck.ReviewRejected {
		t.Fatalf("LastRejection = %+v", r)
	}
	if full := citecheck.LastRejection(mustHistory(t, s, rejected.ID)); !reflect.DeepEqual(full, r) {
		t.Fatalf("from the whole history %+v, from the reviews %+v", full, r)
	}
	if none, err := s.ReviewEvents(ctx, nil); err != nil || len(none) != 0 {
		t.Fatalf("ReviewEvents(nil) = %v, %v", none, err)
	}
}

func TestRejectedClaimsOfListsAFactCheckersRejectedClaims(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	bo := mustUser(t, s, "bo", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	d := mustDocument(t, s, ana, "Doc")
	mine := mustClaim(t, s, ana, d.ID, 0, 5, []int{46}, "")
	theirs := mustClaim(t, s, bo, d.ID, 6, 9, nil, "")
	approved := mustClaim(t, s, ana, d.ID, 10, 12, nil, "")
	mustReject(t, s, ed, mine.ID, "no")
	mustReject(t, s, ed, theirs.ID, "no")
	approve(t, s, ed, approved.ID)
	items, err := s.RejectedClaimsOf(ctx, ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Claim.ID != mine.ID || items[0].DocumentTitle != "Doc" || items[0].Claim.ReviewComment != "no" {
		t.Fatalf("ana's rejected claims: %+v", items)
	}
	if items, _ := s.RejectedClaimsOf(ctx, ed.ID); len(items) != 0 {
		t.Fatalf("ed's rejected claims: %+v", items)
	}
}

func TestReviewQueueFiltersOrphans(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleAdmin)
	d := newDoc(t, s, ana, rev1)
	kept := claimOn(t, s, ana, d, "Alpha beta gamma")
	gone := claimOn(t, s, ana, d, "A short one.")
	if _, err := s.ReviseDocument(ctx, plan(t, s, d, rev2, ana.ID)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		f    citecheck.QueueFilter
		want []int64
	}{
		{citecheck.QueueFilter{}, []int64{kept.ID, gone.ID}},
		{citecheck.QueueFilter{Orphaned: true}, []int64{gone.ID}},
	} {
		items, total, err := s.ReviewQueuePage(ctx, tt.f, QueueAfter{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, it := range items {
			got = append(got, it.Claim.ID)
		}
		if !reflect.DeepEqual(got, tt.want) || total != len(tt.want) {
			t.Errorf("queue %+v = %v (total %d), want %v", tt.f, got, total, tt.want)
		}
	}
}
