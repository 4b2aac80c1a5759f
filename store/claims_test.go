package store

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

// mustClaim creates a claim by u on document doc or fails the test.
func mustClaim(tb testing.TB, s *Store, u *citecheck.User, doc int64, start, end int, refs []int, status citecheck.Status) *citecheck.Claim {
	tb.Helper()
	c, err := s.CreateClaim(context.Background(), &citecheck.Claim{
		DocumentID: doc, Start: start, End: end, Quote: "quote", Refs: refs, Status: status, CreatedByID: u.ID,
	})
	if err != nil {
		tb.Fatalf("CreateClaim: %v", err)
	}
	return c
}

// approve marks a claim approved by u through UpdateClaim.
func approve(tb testing.TB, s *Store, u *citecheck.User, id int64) *citecheck.Claim {
	tb.Helper()
	c, err := s.Claim(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	c, err = s.UpdateClaim(context.Background(), id, c.Version, u.ID, func(c *citecheck.Claim) error {
		at := t0
		c.Review, c.ReviewComment, c.ReviewedBy, c.ReviewedAt = citecheck.ReviewApproved, "fine", &u.Name, &at
		return nil
	})
	if err != nil {
		tb.Fatalf("approve claim %d: %v", id, err)
	}
	return c
}

func TestCreateClaimSetsServerFields(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "doc")
	in := &citecheck.Claim{DocumentID: d.ID, Start: 2, End: 9, Quote: "Kurds 👩🏽‍🔬 ما é\u0301 “x”",
		Prefix: "The ", Suffix: "[46]", Refs: []int{30, 46}, Status: citecheck.StatusSupported,
		Note: "checked p. 4", CreatedByID: ana.ID}
	c, err := s.CreateClaim(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 || c.Version != 1 || c.Review != citecheck.ReviewPending || c.CreatedBy != "ana" ||
		c.UpdatedBy != "ana" || c.UpdatedByID != ana.ID || c.CreatedAt.IsZero() || !c.UpdatedAt.Equal(c.CreatedAt) ||
		c.ReviewedBy != nil || c.ReviewedAt != nil {
		t.Errorf("CreateClaim = %+v", c)
	}
	if c.Quote != in.Quote || c.Prefix != in.Prefix || c.Suffix != in.Suffix || c.Note != in.Note ||
		!reflect.DeepEqual(c.Refs, in.Refs) || c.Status != in.Status || c.Start != 2 || c.End != 9 {
		t.Errorf("CreateClaim did not keep the input: %+v", c)
	}
	got, err := s.Claim(ctx, c.ID)
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Errorf("Claim = %+v, %v; want %+v", got, err, c)
	}
	if id, err := s.ClaimDocumentID(ctx, c.ID); err != nil || id != d.ID {
		t.Errorf("ClaimDocumentID = %d, %v; want %d", id, err, d.ID)
	}
}

func TestCreateClaimDefaultsStatusAndEmptyRefs(t *testing.T) {
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	c := mustClaim(t, s, ana, mustDocument(t, s, ana, "d").ID, 0, 1, nil, "")
	if c.Status != citecheck.StatusUnverified || c.Refs == nil || len(c.Refs) != 0 {
		t.Errorf("status %q refs %#v", c.Status, c.Refs)
	}
}

func TestCreateClaimOnUnknownDocumentIsNotFound(t *testing.T) {
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	_, err := s.CreateClaim(context.Background(), &citecheck.Claim{DocumentID: 99, CreatedByID: ana.ID})
	wantCode(t, err, citecheck.ECodeNotFound)
}

func TestUnknownClaimIsNotFound(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	_, err := s.Claim(ctx, 5)
	wantCode(t, err, citecheck.ECodeNotFound)
	_, err = s.ClaimDocumentID(ctx, 5)
	wantCode(t, err, citecheck.ECodeNotFound)
	wantCode(t, s.DeleteClaim(ctx, 5, 1), citecheck.ECodeNotFound)
	_, err = s.UpdateClaim(ctx, 5, 1, 1, func(*citecheck.Claim) error { return nil })
	wantCode(t, err, citecheck.ECodeNotFound)
}

