package citecheck

import (
	"slices"
	"testing"
	"time"
)

func TestStateOfDecidesEveryState(t *testing.T) {
	done := Progress{Markers: 3, Claims: 2, Approved: 2}
	for _, tc := range []struct {
		name     string
		p        Progress
		assigned bool
		want     DocState
	}{
		{"nothing yet", Progress{Markers: 3, Uncovered: 3}, false, StateUnassigned},
		{"assigned, no claims", Progress{Markers: 3, Uncovered: 3}, true, StateInProgress},
		{"no markers and no claims is not approved", Progress{}, true, StateInProgress},
		{"a claim without a verdict", Progress{Claims: 2, Pending: 2, Unverified: 1}, false, StateInProgress},
		{"a rejected claim goes back to the checker", Progress{Claims: 2, Pending: 1, Rejected: 1, Approved: 1}, true, StateInProgress},
		{"every claim has a verdict", Progress{Markers: 3, Uncovered: 1, Claims: 2, Pending: 2}, true, StateInReview},
		{"all approved but a marker uncovered", Progress{Markers: 3, Uncovered: 1, Claims: 2, Approved: 2}, true, StateInReview},
		{"all approved but an open check", Progress{Claims: 2, Approved: 2, OpenChecks: 1}, true, StateInReview},
		{"all approved but an orphan", Progress{Claims: 2, Approved: 2, Orphans: 1}, true, StateInReview},
		{"approved", done, true, StateApproved},
		{"approved without an assignment", done, false, StateApproved},
	} {
		if got := StateOf(tc.p, tc.assigned); got != tc.want {
			t.Errorf("%s: StateOf(%+v) = %q, want %q", tc.name, tc.p, got, tc.want)
		}
	}
}

func TestProgressOfCountsClaimsChecksAndOrphans(t *testing.T) {
	check := DocumentCheck{Markers: 5, Covered: 2}
	placed := []Claim{
		{Status: StatusSupported, Review: ReviewApproved},
		{Status: StatusUnverified, Review: ReviewPending, Checks: []Check{{Code: "no-refs"}, {Code: "unknown-ref"}}},
		{Status: StatusUnsupported, Review: ReviewRejected},
	}
	orphans := []Claim{{Status: StatusSupported, Review: ReviewPending}}
	got := ProgressOf(check, placed, orphans)
	want := Progress{Markers: 5, Uncovered: 3, Claims: 4, Approved: 1, Pending: 3, Unverified: 1, Rejected: 1, OpenChecks: 2, Orphans: 1}
	if got != want {
		t.Fatalf("ProgressOf = %+v, want %+v", got, want)
	}
	want2 := []Lack{{"uncovered", "3 markers uncovered"}, {"pending", "3 claims pending"}, {"checks", "2 open checks"}, {"orphans", "1 orphaned claim"}}
	if m := got.Missing(); !slices.Equal(m, want2) {
		t.Fatalf("Missing = %q", m)
	}
	if m := (Progress{Markers: 1, Claims: 1, Approved: 1}).Missing(); len(m) != 0 {
		t.Fatalf("an approved document misses %q", m)
	}
}

func TestCheckAssignmentRefusesBadAssigneesDueTimesAndParts(t *testing.T) {
	now := mustTime(t, "2026-12-01T12:00:00Z")
	later := now.Add(48 * 3600e9)
	checker := User{Name: "rita", Role: RoleReviewer}
	editor := User{Name: "ed", Role: RoleEditor}
	ptr := func(n int) *int { return &n }
	for _, tc := range []struct {
		name        string
		checker     User
		editor      *User
		due         string
		start, end  *int
		code, field string
	}{
		{"whole document", checker, &editor, "", nil, nil, "", ""},
		{"a part", checker, nil, "", ptr(0), ptr(10), "", ""},
		{"disabled checker", User{Name: "x", Role: RoleReviewer, Disabled: true}, nil, "", nil, nil, ECodeInvalidAssignee, "checker"},
		{"reviewer as editor", checker, &checker, "", nil, nil, ECodeInvalidAssignee, "editor"},
		{"past due", checker, nil, "2026-11-30T12:00:00Z", nil, nil, ECodeDueInPast, "due_at"},
		{"start without end", checker, nil, "", ptr(1), nil, ECodeInvalid, "end"},
		{"end past the text", checker, nil, "", ptr(1), ptr(11), ECodeOffsetOutOfRange, "end"},
		{"empty part", checker, nil, "", ptr(4), ptr(4), ECodeOffsetOutOfRange, "end"},
		{"negative start", checker, nil, "", ptr(-1), ptr(4), ECodeOffsetOutOfRange, "start"},
	} {
		due := later
		if tc.due != "" {
			due = mustTime(t, tc.due)
		}
		err := CheckAssignment(tc.checker, tc.editor, due, now, tc.start, tc.end, 10)
		if tc.code == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if e, ok := err.(*Error); !ok || e.Code != tc.code || e.Field != tc.field {
			t.Errorf("%s: %v, want %s about %s", tc.name, err, tc.code, tc.field)
		}
	}
	if MayAssign(checker) == nil || MayAssign(editor) != nil || MayAssign(User{Role: RoleAdmin}) != nil {
		t.Fatal("only editors and admins assign")
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}
