package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

// eventsSince answers every event after id, oldest first.
func eventsSince(tb testing.TB, s *Store, id int64) []citecheck.DeskEvent {
	tb.Helper()
	_, newest, err := s.EventWindow(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	evs, err := s.EventsAfter(context.Background(), id, newest, 1000)
	if err != nil {
		tb.Fatal(err)
	}
	return evs
}

// lastEventID answers the id of the newest event.
func lastEventID(tb testing.TB, s *Store) int64 {
	tb.Helper()
	_, newest, err := s.EventWindow(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return newest
}

// wantEvents checks that exactly the events named, in order, followed id, and answers them.
func wantEvents(tb testing.TB, s *Store, id int64, want ...citecheck.DeskEvent) []citecheck.DeskEvent {
	tb.Helper()
	got := eventsSince(tb, s, id)
	if len(got) != len(want) {
		tb.Fatalf("events after %d: got %+v, want %+v", id, got, want)
	}
	for i, w := range want {
		g := got[i]
		if g.Name != w.Name || g.DocumentID != w.DocumentID || g.ClaimID != w.ClaimID ||
			g.Version != w.Version || g.By != w.By || g.At.IsZero() {
			tb.Errorf("event %d: got %+v, want %+v", i, g, w)
		}
		if i > 0 && g.ID <= got[i-1].ID {
			tb.Errorf("event ids do not grow: %d after %d", g.ID, got[i-1].ID)
		}
	}
	return got
}

func TestEveryWriteWritesItsEvent(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)

	last := lastEventID(t, s)
	d := mustDocument(t, s, ana, "Kurds")
	wantEvents(t, s, last, citecheck.DeskEvent{Name: citecheck.EventDocumentCreated, DocumentID: d.ID, By: "ana"})

	last = lastEventID(t, s)
	c := mustClaim(t, s, ana, d.ID, 4, 9, []int{46}, citecheck.StatusSupported)
	c, err := s.UpdateClaim(ctx, c.ID, c.Version, ana.ID, func(c *citecheck.Claim) error { c.Note = "atlas"; return nil })
	if err != nil {
		t.Fatal(err)
	}
	approved := approve(t, s, ed, c.ID)
	wantEvents(t, s, last,
		citecheck.DeskEvent{Name: citecheck.EventClaimCreated, DocumentID: d.ID, ClaimID: c.ID, Version: 1, By: "ana"},
		citecheck.DeskEvent{Name: citecheck.EventClaimUpdated, DocumentID: d.ID, ClaimID: c.ID, Version: 2, By: "ana"},
		citecheck.DeskEvent{Name: citecheck.EventClaimReviewed, DocumentID: d.ID, ClaimID: c.ID, Version: 3, By: "ed"})

	last = lastEventID(t, s)
	src := mustCapture(t, s, ana, d.ID, 46)
	e, withEvidence := mustEvidence(t, s, ana, approved, src, "café closed", citecheck.StanceSupports)
	removed, err := s.RemoveEvidence(ctx, e.ID, ana.ID, func(*citecheck.Evidence) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	wantEvents(t, s, last,
		citecheck.DeskEvent{Name: citecheck.EventSourceAdded, DocumentID: d.ID, By: "ana"},
		citecheck.DeskEvent{Name: citecheck.EventEvidenceAdded, DocumentID: d.ID, ClaimID: c.ID, Version: withEvidence.Version, By: "ana"},
		citecheck.DeskEvent{Name: citecheck.EventEvidenceDeleted, DocumentID: d.ID, ClaimID: c.ID, Version: removed.Version, By: "ana"})

	// A change to the reference list is announced, and is an entry of the document's history.
	last = lastEventID(t, s)
	if err := s.SetReferences(ctx, d.ID, ed.ID, &citecheck.ReferenceList{Entries: []citecheck.Reference{{Number: 46, Text: "Atlas"}}}); err != nil {
		t.Fatal(err)
	}
	wantEvents(t, s, last, citecheck.DeskEvent{Name: citecheck.EventReferencesChanged, DocumentID: d.ID, By: "ed"})
	if h, err := s.DocumentHistory(ctx, d.ID); err != nil || len(h) != 1 || h[0].Action != citecheck.ActionReferencesChanged || h[0].By != "ed" {
		t.Fatalf("document history after a reference change: %+v %v", h, err)
	}

	last = lastEventID(t, s)
	if err := s.DeleteClaim(ctx, c.ID, ed.ID); err != nil {
		t.Fatal(err)
	}
	wantEvents(t, s, last, citecheck.DeskEvent{Name: citecheck.EventClaimDeleted, DocumentID: d.ID, ClaimID: c.ID, Version: removed.Version, By: "ed"})

	last = lastEventID(t, s)
	if err := s.DeleteDocument(ctx, d.ID, ed.ID); err != nil {
		t.Fatal(err)
	}
	wantEvents(t, s, last, citecheck.DeskEvent{Name: citecheck.EventDocumentDeleted, DocumentID: d.ID, By: "ed"})
}

func TestRevisionAndImportWriteTheirEvents(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d, err := s.CreateDocument(ctx, &citecheck.Document{Title: "r", Text: rev1, TextSHA256: citecheck.TextSHA256(rev1),
		Length: len([]rune(rev1)), CreatedByID: ana.ID})
	if err != nil {
		t.Fatal(err)
	}
	mustClaim(t, s, ana, d.ID, 0, 16, []int{1}, citecheck.StatusSupported)

	// A revision is one event, not one per claim it re-anchors.
	last := lastEventID(t, s)
	if _, err := s.ReviseDocument(ctx, plan(t, s, d, rev2, ana.ID)); err != nil {
		t.Fatal(err)
	}
	wantEvents(t, s, last, citecheck.DeskEvent{Name: citecheck.EventRevisionCreated, DocumentID: d.ID, Version: 2, By: "ana"})

	// An import announces its document and each claim once (not its "imported" provenance).
	last = lastEventID(t, s)
	doc, claims := importable()
	out, err := s.ImportDocument(ctx, doc, claims, ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := eventsSince(t, s, last)
	if len(got) != 3 || got[0].Name != citecheck.EventDocumentCreated || got[0].DocumentID != out.ID {
		t.Fatalf("import events: %+v", got)
	}
	for _, e := range got[1:] {
		if e.Name != citecheck.EventClaimCreated || e.DocumentID != out.ID || e.Version != 1 || e.By != "ana" {
			t.Errorf("imported claim event: %+v", e)
		}
	}
}

func TestFailedWriteLeavesNoEvent(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "Kurds")
	c := mustClaim(t, s, ana, d.ID, 4, 9, []int{46}, citecheck.StatusSupported)
	last := lastEventID(t, s)

	refused := errors.New("refused")
	_, err := s.UpdateClaim(ctx, c.ID, c.Version, ana.ID, func(c *citecheck.Claim) error { c.Note = "x"; return refused })
	if !errors.Is(err, refused) {
		t.Fatalf("UpdateClaim: %v", err)
	}
	_, err = s.UpdateClaim(ctx, c.ID, c.Version+5, ana.ID, func(c *citecheck.Claim) error { c.Note = "x"; return nil })
	wantCode(t, err, citecheck.ECodeConflict)
	wantEvents(t, s, last)
}

func TestPruneEventsKeepsTheNewest(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "Kurds")
	for i := 0; i < 5; i++ {
		mustClaim(t, s, ana, d.ID, 4, 9, []int{46}, citecheck.StatusSupported)
	}
	_, newest, _ := s.EventWindow(ctx)
	n, err := s.PruneEvents(ctx, t0.Add(-time.Hour), 2)
	if err != nil || n != 4 {
		t.Fatalf("PruneEvents by count: %d, %v; want 4 removed", n, err)
	}
	oldest, after, _ := s.EventWindow(ctx)
	if after != newest || oldest != newest-1 {
		t.Fatalf("window after pruning to 2: %d..%d, want %d..%d", oldest, after, newest-1, newest)
	}
	// Everything is older than the far future, but the newest stays to mark where pruning stopped.
	if _, err := s.PruneEvents(ctx, t0.Add(1000*time.Hour), 100); err != nil {
		t.Fatal(err)
	}
	if oldest, after, _ = s.EventWindow(ctx); oldest != newest || after != newest {
		t.Fatalf("window after pruning by age: %d..%d, want %d..%d", oldest, after, newest, newest)
	}
}

func TestCommittedIsClosedByTheNextCommit(t *testing.T) {
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	wait := s.Committed()
	select {
	case <-wait:
		t.Fatal("closed before any commit")
	default:
	}
	mustDocument(t, s, ana, "Kurds")
	<-wait // the commit has happened before CreateDocument returned
}
