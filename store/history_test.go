package store

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

// change is shorthand for a recorded field change.
type change = citecheck.FieldChange

// ch builds a change from one value to another.
func ch(from, to any) change { return change{From: from, To: to} }

// mustHistory returns the history of a claim or fails the test.
func mustHistory(tb testing.TB, s *Store, id int64) []citecheck.ClaimEvent {
	tb.Helper()
	events, err := s.ClaimHistory(context.Background(), id)
	if err != nil {
		tb.Fatalf("ClaimHistory(%d): %v", id, err)
	}
	return events
}

func TestClaimHistoryRecordsAScriptedSequenceExactly(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	doc := mustDocument(t, s, ana, "d")
	c := mustClaim(t, s, ana, doc.ID, 0, 5, []int{46}, "")

	steps := []struct {
		by     *citecheck.User
		mutate func(c *citecheck.Claim)
	}{
		{ana, func(c *citecheck.Claim) { c.Refs, c.Status = []int{46, 47}, citecheck.StatusSupported }},
		{ana, func(c *citecheck.Claim) { c.Note = "two sources" }},
		{ed, func(c *citecheck.Claim) {
			at := t0
			c.Review, c.ReviewComment, c.ReviewedBy, c.ReviewedAt = citecheck.ReviewApproved, "fine", &ed.Name, &at
		}},
		{ana, func(c *citecheck.Claim) {
			c.Start, c.End, c.Quote, c.Prefix, c.Suffix = 4, 9, "Kurds", "The ", "[46]"
			c.Review, c.ReviewedBy, c.ReviewedAt = citecheck.ReviewPending, nil, nil
		}},
	}
	version := c.Version
	for i, st := range steps {
		got, err := s.UpdateClaim(ctx, c.ID, version, st.by.ID, func(c *citecheck.Claim) error {
			st.mutate(c)
			return nil
		})
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		version = got.Version
	}
	if err := s.DeleteClaim(ctx, c.ID, ed.ID); err != nil {
		t.Fatal(err)
	}

	type want struct {
		by, action string
		changes    map[string]change
	}
	wants := []want{
		{"ana", citecheck.ActionCreated, map[string]change{
			"start": ch(nil, 0), "end": ch(nil, 5), "quote": ch(nil, "quote"), "refs": ch(nil, []int{46}),
			"status": ch(nil, "unverified"), "note": ch(nil, ""), "review": ch(nil, "pending"), "review_comment": ch(nil, ""),
		}},
		{"ana", citecheck.ActionUpdated, map[string]change{
			"refs": ch([]int{46}, []int{46, 47}), "status": ch("unverified", "supported"),
		}},
		{"ana", citecheck.ActionUpdated, map[string]change{"note": ch("", "two sources")}},
		{"ed", citecheck.ActionReviewed, map[string]change{
			"review": ch("pending", "approved"), "review_comment": ch("", "fine"),
		}},
		{"ana", citecheck.ActionUpdated, map[string]change{
			"start": ch(0, 4), "end": ch(5, 9), "quote": ch("quote", "Kurds"), "review": ch("approved", "pending"),
		}},
		{"ed", citecheck.ActionDeleted, map[string]change{
			"start": ch(4, nil), "end": ch(9, nil), "quote": ch("Kurds", nil), "refs": ch([]int{46, 47}, nil),
			"status": ch("supported", nil), "note": ch("two sources", nil), "review": ch("pending", nil),
			"review_comment": ch("fine", nil),
		}},
	}
	events := mustHistory(t, s, c.ID)
	if len(events) != len(wants) {
		t.Fatalf("%d events, want %d: %+v", len(events), len(wants), events)
	}
	var last time.Time
	for i, e := range events {
		w := wants[i]
		if e.By != w.by || e.Action != w.action || !reflect.DeepEqual(e.Changes, w.changes) {
			t.Errorf("event %d = %s by %s %#v\nwant %s by %s %#v", i, e.Action, e.By, e.Changes, w.action, w.by, w.changes)
		}
		if e.ClaimID != c.ID || e.DocumentID != doc.ID || e.At.Location() != time.UTC || !e.At.After(last) {
			t.Errorf("event %d: claim %d, document %d, at %v (previous %v)", i, e.ClaimID, e.DocumentID, e.At, last)
		}
		last = e.At
	}
}

