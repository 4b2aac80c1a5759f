package citecheck

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// ruleText is the current text (revision 2) of the claims the rule tests change: 27 code points.
var ruleText = NewText("Kurds 👩🏽 fled [46] in 1991.")

// approvedClaim is a claim anchored in revision 2 of ruleText at "fled" (9..13), approved.
func approvedClaim() Claim {
	by, at := "ed", time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	c := Claim{ID: 7, DocumentID: 3, Start: 9, End: 13, Refs: []int{46}, Status: StatusSupported,
		Note: "p. 4", Review: ReviewApproved, ReviewComment: "fine", ReviewedBy: &by, ReviewedAt: &at,
		CreatedByID: 1, UpdatedByID: 1, Version: 4, Revision: 2, Anchor: string(AnchorExact), AnchorScore: 1}
	FillQuote(ruleText, &c)
	return c
}

// orphanClaim is approvedClaim orphaned by revision 2: anchored in revision 1, pending.
func orphanClaim() Claim {
	c := approvedClaim()
	c.Revision, c.Anchor, c.OldQuote = 1, string(AnchorOrphaned), "fled"
	c.Quote, c.Prefix, c.Suffix = "fled", "old prefix ", " old suffix"
	ResetReview(&c)
	return c
}

func ptr[T any](v T) *T { return &v }