func TestClaimsOrderedAndFiltered(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleEditor)
	d := mustDocument(t, s, ana, "d")
	other := mustDocument(t, s, ana, "other")
	mustClaim(t, s, ana, other.ID, 0, 1, []int{30}, "")
	c3 := mustClaim(t, s, ana, d.ID, 10, 20, []int{30, 31}, citecheck.StatusSupported)
	c1 := mustClaim(t, s, ana, d.ID, 0, 5, []int{46}, citecheck.StatusSupported)
	c2 := mustClaim(t, s, ana, d.ID, 0, 8, []int{3}, citecheck.StatusContradicted)
	c4 := mustClaim(t, s, ana, d.ID, 10, 20, nil, "")
	approve(t, s, ana, c3.ID)

	for _, tt := range []struct {
		name string
		f    citecheck.ClaimFilter
		want []int64
	}{
		{"all, by start, end, id", citecheck.ClaimFilter{}, []int64{c1.ID, c2.ID, c3.ID, c4.ID}},
		{"status", citecheck.ClaimFilter{Status: citecheck.StatusSupported}, []int64{c1.ID, c3.ID}},
		{"review", citecheck.ClaimFilter{Review: citecheck.ReviewApproved}, []int64{c3.ID}},
		{"ref", citecheck.ClaimFilter{Ref: 30}, []int64{c3.ID}},
		{"ref is a whole number, not a digit", citecheck.ClaimFilter{Ref: 3}, []int64{c2.ID}},
		{"all three", citecheck.ClaimFilter{Status: citecheck.StatusSupported, Review: citecheck.ReviewPending, Ref: 46}, []int64{c1.ID}},
		{"nothing", citecheck.ClaimFilter{Ref: 99}, []int64{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			claims, err := s.Claims(ctx, d.ID, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			ids := []int64{}
			for _, c := range claims {
				ids = append(ids, c.ID)
			}
			if !reflect.DeepEqual(ids, tt.want) {
				t.Errorf("ids = %v, want %v", ids, tt.want)
			}
		})
	}
}