func TestClaimHistoryEventTimeIsTheChangeTime(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	c := mustClaim(t, s, ana, mustDocument(t, s, ana, "d").ID, 0, 5, nil, "")
	got, err := s.UpdateClaim(ctx, c.ID, 1, ana.ID, func(c *citecheck.Claim) error { c.Note = "n"; return nil })
	if err != nil {
		t.Fatal(err)
	}
	events := mustHistory(t, s, c.ID)
	if !events[0].At.Equal(c.CreatedAt) || !events[1].At.Equal(got.UpdatedAt) {
		t.Errorf("event times %v, %v; want %v, %v", events[0].At, events[1].At, c.CreatedAt, got.UpdatedAt)
	}
}

func TestUpdateClaimThatChangesNothingWritesNothing(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	c := mustClaim(t, s, ana, mustDocument(t, s, ana, "d").ID, 0, 5, []int{46}, "")
	got, err := s.UpdateClaim(ctx, c.ID, 1, ed.ID, func(c *citecheck.Claim) error {
		c.Refs = []int{46} // the same refs in a new slice
		return nil
	})
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Errorf("no-op update = %+v, %v; want the claim unchanged %+v", got, err, c)
	}
	if events := mustHistory(t, s, c.ID); len(events) != 1 {
		t.Errorf("no-op update recorded events: %+v", events)
	}
}

func TestUpdateClaimOfReviewerAloneIsAReview(t *testing.T) {
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	eve := mustUser(t, s, "eve", citecheck.RoleEditor)
	c := approve(t, s, ed, mustClaim(t, s, ana, mustDocument(t, s, ana, "d").ID, 0, 5, nil, "").ID)
	c = approve(t, s, eve, c.ID)
	if c.ReviewedBy == nil || *c.ReviewedBy != "eve" || c.Version != 3 {
		t.Errorf("second approval = %+v", c)
	}
	events := mustHistory(t, s, c.ID)
	if len(events) != 3 || events[2].Action != citecheck.ActionReviewed || events[2].By != "eve" || len(events[2].Changes) != 0 {
		t.Errorf("events = %+v", events)
	}
}

func TestFailedUpdatesRecordNoEvent(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	c := mustClaim(t, s, ana, mustDocument(t, s, ana, "d").ID, 0, 5, nil, "")
	ghost := "ghost"
	failures := []struct {
		name    string
		version int
		mutate  func(c *citecheck.Claim) error
	}{
		{"mutate error", 1, func(c *citecheck.Claim) error {
			c.Note = "lost"
			return citecheck.Errorf(citecheck.ECodeOwnClaim, "no")
		}},
		{"stale version", 2, func(c *citecheck.Claim) error { c.Note = "lost"; return nil }},
		{"unknown reviewer", 1, func(c *citecheck.Claim) error { c.ReviewedBy = &ghost; return nil }},
	}
	for _, f := range failures {
		if _, err := s.UpdateClaim(ctx, c.ID, f.version, ana.ID, f.mutate); err == nil {
			t.Errorf("%s: no error", f.name)
		}
		if events := mustHistory(t, s, c.ID); len(events) != 1 {
			t.Errorf("%s: recorded %+v", f.name, events)
		}
	}
	wantCode(t, s.DeleteClaim(ctx, 99, ana.ID), citecheck.ECodeNotFound)
	_, err := s.ClaimHistory(ctx, 99)
	wantCode(t, err, citecheck.ECodeNotFound)
}

