package store

import (
	"context"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

func TestAddCommentKeepsTheThreadRecordsHistoryAndAnnouncesIt(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	d := mustDocument(t, s, ana, "Doc")
	cl := mustClaim(t, s, ana, d.ID, 0, 5, []int{46}, "")
	before := lastEventID(t, s)
	body := "<script>alert(1)</script> " + strings.Repeat("مرحبا 👩🏽‍🔬 ", 50)
	c, err := s.AddComment(ctx, cl.ID, ed.ID, body)
	if err != nil {
		t.Fatal(err)
	}
	if c.Body != body || c.By != "ed" || c.ClaimID != cl.ID || c.DocumentID != d.ID {
		t.Fatalf("comment = %+v", c)
	}
	if _, err := s.AddComment(ctx, cl.ID, ana.ID, "second"); err != nil {
		t.Fatal(err)
	}
	thread, err := s.Comments(ctx, cl.ID)
	if err != nil || len(thread) != 2 || thread[0].Body != body || thread[1].By != "ana" {
		t.Fatalf("thread = %+v, %v", thread, err)
	}
	h := mustHistory(t, s, cl.ID)
	if last := h[len(h)-1]; last.Action != citecheck.ActionCommented || last.Changes["comment"].To != "second" {
		t.Fatalf("last history event = %+v", last)
	}
	evs := eventsSince(t, s, before)
	if len(evs) != 2 || evs[0].Name != "comment.added" || evs[0].ClaimID != cl.ID || evs[0].By != "ed" {
		t.Fatalf("events = %+v", evs)
	}
	counts, err := s.CommentCounts(ctx, []int64{cl.ID, cl.ID + 100})
	if err != nil || len(counts) != 1 || counts[cl.ID] != 2 {
		t.Fatalf("counts = %v, %v", counts, err)
	}
}

func TestAddCommentRefusesAnUnknownClaim(t *testing.T) {
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	before := lastEventID(t, s)
	_, err := s.AddComment(context.Background(), 999, ana.ID, "hello")
	wantCode(t, err, citecheck.ECodeNotFound)
	if evs := eventsSince(t, s, before); len(evs) != 0 {
		t.Fatalf("a refused comment announced %+v", evs)
	}
}

func TestNewCommentsReachTheOtherParticipantsUntilSeen(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	bo := mustUser(t, s, "bo", citecheck.RoleReviewer)
	cy := mustUser(t, s, "cy", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	d := mustDocument(t, s, ana, "Doc")
	cl := mustClaim(t, s, ana, d.ID, 0, 5, []int{46}, "")
	mustReject(t, s, ed, cl.ID, "why?")
	if _, err := s.AddComment(ctx, cl.ID, bo.ID, "I looked at it too"); err != nil {
		t.Fatal(err)
	}
	last, err := s.AddComment(ctx, cl.ID, ana.ID, "fixed the refs")
	if err != nil {
		t.Fatal(err)
	}
	news := func(u *citecheck.User) []string {
		t.Helper()
		ns, err := s.NewCommentsFor(ctx, u.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, n := range ns {
			if n.DocumentTitle != "Doc" {
				t.Fatalf("notice without its document: %+v", n)
			}
			out = append(out, n.By+": "+n.Body)
		}
		return out
	}
	// ana (creator) sees bo's; ed (reviewer) and bo (commenter) see what others wrote; cy takes no part.
	if got := news(ana); len(got) != 1 || got[0] != "bo: I looked at it too" {
		t.Fatalf("ana's new comments: %v", got)
	}
	if got := news(ed); len(got) != 2 || got[0] != "ana: fixed the refs" {
		t.Fatalf("ed's new comments: %v", got)
	}
	if got := news(bo); len(got) != 1 || got[0] != "ana: fixed the refs" {
		t.Fatalf("bo's new comments: %v", got)
	}
	if got := news(cy); len(got) != 0 {
		t.Fatalf("cy takes no part but sees %v", got)
	}
	if err := s.MarkCommentsSeen(ctx, ed.ID, last.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkCommentsSeen(ctx, ed.ID, 1); err != nil { // never moves back
		t.Fatal(err)
	}
	if got := news(ed); len(got) != 0 {
		t.Fatalf("ed saw them, still new: %v", got)
	}
}
