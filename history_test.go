package citecheck

import (
	"reflect"
	"testing"
)

func TestDiffClaimsAndUpdateAction(t *testing.T) {
	old := &Claim{Start: 0, End: 5, Quote: "Hello", Refs: []int{1}, Status: StatusUnverified, Review: ReviewPending}
	edited := *old
	edited.Refs = []int{1, 2}
	edited.Status = StatusSupported
	reviewed := *old
	reviewed.Review = ReviewRejected
	reviewed.ReviewComment = "source says otherwise"
	for _, tc := range []struct {
		name     string
		old, new *Claim
		want     map[string]FieldChange
		action   string
	}{
		{"edit", old, &edited, map[string]FieldChange{
			"refs":   {From: []int{1}, To: []int{1, 2}},
			"status": {From: "unverified", To: "supported"}}, ActionUpdated},
		{"review", old, &reviewed, map[string]FieldChange{
			"review":         {From: "pending", To: "rejected"},
			"review_comment": {From: "", To: "source says otherwise"}}, ActionReviewed},
		{"nothing", old, old, map[string]FieldChange{}, ActionUpdated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := DiffClaims(tc.old, tc.new)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("diff %v, want %v", got, tc.want)
			}
			if a := UpdateAction(got); a != tc.action {
				t.Fatalf("action %s, want %s", a, tc.action)
			}
		})
	}
	created := DiffClaims(nil, old)
	if len(created) != 8 || created["quote"].From != nil || created["quote"].To != "Hello" {
		t.Fatalf("created diff %v", created)
	}
	deleted := DiffClaims(old, nil)
	if len(deleted) != 8 || deleted["status"].To != nil || deleted["status"].From != "unverified" {
		t.Fatalf("deleted diff %v", deleted)
	}
}
