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
		{name: "pending undoes", decision: "pending", want: Decision{Review: ReviewPending}},
		{name: "undo", decision: "undo", want: Decision{Review: ReviewPending}},
		{name: "an undo takes no comment", decision: "pending", comment: "oops", code: ECodeInvalid, field: "comment"},
		{name: "unknown decision", decision: "maybe", code: ECodeInvalid, field: "decision"},
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
		{name: "an unknown review is no decision", cur: pending(), editor: editor, d: Decision{Review: "maybe"},
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

func TestParseDecisionRefusesAnOverriddenUndo(t *testing.T) {
	_, err := ParseDecision("pending", "", true)
	wantError(t, err, ECodeInvalid, "override")
}

func TestApplyDecisionUndo(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	ed := User{ID: 5, Name: "ed", Role: RoleEditor} // approvedClaim was approved by ed
	other := User{ID: 6, Name: "eve", Role: RoleEditor}
	admin := User{ID: 7, Name: "ada", Role: RoleAdmin}
	reviewer := User{ID: 2, Name: "ed", Role: RoleReviewer}
	rejected := func() Claim {
		c := approvedClaim()
		c.Review, c.ReviewComment = ReviewRejected, "say which page"
		return c
	}
	undo := Decision{Review: ReviewPending}
	tests := []struct {
		name  string
		cur   Claim
		u     User
		code  string
		field string
	}{
		{name: "the editor who approved", cur: approvedClaim(), u: ed},
		{name: "the editor who rejected", cur: rejected(), u: ed},
		{name: "an admin", cur: approvedClaim(), u: admin},
		{name: "another editor may not", cur: approvedClaim(), u: other, code: ECodeForbidden},
		{name: "a reviewer may not, whatever the name", cur: approvedClaim(), u: reviewer, code: ECodeForbidden},
		{name: "nothing to undo", cur: func() Claim { c := approvedClaim(); ResetReview(&c); return c }(), u: admin,
			code: ECodeInvalid, field: "decision"},
		{name: "changed since the decision", u: ed, code: ECodeInvalid,
			cur: func() Claim { c := approvedClaim(); c.UpdatedAt = c.ReviewedAt.Add(time.Minute); return c }()},
		{name: "unchanged since: a change before the decision", u: ed,
			cur: func() Claim { c := approvedClaim(); c.UpdatedAt = c.ReviewedAt.Add(-time.Minute); return c }()},
		{name: "revised meanwhile", u: ed, code: ECodeConflict,
			cur: func() Claim { c := approvedClaim(); c.Revision = 3; return c }()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := copyOf(tt.cur)
			got, out, err := ApplyDecision(tt.cur, tt.u, undo, 2, nil, now)
			if MayUndo(&tt.u, &tt.cur) != (tt.code == "" || tt.code == ECodeConflict) {
				t.Errorf("MayUndo disagrees with ApplyDecision (%v)", err)
			}
			if tt.code != "" {
				wantError(t, err, tt.code, tt.field)
				if !reflect.DeepEqual(got, before) || out.Undid != "" {
					t.Fatalf("refused undo returned %+v, %+v", got, out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := copyOf(before)
			ResetReview(&want)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("undo =\n%+v\nwant\n%+v", got, want)
			}
			if out.Undid != before.Review || out.UndidBy != "ed" {
				t.Fatalf("outcome %+v", out)
			}
			ch := out.Changes()
			if ch["undone"].From != string(before.Review) || ch["reviewed_by"].From != "ed" {
				t.Fatalf("changes %+v", ch)
			}
			full := DiffClaims(&before, &got)
			for k, v := range ch {
				full[k] = v
			}
			if a := UpdateAction(full); a != ActionReviewUndone || !IsReviewAction(a) {
				t.Fatalf("action %q", a)
			}
		})
	}
	if MayUndo(nil, ptr(approvedClaim())) {
		t.Error("MayUndo(nil) = true")
	}
}

func TestOrphanReasonAndCheckApprovable(t *testing.T) {
	imported := approvedClaim()
	imported.Anchor = string(AnchorOrphaned)
	for _, tt := range []struct {
		name string
		c    Claim
		want string
	}{
		{"anchored", approvedClaim(), ""},
		{"orphaned by revision 2", orphanClaim(), "its text changed in revision 2"},
		{"imported as an orphan", imported, "it was imported without a place in the text"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := OrphanReason(&tt.c, 2); got != tt.want {
				t.Fatalf("OrphanReason = %q, want %q", got, tt.want)
			}
			err := CheckApprovable(&tt.c, 2)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if e := wantError(t, err, ECodeInvalid, ""); !strings.Contains(e.Message, tt.want) {
				t.Fatalf("message %q lacks %q", e.Message, tt.want)
			}
		})
	}
}

func TestLastRejection(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2026, 12, 1, 10, m, 0, 0, time.UTC) }
	ev := func(m int, by, action string, ch map[string]FieldChange) ClaimEvent {
		return ClaimEvent{At: at(m), By: by, Action: action, Changes: ch}
	}
	created := ev(0, "rita", ActionCreated, map[string]FieldChange{"review": {To: "pending"}, "review_comment": {To: ""}})
	reject := func(m int, comment string) ClaimEvent {
		return ev(m, "ed", ActionReviewed, map[string]FieldChange{"review": {From: "pending", To: "rejected"}, "review_comment": {From: "", To: comment}})
	}
	fix := ev(5, "rita", ActionUpdated, map[string]FieldChange{"status": {From: "supported", To: "unsupported"},
		"review": {From: "rejected", To: "pending"}, "review_comment": {From: "page?", To: ""}})
	reRejectSameState := ev(6, "eve", ActionReviewed, map[string]FieldChange{"review_comment": {From: "page?", To: "still no page"}})
	approve := ev(7, "eve", ActionReviewed, map[string]FieldChange{"review": {From: "pending", To: "approved"}})
	undone := ev(8, "ed", ActionReviewUndone, map[string]FieldChange{"review": {From: "rejected", To: "pending"}, "undone": {From: "rejected"}})
	tests := []struct {
		name   string
		events []ClaimEvent
		want   *Rejection
	}{
		{"never reviewed", []ClaimEvent{created}, nil},
		{"rejected", []ClaimEvent{created, reject(1, "page?")}, &Rejection{By: "ed", At: at(1), Comment: "page?"}},
		{"rejected, then fixed", []ClaimEvent{created, reject(1, "page?"), fix}, &Rejection{By: "ed", At: at(1), Comment: "page?"}},
		{"only the reviews, fixed", []ClaimEvent{reject(1, "page?")}, &Rejection{By: "ed", At: at(1), Comment: "page?"}},
		{"rejected again with a new comment", []ClaimEvent{created, reject(1, "page?"), reRejectSameState},
			&Rejection{By: "eve", At: at(6), Comment: "still no page"}},
		{"rejected, fixed, approved", []ClaimEvent{created, reject(1, "page?"), fix, approve}, nil},
		{"rejection undone", []ClaimEvent{created, reject(1, "page?"), undone}, nil},
		{"rejected after an undo", []ClaimEvent{created, reject(1, "a"), undone, reject(9, "b")}, &Rejection{By: "ed", At: at(9), Comment: "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LastRejection(tt.events); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("LastRejection = %+v, want %+v", got, tt.want)
			}
		})
	}
}
