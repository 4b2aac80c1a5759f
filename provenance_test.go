package citecheck

import (
	"testing"
	"time"
)

func TestCheckRestoredReview(t *testing.T) {
	ed := &User{ID: 1, Name: "ed", Role: RoleEditor}
	ada := &User{ID: 2, Name: "ada", Role: RoleAdmin}
	rita := &User{ID: 3, Name: "rita", Role: RoleReviewer}
	gone := &User{ID: 4, Name: "gone", Role: RoleEditor, Disabled: true}
	claim := func(review Review, comment, createdBy, anchor string) *Claim {
		return &Claim{CreatedBy: "imp", UpdatedBy: "imp", CreatedByID: 99, UpdatedByID: 99, Anchor: anchor, Imported: &Provenance{
			Review: review, ReviewComment: comment, CreatedBy: createdBy, UpdatedBy: createdBy}}
	}
	cases := []struct {
		name     string
		claim    *Claim
		reviewer *User
		restore  bool
		refused  bool
	}{
		{"approval by another editor", claim(ReviewApproved, "", "rita", "exact"), ed, true, false},
		{"rejection by an admin with a comment", claim(ReviewRejected, "see p. 2", "rita", "exact"), ada, true, false},
		{"pending: nothing to restore", claim(ReviewPending, "", "rita", "exact"), nil, false, false},
		{"no provenance", &Claim{}, ed, false, false},
		{"unknown reviewer", claim(ReviewApproved, "", "rita", "exact"), nil, false, true},
		{"disabled reviewer", claim(ReviewApproved, "", "rita", "exact"), gone, false, true},
		{"a reviewer may not review", claim(ReviewApproved, "", "ralph", "exact"), rita, false, true},
		{"its own author", claim(ReviewApproved, "", "ed", "exact"), ed, false, true},
		{"its author here, the importer", claim(ReviewApproved, "", "rita", "exact"), &User{ID: 99, Name: "imp", Role: RoleAdmin}, false, true},
		{"its importer by id, under another name", claim(ReviewApproved, "", "rita", "exact"), &User{ID: 99, Name: "renamed", Role: RoleAdmin}, false, true},
		{"an orphan", claim(ReviewApproved, "", "rita", "orphaned"), ed, false, true},
		{"a rejection without a comment", claim(ReviewRejected, "  ", "rita", "exact"), ed, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := CheckRestoredReview(tc.claim, tc.reviewer)
			if ok != tc.restore || (err != nil) != tc.refused || (err != nil && ErrorCode(err) != ECodeRestoreRefused) {
				t.Fatalf("= %v, %v; want restore %v, refused %v", ok, err, tc.restore, tc.refused)
			}
		})
	}
}

func TestProvenanceChangesGoFromTheFileToTheClaim(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	now := at.Add(time.Hour)
	p := &Provenance{FromFormat: FromNative, SourceID: "11", Review: ReviewApproved, ReviewedBy: "rita",
		ReviewedAt: &at, CreatedBy: "rita", CreatedAt: &at}
	c := &Claim{Review: ReviewPending, CreatedBy: "ed", CreatedAt: now, UpdatedBy: "ed", UpdatedAt: now}
	got := ProvenanceChanges(p, c)
	want := map[string]FieldChange{
		"from_format": {From: "citecheck/v1"},
		"source_id":   {From: "11"},
		"review":      {From: "approved", To: "pending"},
		"reviewed_by": {From: "rita"},
		"reviewed_at": {From: "2026-01-02T03:04:05Z", To: ""},
		"created_by":  {From: "rita", To: "ed"},
		"created_at":  {From: "2026-01-02T03:04:05Z", To: "2026-01-02T04:04:05Z"},
	}
	if len(got) != len(want) {
		t.Fatalf("changes %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %v, want %v", k, got[k], w)
		}
	}
}