func TestClaimHistorySurvivesDeleteDocument(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	doomed := mustDocument(t, s, ana, "doomed")
	kept := mustDocument(t, s, ana, "kept")
	a := mustClaim(t, s, ana, doomed.ID, 0, 5, []int{46}, "")
	b := mustClaim(t, s, ana, doomed.ID, 6, 9, nil, "")
	k := mustClaim(t, s, ana, kept.ID, 0, 5, nil, "")
	if err := s.DeleteDocument(ctx, doomed.ID, ed.ID); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*citecheck.Claim{a, b} {
		events := mustHistory(t, s, c.ID)
		last := events[len(events)-1]
		if len(events) != 2 || last.Action != citecheck.ActionDeleted || last.By != "ed" ||
			last.DocumentID != doomed.ID || last.Changes["start"] != (change{From: c.Start}) {
			t.Errorf("history of claim %d = %+v", c.ID, events)
		}
	}
	if events := mustHistory(t, s, k.ID); len(events) != 1 {
		t.Errorf("claim of another document got events: %+v", events)
	}
	// A failed delete records nothing.
	wantCode(t, s.DeleteDocument(ctx, doomed.ID, ed.ID), citecheck.ECodeNotFound)
	if events := mustHistory(t, s, a.ID); len(events) != 2 {
		t.Errorf("second delete recorded: %+v", events)
	}
}

func TestClaimEventsAreAppendOnlyInTheDatabase(t *testing.T) {
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	c := mustClaim(t, s, ana, mustDocument(t, s, ana, "d").ID, 0, 5, nil, "")
	for _, stmt := range []string{
		`UPDATE claim_events SET action = 'forged' WHERE claim_id = ?`,
		`DELETE FROM claim_events WHERE claim_id = ?`,
	} {
		_, err := s.writer.Exec(stmt, c.ID)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: error = %v, want the append-only refusal", stmt, err)
		}
	}
	if events := mustHistory(t, s, c.ID); len(events) != 1 || events[0].Action != citecheck.ActionCreated {
		t.Errorf("history changed: %+v", events)
	}
}

// TestNoCodeChangesClaimEvents reads every Go (tests aside) and SQL source of the module and
// fails if any of them updates or deletes claim_events rows.
func TestNoCodeChangesClaimEvents(t *testing.T) {
	forbidden := regexp.MustCompile(`(?i)\bupdate\s+(or\s+\w+\s+)?["` + "`" + `]?claim_events\b|\bdelete\s+from\s+["` + "`" + `]?claim_events\b`)
	root := ".."
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	var offenders, scanned []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if !(strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")) && !strings.HasSuffix(name, ".sql") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		scanned = append(scanned, path)
		if forbidden.Match(b) {
			offenders = append(offenders, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(offenders)
	if len(offenders) > 0 {
		t.Errorf("claim_events is append-only, but these sources update or delete it: %v", offenders)
	}
	if !containsSuffix(scanned, filepath.Join("store", "claims.go")) || !containsSuffix(scanned, "0002_history_and_users.sql") {
		t.Errorf("the scan missed the store's sources: %v", scanned)
	}
	if !forbidden.MatchString("DELETE  FROM claim_events") || !forbidden.MatchString("update claim_events set") {
		t.Error("the pattern does not catch what it should")
	}
}

func containsSuffix(paths []string, suffix string) bool {
	for _, p := range paths {
		if strings.HasSuffix(p, suffix) {
			return true
		}
	}
	return false
}

func TestOverrideIsRecordedInHistory(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	c := mustClaim(t, s, ana, mustDocument(t, s, ana, "d").ID, 0, 5, []int{}, "")
	if _, err := s.ReviewClaim(ctx, c.ID, 1, ed.ID, func(c citecheck.Claim) (citecheck.Claim, citecheck.ReviewOutcome, error) {
		c.Review, c.ReviewedBy = citecheck.ReviewApproved, &ed.Name
		return c, citecheck.ReviewOutcome{Overrode: true}, nil
	}); err != nil {
		t.Fatal(err)
	}
	events, err := s.ClaimHistory(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := events[len(events)-1]
	if last.Action != citecheck.ActionReviewed || last.Changes["override"].To != true {
		t.Fatalf("last event %+v", last)
	}
}