func TestApplyChange(t *testing.T) {
	tests := []struct {
		name    string
		cur     Claim
		ch      ClaimChange
		code    string // "" for accepted
		field   string
		want    func(c *Claim) // the expected claim, from cur
		pending bool           // whether the change sends the review back to pending
	}{
		{name: "note alone keeps the review", cur: approvedClaim(), ch: ClaimChange{Note: ptr("p. 5")},
			want: func(c *Claim) { c.Note = "p. 5" }},
		{name: "nothing changed keeps the review", cur: approvedClaim(),
			ch: ClaimChange{Refs: &[]int{46}, Status: ptr(StatusSupported), Start: ptr(9), End: ptr(13)}},
		{name: "refs reset the review", cur: approvedClaim(), ch: ClaimChange{Refs: &[]int{47, 46}},
			want: func(c *Claim) { c.Refs = []int{46, 47} }, pending: true},
		{name: "status resets the review", cur: approvedClaim(), ch: ClaimChange{Status: ptr(StatusUnsupported)},
			want: func(c *Claim) { c.Status = StatusUnsupported }, pending: true},
		{name: "empty status is unverified", cur: approvedClaim(), ch: ClaimChange{Status: ptr(Status(""))},
			want: func(c *Claim) { c.Status = StatusUnverified }, pending: true},
		{name: "span resets the review and takes the text", cur: approvedClaim(), ch: ClaimChange{Start: ptr(0)},
			want: func(c *Claim) { c.Start = 0; FillQuote(ruleText, c) }, pending: true},
		{name: "orphan changes refs without a span", cur: orphanClaim(), ch: ClaimChange{Refs: &[]int{1}},
			want: func(c *Claim) { c.Refs = []int{1} }, pending: true},
		{name: "orphan keeps old span and context on a note", cur: orphanClaim(), ch: ClaimChange{Note: ptr("x")},
			want: func(c *Claim) { c.Note = "x" }},
		{name: "orphan anchored by hand", cur: orphanClaim(), ch: ClaimChange{Start: ptr(19), End: ptr(26)},
			want: func(c *Claim) {
				c.Start, c.End, c.Revision, c.Anchor, c.AnchorScore, c.OldQuote = 19, 26, 2, string(AnchorExact), 1, ""
				FillQuote(ruleText, c)
			}, pending: true},
		{name: "orphan with start alone", cur: orphanClaim(), ch: ClaimChange{Start: ptr(0)},
			code: ECodeOffsetOutOfRange, field: "end"},
		{name: "orphan with end alone", cur: orphanClaim(), ch: ClaimChange{End: ptr(5)},
			code: ECodeOffsetOutOfRange, field: "start"},
		{name: "orphan anchored outside the text", cur: orphanClaim(), ch: ClaimChange{Start: ptr(20), End: ptr(99)},
			code: ECodeOffsetOutOfRange, field: "end"},
		{name: "revised meanwhile", cur: func() Claim { c := approvedClaim(); c.Revision = 3; return c }(),
			ch: ClaimChange{Note: ptr("x")}, code: ECodeConflict},
		{name: "span of white space", cur: approvedClaim(), ch: ClaimChange{Start: ptr(13), End: ptr(14)},
			code: ECodeEmptySpan, field: "start"},
		{name: "span checked before refs", cur: approvedClaim(), ch: ClaimChange{End: ptr(99), Refs: &[]int{0}},
			code: ECodeOffsetOutOfRange, field: "end"},
		{name: "bad refs", cur: approvedClaim(), ch: ClaimChange{Refs: &[]int{3, 3}}, code: ECodeInvalidRefs, field: "refs"},
		{name: "too many refs", cur: orphanClaim(), ch: ClaimChange{Refs: ptr(make([]int, MaxRefsPerClaim+1))},
			code: ECodeTooManyRefs, field: "refs"},
		{name: "bad status", cur: approvedClaim(), ch: ClaimChange{Status: ptr(Status("true"))},
			code: ECodeInvalidStatus, field: "status"},
		{name: "note too long", cur: approvedClaim(), ch: ClaimChange{Note: ptr(strings.Repeat("n", MaxNoteLen+1))},
			code: ECodeTooLong, field: "note"},
		{name: "note with a control character", cur: approvedClaim(), ch: ClaimChange{Note: ptr("a\x00b")},
			code: ECodeControlChar, field: "note"},
		{name: "note with CRLF from a form", cur: approvedClaim(), ch: ClaimChange{Note: ptr("a\r\n\tb")},
			want: func(c *Claim) { c.Note = "a\r\n\tb" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := copyOf(tt.cur)
			got, err := ApplyChange(tt.cur, ruleText, 2, tt.ch)
			if !reflect.DeepEqual(tt.cur, before) {
				t.Fatalf("ApplyChange changed its argument: %+v", tt.cur)
			}
			if tt.code != "" {
				wantError(t, err, tt.code, tt.field)
				if !reflect.DeepEqual(got, before) {
					t.Fatalf("refused change returned %+v, want the claim as it was", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := copyOf(tt.cur)
			if tt.want != nil {
				tt.want(&want)
			}
			if tt.pending {
				ResetReview(&want)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("ApplyChange =\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}

// copyOf copies a claim deeply enough that changing the copy leaves c as it was.
func copyOf(c Claim) Claim {
	c.Refs = slices.Clone(c.Refs)
	if c.ReviewedBy != nil {
		c.ReviewedBy = ptr(*c.ReviewedBy)
	}
	if c.ReviewedAt != nil {
		c.ReviewedAt = ptr(*c.ReviewedAt)
	}
	return c
}

func TestOrphansOfRevisions(t *testing.T) {
	claim := func(id int64, rev int, anchor AnchorKind) Claim {
		return Claim{ID: id, Quote: "q" + string(rune('0'+id)), Revision: rev, Anchor: string(anchor)}
	}
	t.Run("orphaned by the current revision", func(t *testing.T) {
		now := []Claim{claim(1, 3, AnchorExact), claim(2, 2, AnchorOrphaned), claim(3, 1, AnchorOrphaned),
			claim(4, 3, AnchorOrphaned), claim(5, 2, AnchorFuzzy)}
		var ids []int64
		for _, c := range OrphanedBy(3, now) {
			ids = append(ids, c.ID)
		}
		// 2: orphaned by 3. 3: orphaned by 2. 4: imported as an orphan into 3. 5: anchored in 2,
		// which only an orphan of 3 can be.
		if !slices.Equal(ids, []int64{2, 5}) {
			t.Fatalf("OrphanedBy(3) = %v, want [2 5]", ids)
		}
	})
	t.Run("lost between two old revisions", func(t *testing.T) {
		prev := []Claim{claim(1, 1, AnchorExact), claim(2, 1, AnchorExact), claim(3, 1, AnchorExact)}
		next := []Claim{claim(1, 2, AnchorExact), claim(3, 2, AnchorMoved), claim(9, 2, AnchorExact)}
		got := OrphansOf(prev, next)
		if len(got) != 1 || got[0].ID != 2 || got[0].OldQuote != "q2" || got[0].Quote != "q2" || got[0].Revision != 1 {
			t.Fatalf("OrphansOf = %+v, want claim 2 as it was, its quote as its old quote", got)
		}
		if prev[1].OldQuote != "" {
			t.Fatalf("OrphansOf changed its argument: %+v", prev[1])
		}
	})
	t.Run("none lost", func(t *testing.T) {
		if got := OrphansOf(nil, []Claim{claim(1, 1, AnchorExact)}); len(got) != 0 {
			t.Fatalf("OrphansOf = %+v, want none", got)
		}
	})
}

func TestCheckFreeText(t *testing.T) {
	tests := []struct {
		in   string
		code string
	}{
		{"plain", ""},
		{"tab\tline\nCRLF\r\n", ""},
		{"emoji 👩🏽‍🔬 and ما", ""},
		{"bell\a", ECodeControlChar},
		{"nul\x00", ECodeControlChar},
		{"escape\x1b[0m", ECodeControlChar},
	}
	for _, tt := range tests {
		err := CheckFreeText("note", tt.in)
		if tt.code == "" {
			if err != nil {
				t.Errorf("CheckFreeText(%q) = %v", tt.in, err)
			}
			continue
		}
		wantError(t, err, tt.code, "note")
	}
}

func TestCheckClaimDeletion(t *testing.T) {
	c := &Claim{ID: 7, CreatedByID: 1, UpdatedByID: 2}
	tests := []struct {
		name string
		u    User
		ok   bool
	}{
		{"its creator", User{ID: 1, Role: RoleReviewer}, true},
		{"an editor", User{ID: 3, Role: RoleEditor}, true},
		{"an admin", User{ID: 4, Role: RoleAdmin}, true},
		{"another reviewer", User{ID: 5, Role: RoleReviewer}, false},
		{"its last changer, a reviewer", User{ID: 2, Role: RoleReviewer}, false},
	}
	for _, tt := range tests {
		err := CheckClaimDeletion(tt.u, c)
		if tt.ok {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		wantError(t, err, ECodeForbidden, "")
	}
}

func TestNewClaim(t *testing.T) {
	tests := []struct {
		name        string
		draft       ClaimDraft
		code, field string // "" for accepted
		want        Claim
	}{
		{name: "plain", draft: ClaimDraft{Start: 9, End: 13, Refs: []int{46, 1}, Note: "p. 4"},
			want: Claim{Start: 9, End: 13, Refs: []int{1, 46}, Status: StatusUnverified, Note: "p. 4"}},
		{name: "with its quote and a status", draft: ClaimDraft{Start: 9, End: 13, Quote: ptr("fled"), Status: StatusSupported},
			want: Claim{Start: 9, End: 13, Refs: []int{}, Status: StatusSupported}},
		{name: "quote mismatch", draft: ClaimDraft{Start: 9, End: 13, Quote: ptr("flew")}, code: ECodeQuoteMismatch, field: "quote"},
		{name: "span out of range", draft: ClaimDraft{Start: 20, End: 28}, code: ECodeOffsetOutOfRange, field: "end"},
		{name: "span checked before the quote", draft: ClaimDraft{Start: -1, End: 2, Quote: ptr("x")}, code: ECodeOffsetOutOfRange, field: "start"},
		{name: "white space only", draft: ClaimDraft{Start: 13, End: 14}, code: ECodeEmptySpan, field: "start"},
		{name: "bad refs", draft: ClaimDraft{Start: 9, End: 13, Refs: []int{-1}}, code: ECodeInvalidRefs, field: "refs"},
		{name: "bad status", draft: ClaimDraft{Start: 9, End: 13, Status: "approved"}, code: ECodeInvalidStatus, field: "status"},
		{name: "note with a control character", draft: ClaimDraft{Start: 9, End: 13, Note: "\x1b"}, code: ECodeControlChar, field: "note"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewClaim(ruleText, 3, 2, tt.draft, 8)
			if tt.code != "" {
				wantError(t, err, tt.code, tt.field)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.DocumentID, want.Revision, want.CreatedByID = 3, 2, 8
			FillQuote(ruleText, &want)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("NewClaim =\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}

func TestCheckDocumentDeletion(t *testing.T) {
	doc := &Document{ID: 1, CreatedByID: 7}
	for _, tc := range []struct {
		name string
		u    User
		ok   bool
	}{
		{"its creator", User{ID: 7, Role: RoleReviewer}, true},
		{"another reviewer", User{ID: 8, Role: RoleReviewer}, false},
		{"an editor", User{ID: 9, Role: RoleEditor}, true},
		{"an admin", User{ID: 10, Role: RoleAdmin}, true},
	} {
		err := CheckDocumentDeletion(tc.u, doc)
		if (err == nil) != tc.ok || (err != nil && ErrorCode(err) != ECodeForbidden) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestCheckRestoreLetsEditorsRestoreAnythingAndReviewersTheirOwnDeletions(t *testing.T) {
	rita := User{ID: 1, Role: RoleReviewer}
	rex := User{ID: 2, Role: RoleReviewer}
	ed := User{ID: 3, Role: RoleEditor}
	ada := User{ID: 4, Role: RoleAdmin}
	byRita := Trashed{Kind: TrashClaim, ID: 9, DocumentID: 5, DeletedByID: rita.ID}
	doc := Trashed{Kind: TrashDocument, ID: 5, DocumentID: 5, DeletedByID: ed.ID}
	for _, tt := range []struct {
		name string
		u    User
		t    Trashed
		code string
	}{
		{"a reviewer, their own deletion", rita, byRita, ""},
		{"another reviewer", rex, byRita, ECodeForbidden},
		{"an editor", ed, byRita, ""},
		{"an admin", ada, byRita, ""},
		{"a reviewer, an editor's deletion of a document", rita, doc, ECodeForbidden},
		{"an admin, a document", ada, doc, ""},
		{"a claim that went with its document", ed, Trashed{Kind: TrashClaim, WithDocument: true}, ECodeConflict},
		{"a claim whose document is in the trash", ed, Trashed{Kind: TrashClaim, DocumentTrashed: true}, ECodeConflict},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(CheckRestore(tt.u, tt.t)); got != tt.code {
				t.Errorf("code %q, want %q", got, tt.code)
			}
		})
	}
}

func TestClaimsWithSpanFindsExactDuplicatesOnly(t *testing.T) {
	claims := []Claim{{ID: 1, Start: 0, End: 5}, {ID: 2, Start: 0, End: 6}, {ID: 3, Start: 0, End: 5}, {ID: 4, Start: 1, End: 5}}
	if got := ClaimsWithSpan(claims, 0, 5); !slices.Equal(got, []int64{1, 3}) {
		t.Errorf("ClaimsWithSpan(0, 5) = %v, want [1 3]", got)
	}
	if got := ClaimsWithSpan(claims, 2, 5); got == nil || len(got) != 0 {
		t.Errorf("ClaimsWithSpan(2, 5) = %#v, want an empty list", got)
	}
}
