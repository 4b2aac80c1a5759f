package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

func TestAssignmentsAreSetReassignedRemovedAndKeptInHistory(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	bo := mustUser(t, s, "bo", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	d := mustDocument(t, s, ana, "Doc")
	due := s.Now().Add(48 * time.Hour).Truncate(time.Second)
	start, end := 0, 5
	a, err := s.SetAssignment(ctx, AssignmentChange{DocumentID: d.ID, CheckerID: ana.ID, EditorID: &ed.ID, DueAt: due, Start: &start, End: &end, By: ed.ID})
	if err != nil {
		t.Fatal(err)
	}
	if a.Checker != "ana" || a.Editor == nil || *a.Editor != "ed" || !a.DueAt.Equal(due) || *a.Start != 0 || *a.End != 5 || a.AssignedBy != "ed" {
		t.Fatalf("assignment = %+v", a)
	}
	if a, err = s.SetAssignment(ctx, AssignmentChange{DocumentID: d.ID, CheckerID: bo.ID, DueAt: due, By: ed.ID}); err != nil || a.Checker != "bo" || a.Editor != nil || a.Start != nil {
		t.Fatalf("reassigned = %+v, %v", a, err)
	}
	mine, err := s.AssignedTo(ctx, bo.ID)
	if err != nil || len(mine) != 1 || mine[0].DocumentID != d.ID {
		t.Fatalf("bo's documents = %+v, %v", mine, err)
	}
	if mine, _ := s.AssignedTo(ctx, ana.ID); len(mine) != 0 {
		t.Fatalf("ana keeps a reassigned document: %+v", mine)
	}
	if err := s.RemoveAssignment(ctx, d.ID, ed.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.RemoveAssignment(ctx, d.ID, ed.ID), citecheck.ECodeNotFound)
	if a, err := s.Assignment(ctx, d.ID); a != nil || err != nil {
		t.Fatalf("after unassigning: %+v, %v", a, err)
	}
	if actions := column(t, s, `SELECT action FROM assignment_events WHERE document_id = ? ORDER BY id`, d.ID); actions != "assigned,reassigned,unassigned" {
		t.Fatalf("assignment history = %q", actions)
	}
	_, err = s.SetAssignment(ctx, AssignmentChange{DocumentID: 999, CheckerID: ana.ID, DueAt: due, By: ed.ID})
	wantCode(t, err, citecheck.ECodeNotFound)
}

func TestDocumentStatesGoStaleWithEveryWriteAndTheDeskFiltersAndSorts(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	bo := mustUser(t, s, "bo", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	d1 := mustDocument(t, s, ana, "B first")
	d2 := mustDocument(t, s, ana, "a second")
	d3 := mustDocument(t, s, ana, "c third")
	stale := func() []int64 {
		t.Helper()
		ids, err := s.StaleStates(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got := stale(); len(got) != 3 {
		t.Fatalf("new documents have no state yet: %v", got)
	}
	put := func(id int64, st citecheck.DocState) {
		t.Helper()
		stamp, err := s.DocumentStamp(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.PutDocumentStates(ctx, []DocumentState{{DocumentID: id, Stamp: stamp, State: st, Progress: citecheck.Progress{Claims: int(id)}}}); err != nil {
			t.Fatal(err)
		}
	}
	put(d1.ID, citecheck.StateUnassigned)
	put(d2.ID, citecheck.StateInReview)
	put(d3.ID, citecheck.StateApproved)
	if got := stale(); len(got) != 0 {
		t.Fatalf("stale after computing: %v", got)
	}
	mustClaim(t, s, ana, d1.ID, 0, 5, nil, "")
	if got := stale(); len(got) != 1 || got[0] != d1.ID {
		t.Fatalf("a new claim leaves the state good: %v", got)
	}
	put(d1.ID, citecheck.StateInProgress)
	due := s.Now().Add(time.Hour)
	if _, err := s.SetAssignment(ctx, AssignmentChange{DocumentID: d2.ID, CheckerID: bo.ID, EditorID: &ed.ID, DueAt: due.Add(time.Hour), By: ed.ID}); err != nil {
		t.Fatal(err)
	}
	if got := stale(); len(got) != 1 || got[0] != d2.ID {
		t.Fatalf("an assignment leaves the state good: %v", got)
	}
	put(d2.ID, citecheck.StateInReview)
	if _, err := s.SetAssignment(ctx, AssignmentChange{DocumentID: d3.ID, CheckerID: ana.ID, DueAt: due, By: ed.ID}); err != nil {
		t.Fatal(err)
	}
	put(d3.ID, citecheck.StateApproved)
	ids := func(f citecheck.DocumentFilter) []int64 {
		t.Helper()
		rows, err := s.Desk(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, r := range rows {
			out = append(out, r.DocumentID)
		}
		return out
	}
	for _, tc := range []struct {
		f    citecheck.DocumentFilter
		want []int64
	}{
		{citecheck.DocumentFilter{}, []int64{d3.ID, d2.ID, d1.ID}},
		{citecheck.DocumentFilter{Sort: "title"}, []int64{d2.ID, d1.ID, d3.ID}},
		{citecheck.DocumentFilter{Sort: "due"}, []int64{d3.ID, d2.ID, d1.ID}},
		{citecheck.DocumentFilter{Sort: "due", Desc: true}, []int64{d2.ID, d3.ID, d1.ID}},
		{citecheck.DocumentFilter{Sort: "state"}, []int64{d1.ID, d2.ID, d3.ID}},
		{citecheck.DocumentFilter{Sort: "checker"}, []int64{d3.ID, d2.ID, d1.ID}},
		{citecheck.DocumentFilter{State: citecheck.StateInReview}, []int64{d2.ID}},
		{citecheck.DocumentFilter{Checker: "bo"}, []int64{d2.ID}},
		{citecheck.DocumentFilter{Editor: "ed", State: citecheck.StateApproved}, nil},
	} {
		if got := ids(tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("Desk(%+v) = %v, want %v", tc.f, got, tc.want)
		}
	}
	rows, _ := s.Desk(ctx, citecheck.DocumentFilter{Checker: "bo"})
	if r := rows[0]; r.State != citecheck.StateInReview || r.Progress.Claims != int(d2.ID) || r.Assignment == nil || *r.Assignment.Editor != "ed" {
		t.Fatalf("desk row = %+v", r)
	}
}
