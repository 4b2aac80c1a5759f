package citecheck

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseDecision(t *testing.T) {
	tests := []struct {
		name              string
		decision, comment string
		want              Decision
		code, field       string
	}{
		{name: "approved", decision: "approved", want: Decision{Review: ReviewApproved}},
		{name: "approve, trimmed comment", decision: "approve", comment: "  ok \n", want: Decision{Review: ReviewApproved, Comment: "ok"}},
		{name: "rejected with a comment", decision: "rejected", comment: "fix ref 3", want: Decision{Review: ReviewRejected, Comment: "fix ref 3"}},
		{name: "reject", decision: "reject", comment: "why", want: Decision{Review: ReviewRejected, Comment: "why"}},
		{name: "rejection needs a comment", decision: "rejected", comment: " \t", code: ECodeInvalid, field: "comment"},
		{name: "pending is no decision", decision: "pending", code: ECodeInvalid, field: "decision"},
		{name: "empty decision", decision: "", code: ECodeInvalid, field: "decision"},
		{name: "comment too long", decision: "approved", comment: strings.Repeat("é", MaxCommentLen+1), code: ECodeTooLong, field: "comment"},
		{name: "comment with a control character", decision: "approved", comment: "a\x07", code: ECodeControlChar, field: "comment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDecision(tt.decision, tt.comment, false)
			if tt.code != "" {
				wantError(t, err, tt.code, tt.field)
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDecision = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestApplyDecision(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	editor := User{ID: 5, Name: "eve", Role: RoleEditor}
	admin := User{ID: 6, Name: "ada", Role: RoleAdmin}
	reviewer := User{ID: 2, Name: "rex", Role: RoleReviewer}
	pending := func() Claim {
		c := approvedClaim()
		ResetReview(&c)
		c.CreatedByID, c.UpdatedByID = 1, 2
		return c
	}
	problems := []Check{{Code: CheckUnknownRef, Refs: []int{9}, Message: "no marker carries 9"}, {Code: CheckNoRefs}}
	approve, reject := Decision{Review: ReviewApproved}, Decision{Review: ReviewRejected, Comment: "fix it"}
	override := Decision{Review: ReviewApproved, Override: true}
	tests := []struct {
		name     string
		cur      Claim
		editor   User
		d        Decision
		checks   []Check
		code     string // "" for accepted
		field    string
		overrode bool
	}{
		{name: "editor approves", cur: pending(), editor: editor, d: approve},
		{name: "admin rejects", cur: pending(), editor: admin, d: reject},
		{name: "approve again after another editor", cur: approvedClaim(), editor: editor, d: approve},
		{name: "reviewer may not", cur: pending(), editor: reviewer, d: approve, code: ECodeForbidden},
		{name: "not the creator", cur: pending(), editor: User{ID: 1, Name: "cy", Role: RoleEditor}, d: approve, code: ECodeOwnClaim},
		{name: "not the last changer", cur: pending(), editor: User{ID: 2, Name: "lu", Role: RoleAdmin}, d: reject, code: ECodeOwnClaim},
		{name: "an orphan is not approved", cur: orphanClaim(), editor: editor, d: override, code: ECodeInvalid},
		{name: "an orphan may be rejected", cur: orphanClaim(), editor: editor, d: reject},
		{name: "an orphan of an earlier revision is not approved", editor: editor, d: override, code: ECodeInvalid,
			cur: func() Claim { c := pending(); c.Revision = 1; return c }()},
		{name: "revised meanwhile", editor: editor, d: approve, code: ECodeConflict,
			cur: func() Claim { c := pending(); c.Revision = 3; return c }()},
		{name: "open checks need override", cur: pending(), editor: editor, d: approve, checks: problems,
			code: ECodeUnresolvedChecks, field: "override"},
		{name: "override used", cur: pending(), editor: editor, d: override, checks: problems, overrode: true},
		{name: "override without checks is not used", cur: pending(), editor: editor, d: override},
		{name: "rejection over open checks needs no override", cur: pending(), editor: editor, d: reject, checks: problems},
		{name: "a decision not parsed is still held to the rules", cur: pending(), editor: editor,
			d: Decision{Review: ReviewRejected}, code: ECodeInvalid, field: "comment"},
		{name: "pending is no decision", cur: pending(), editor: editor, d: Decision{Review: ReviewPending},
			code: ECodeInvalid, field: "decision"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := copyOf(tt.cur)
			got, out, err := ApplyDecision(tt.cur, tt.editor, tt.d, 2, tt.checks, now)
			if !reflect.DeepEqual(tt.cur, before) {
				t.Fatalf("ApplyDecision changed its argument: %+v", tt.cur)
			}
			if tt.code != "" {
				e := wantError(t, err, tt.code, tt.field)
				if tt.code == ECodeUnresolvedChecks && !strings.Contains(e.Message, "unknown-ref, no-refs") {
					t.Errorf("message %q does not name the checks", e.Message)
				}
				if !reflect.DeepEqual(got, before) || out.Overrode {
					t.Fatalf("refused decision returned %+v, %+v", got, out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := copyOf(tt.cur)
			at := now.UTC()
			want.Review, want.ReviewComment, want.ReviewedBy, want.ReviewedAt = tt.d.Review, tt.d.Comment, &tt.editor.Name, &at
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("ApplyDecision =\n%+v\nwant\n%+v", got, want)
			}
			if out.Overrode != tt.overrode {
				t.Fatalf("Overrode = %v, want %v", out.Overrode, tt.overrode)
			}
		})
	}
}

func TestMayReviewFollowsApplyDecision(t *testing.T) {
	c := approvedClaim()
	c.CreatedByID, c.UpdatedByID = 1, 2
	for _, u := range []User{
		{ID: 1, Role: RoleEditor}, {ID: 2, Role: RoleAdmin}, {ID: 3, Role: RoleReviewer},
		{ID: 4, Role: RoleEditor}, {ID: 5, Role: RoleAdmin},
	} {
		_, _, err := ApplyDecision(c, u, Decision{Review: ReviewApproved}, 2, nil, time.Time{})
		if got := MayReview(&u, &c); got != (err == nil) {
			t.Errorf("user %d (%s): MayReview = %v, ApplyDecision err = %v", u.ID, u.Role, got, err)
		}
	}
	if MayReview(nil, &c) {
		t.Error("MayReview(nil) = true")
	}
}