func TestUpdateClaimWritesEveryMutableColumn(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	c := mustClaim(t, s, ana, mustDocument(t, s, ana, "d").ID, 0, 5, []int{46}, "")

	at := t0.Add(-time.Hour)
	got, err := s.UpdateClaim(ctx, c.ID, 1, ed.ID, func(c *citecheck.Claim) error {
		c.Start, c.End, c.Quote, c.Prefix, c.Suffix = 4, 9, "Kurds", "The ", "[46]"
		c.Refs, c.Status, c.Note = []int{46, 47}, citecheck.StatusPartlySupported, "n"
		c.Review, c.ReviewComment, c.ReviewedBy, c.ReviewedAt = citecheck.ReviewRejected, "no", &ed.Name, &at
		c.Version = 77 // ignored: the store owns the version
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := *c
	want.Start, want.End, want.Quote, want.Prefix, want.Suffix = 4, 9, "Kurds", "The ", "[46]"
	want.Refs, want.Status, want.Note = []int{46, 47}, citecheck.StatusPartlySupported, "n"
	want.Review, want.ReviewComment, want.ReviewedBy, want.ReviewedAt = citecheck.ReviewRejected, "no", &ed.Name, &at
	want.Version, want.UpdatedBy, want.UpdatedByID, want.UpdatedAt = 2, "ed", ed.ID, got.UpdatedAt
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("UpdateClaim =\n%+v\nwant\n%+v", got, &want)
	}
	if !got.UpdatedAt.After(c.UpdatedAt) {
		t.Errorf("UpdatedAt %v not after %v", got.UpdatedAt, c.UpdatedAt)
	}
	if reread, _ := s.Claim(ctx, c.ID); !reflect.DeepEqual(reread, got) {
		t.Errorf("re-read = %+v, want %+v", reread, got)
	}

	// Clearing the review puts the reviewer and time back to NULL; a review-only change keeps
	// the last changer of the content (ed), so the two-person rule still names them.
	got, err = s.UpdateClaim(ctx, c.ID, 2, ana.ID, func(c *citecheck.Claim) error {
		c.Review, c.ReviewComment, c.ReviewedBy, c.ReviewedAt = citecheck.ReviewPending, "", nil, nil
		return nil
	})
	if err != nil || got.ReviewedBy != nil || got.ReviewedAt != nil || got.Version != 3 || got.UpdatedBy != "ed" {
		t.Errorf("cleared review = %+v, %v", got, err)
	}
}

func TestUpdateClaimRefusesStaleVersion(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	c := mustClaim(t, s, ana, mustDocument(t, s, ana, "d").ID, 0, 5, []int{46}, "")
	called := false
	_, err := s.UpdateClaim(ctx, c.ID, 2, ana.ID, func(c *citecheck.Claim) error {
		called = true
		c.Note = "lost"
		return nil
	})
	wantCode(t, err, citecheck.ECodeConflict)
	var e *citecheck.Error
	errors.As(err, &e)
	if want := "claim 1 is at version 1, not 2"; e.Message != want {
		t.Errorf("message = %q, want %q", e.Message, want)
	}
	if called {
		t.Error("mutate ran on a stale version")
	}
	if got, _ := s.Claim(ctx, c.ID); !reflect.DeepEqual(got, c) {
		t.Errorf("claim changed: %+v", got)
	}
}

func TestUpdateClaimMutateErrorChangesNothing(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	c := mustClaim(t, s, ana, mustDocument(t, s, ana, "d").ID, 0, 5, []int{46}, "")
	refusal := citecheck.Errorf(citecheck.ECodeOwnClaim, "not your own")
	_, err := s.UpdateClaim(ctx, c.ID, 1, ana.ID, func(c *citecheck.Claim) error {
		c.Note = "lost"
		return refusal
	})
	if err != refusal {
		t.Errorf("error = %v, want the mutate error as is", err)
	}
	if got, _ := s.Claim(ctx, c.ID); !reflect.DeepEqual(got, c) {
		t.Errorf("claim changed: %+v", got)
	}
}

func TestUpdateClaimUnknownReviewerIsNotFound(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	c := mustClaim(t, s, ana, mustDocument(t, s, ana, "d").ID, 0, 5, nil, "")
	ghost := "ghost"
	_, err := s.UpdateClaim(ctx, c.ID, 1, ana.ID, func(c *citecheck.Claim) error {
		c.ReviewedBy = &ghost
		return nil
	})
	wantCode(t, err, citecheck.ECodeNotFound)
	if got, _ := s.Claim(ctx, c.ID); got.Version != 1 {
		t.Errorf("claim changed: %+v", got)
	}
}

func TestDeleteClaim(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	c := mustClaim(t, s, ana, mustDocument(t, s, ana, "d").ID, 0, 5, nil, "")
	if err := s.DeleteClaim(ctx, c.ID, ana.ID); err != nil {
		t.Fatal(err)
	}
	_, err := s.Claim(ctx, c.ID)
	wantCode(t, err, citecheck.ECodeNotFound)
}

func TestReviewClaimRecordsTheDomainDecision(t *testing.T) {
	problems := []citecheck.Check{{Code: citecheck.CheckUnknownRef, Refs: []int{46}}}
	tests := []struct {
		name     string
		decision citecheck.Decision
		checks   []citecheck.Check
		editedBy string // who changes the note between loading and deciding, if anyone
		code     string // "" for accepted
		override bool   // whether the history event records an override
	}{
		{name: "approval", decision: citecheck.Decision{Review: citecheck.ReviewApproved}},
		{name: "rejection", decision: citecheck.Decision{Review: citecheck.ReviewRejected, Comment: "fix it"}},
		{name: "override recorded", decision: citecheck.Decision{Review: citecheck.ReviewApproved, Override: true},
			checks: problems, override: true},
		{name: "override not used is not recorded", decision: citecheck.Decision{Review: citecheck.ReviewApproved, Override: true}},
		{name: "open checks refused", decision: citecheck.Decision{Review: citecheck.ReviewApproved},
			checks: problems, code: citecheck.ECodeUnresolvedChecks},
		{name: "two-person rule on the claim as stored", decision: citecheck.Decision{Review: citecheck.ReviewApproved},
			editedBy: "ed", code: citecheck.ECodeOwnClaim},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := mustOpen(t)
			ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
			ed := mustUser(t, s, "ed", citecheck.RoleEditor)
			c := mustClaim(t, s, ana, mustDocument(t, s, ana, "d").ID, 0, 5, []int{46}, "")
			if tt.editedBy == "ed" {
				var err error
				if c, err = s.UpdateClaim(ctx, c.ID, c.Version, ed.ID, func(c *citecheck.Claim) error { c.Note = "mine now"; return nil }); err != nil {
					t.Fatal(err)
				}
			}
			before, err := s.ClaimHistory(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.ReviewClaim(ctx, c.ID, c.Version, ed.ID, func(cur citecheck.Claim) (citecheck.Claim, citecheck.ReviewOutcome, error) {
				return citecheck.ApplyDecision(cur, *ed, tt.decision, 1, tt.checks, t0)
			})
			events, herr := s.ClaimHistory(ctx, c.ID)
			if herr != nil {
				t.Fatal(herr)
			}
			if tt.code != "" {
				wantCode(t, err, tt.code)
				if now, _ := s.Claim(ctx, c.ID); !reflect.DeepEqual(now, c) || len(events) != len(before) {
					t.Fatalf("refused review changed the claim or its history: %+v, %d events", now, len(events))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Review != tt.decision.Review || got.ReviewComment != tt.decision.Comment || *got.ReviewedBy != "ed" ||
				!got.ReviewedAt.Equal(t0) || got.Version != c.Version+1 || got.UpdatedByID != ana.ID {
				t.Fatalf("reviewed claim = %+v", got)
			}
			last := events[len(events)-1]
			_, overrode := last.Changes["override"]
			if last.Action != citecheck.ActionReviewed || overrode != tt.override {
				t.Fatalf("last event %+v, want reviewed with override %v", last, tt.override)
			}
		})
	}
}

// TestClaimWritesMoveTheStampButNotTheRow makes each kind of write to a document's claims and
// their evidence, here and from another process on the same file: each moves the stamp's
// ClaimChanges, none moves its Row (so the cached text stays), and ClaimsWithStamp answers the
// claims together with exactly the stamp that DocumentStamp then reads.
func TestClaimWritesMoveTheStampButNotTheRow(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s := mustOpenPath(t, path)
	other := mustOpenPath(t, path) // another process, such as `citecheck import` or a second server
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "Kurds")
	first, err := s.DocumentStamp(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	src := mustCapture(t, s, ana, d.ID, 46)
	var cl *citecheck.Claim
	var ev *citecheck.Evidence
	seen := map[int64]string{first.ClaimChanges: "created"}
	for _, step := range []struct {
		name   string
		change func() error
	}{
		{"claim created", func() error { cl = mustClaim(t, s, ana, d.ID, 4, 9, []int{46}, ""); return nil }},
		{"claim updated by another process", func() error {
			var err error
			cl, err = other.UpdateClaim(ctx, cl.ID, cl.Version, ana.ID, func(c *citecheck.Claim) error { c.Note = "n"; return nil })
			return err
		}},
		{"evidence added", func() error { ev, cl = mustEvidence(t, s, ana, cl, src, "met.", citecheck.StanceSupports); return nil }},
		{"evidence removed by another process", func() error {
			_, err := other.RemoveEvidence(ctx, ev.ID, ana.ID, func(*citecheck.Evidence) error { return nil })
			return err
		}},
		{"claim deleted", func() error { return s.DeleteClaim(ctx, cl.ID, ana.ID) }},
	} {
		if err := step.change(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		got, err := s.DocumentStamp(ctx, d.ID)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if got.Row() != first.Row() {
			t.Errorf("%s: the row's stamp moved from %+v to %+v", step.name, first.Row(), got.Row())
		}
		if prev, dup := seen[got.ClaimChanges]; dup {
			t.Errorf("%s: claim changes %d are the same as after %s", step.name, got.ClaimChanges, prev)
		}
		seen[got.ClaimChanges] = step.name
		withStamp, claims, err := other.ClaimsWithStamp(ctx, d.ID)
		if err != nil || withStamp != got {
			t.Errorf("%s: ClaimsWithStamp stamp %+v (%v), DocumentStamp %+v", step.name, withStamp, err, got)
		}
		if wantN := map[bool]int{true: 0, false: 1}[step.name == "claim deleted"]; len(claims) != wantN {
			t.Errorf("%s: %d claims, want %d", step.name, len(claims), wantN)
		}
	}
	if _, _, err := s.ClaimsWithStamp(ctx, 999); citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		t.Fatalf("claims of an unknown document: %v", err)
	}
}

// TestClaimsPageIsASliceOfClaims reads pages of a document's claims, filtered and not, from
// offsets before, at and past the end: each is exactly that slice of the whole list.
func TestClaimsPageIsASliceOfClaims(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "Kurds")
	for i := range 7 {
		status := citecheck.StatusUnverified
		if i%2 == 0 {
			status = citecheck.StatusSupported
		}
		mustClaim(t, s, ana, d.ID, 4+i%3, 9+i%3, []int{46}, status)
	}
	for _, tc := range []struct {
		name          string
		f             citecheck.ClaimFilter
		offset, limit int
	}{
		{"first page", citecheck.ClaimFilter{}, 0, 3},
		{"middle page", citecheck.ClaimFilter{}, 3, 3},
		{"last, short page", citecheck.ClaimFilter{}, 6, 3},
		{"past the end", citecheck.ClaimFilter{}, 9, 3},
		{"all from an offset", citecheck.ClaimFilter{}, 2, -1},
		{"filtered", citecheck.ClaimFilter{Status: citecheck.StatusSupported}, 1, 2},
	} {
		all, err := s.Claims(ctx, d.ID, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		hi := len(all)
		if tc.limit >= 0 {
			hi = min(tc.offset+tc.limit, len(all))
		}
		want := all[min(tc.offset, len(all)):max(hi, min(tc.offset, len(all)))]
		got, err := s.ClaimsPage(ctx, d.ID, tc.f, tc.offset, tc.limit)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %d claims, want %d: %v", tc.name, len(got), len(want), got)
		}
	}
	if _, err := s.ClaimsPage(ctx, d.ID, citecheck.ClaimFilter{}, -1, 3); citecheck.ErrorCode(err) != citecheck.ECodeInvalid {
		t.Fatalf("a negative offset: %v", err)
	}
}

// TestParseRefsReadsWhatMarshalRefsWrites: the hand-written reader of stored refs gives what
// encoding/json gives, for what the store writes and for anything else a row might hold.
func TestParseRefsReadsWhatMarshalRefsWrites(t *testing.T) {
	for _, refs := range [][]int{nil, {}, {1}, {30, 31}, {7, 12, 400, 100000}} {
		s, err := marshalRefs(refs)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseRefs(s)
		if err != nil || got == nil || !slices.Equal(got, append([]int{}, refs...)) {
			t.Errorf("%s: %v %v, want %v", s, got, err, refs)
		}
	}
	for s, want := range map[string][]int{"[ 1, 2 ]": {1, 2}, "[]": {}, "null": {}, "[+1]": nil, "[1,]": nil, "[1": nil, "": nil, "[a]": nil} {
		got, err := parseRefs(s)
		if (err != nil) != (want == nil) || (want != nil && !slices.Equal(got, want)) {
			t.Errorf("%q: %v %v, want %v", s, got, err, want)
		}
	}
}
