package handlers

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

type myWorkJSON struct {
	Assigned []struct {
		ID         int64                 `json:"id"`
		State      citecheck.DocState    `json:"state"`
		Overdue    bool                  `json:"overdue"`
		Assignment *citecheck.Assignment `json:"assignment"`
	} `json:"assigned"`
	Rejected []citecheck.Claim         `json:"rejected"`
	ToReview []citecheck.Claim         `json:"to_review"`
	Comments []citecheck.CommentNotice `json:"comments"`
}

func (h *harness) myWork(user string) myWorkJSON {
	h.t.Helper()
	var w myWorkJSON
	r := h.do("GET", "/api/v1/me/work", user, nil)
	if r.status != 200 {
		h.t.Fatalf("my work of %s: %d %s", user, r.status, r.body)
	}
	r.json(h.t, &w)
	return w
}

func TestMyWorkListsAssignmentsRejectionsReviewsAndNewComments(t *testing.T) {
	h := newHarness(t, Config{})
	d := h.createDocument("rita", "Talks", reviewText)
	mine := h.claimAt("rita", d.ID, reviewText, "Ministers agreed to start talks.", []int{30, 31}, "unsupported")
	eds := h.claimAt("ed", d.ID, reviewText, "The deadline was 1 January 2016.", []int{32}, "unsupported")
	due := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	if r := h.do("PUT", fmt.Sprintf("/api/v1/documents/%d/assignment", d.ID), "ed", map[string]any{"checker": "rita", "due_at": due}); r.status != 200 {
		t.Fatalf("assign: %d %s", r.status, r.body)
	}
	if r := h.do("POST", fmt.Sprintf("/api/v1/claims/%d/review", mine.ID), "ed", map[string]any{"decision": "rejected", "comment": "which page?"}); r.status != 200 {
		t.Fatalf("reject: %d %s", r.status, r.body)
	}
	h.do("POST", fmt.Sprintf("/api/v1/claims/%d/comments", mine.ID), "ed", map[string]string{"body": "see page 4"})

	w := h.myWork("rita")
	if len(w.Assigned) != 1 || w.Assigned[0].ID != d.ID || w.Assigned[0].Overdue || w.Assigned[0].Assignment.Checker != "rita" || w.Assigned[0].State != citecheck.StateInProgress {
		t.Fatalf("rita's assigned: %+v", w.Assigned)
	}
	if len(w.Rejected) != 1 || w.Rejected[0].ID != mine.ID || w.Rejected[0].ReviewComment != "which page?" {
		t.Fatalf("rita's rejected: %+v", w.Rejected)
	}
	if len(w.ToReview) != 0 {
		t.Fatalf("a reviewer has claims to review: %+v", w.ToReview)
	}
	if len(w.Comments) != 1 || w.Comments[0].Body != "see page 4" || w.Comments[0].DocumentTitle != "Talks" {
		t.Fatalf("rita's comments: %+v", w.Comments)
	}
	// ed may review rita's claims but never his own.
	we := h.myWork("ed")
	if len(we.ToReview) != 0 || len(we.Assigned) != 0 || len(we.Comments) != 0 {
		t.Fatalf("ed's work: %+v", we)
	}
	if r := h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", mine.ID), "rita", map[string]any{"version": w.Rejected[0].Version, "status": "citation-needed"}); r.status != 200 {
		t.Fatalf("fix: %d %s", r.status, r.body)
	}
	we = h.myWork("ada")
	if len(we.ToReview) != 2 {
		t.Fatalf("ada's claims to review: %+v", we.ToReview)
	}
	if we = h.myWork("ed"); len(we.ToReview) != 1 || we.ToReview[0].ID != mine.ID || eds.ID == mine.ID {
		t.Fatalf("ed's claims to review: %+v", we.ToReview)
	}
	// The page shows the new comment once and marks it read; the API marks on request.
	b := h.newBrowser()
	b.login("rita")
	page := string(b.get("/my").body)
	for _, want := range []string{`id="mw-doc-` + fmt.Sprint(d.ID), "see page 4", `href="/my"`} {
		if !strings.Contains(page, want) {
			t.Errorf("My work lacks %q", want)
		}
	}
	if w := h.myWork("rita"); len(w.Comments) != 0 {
		t.Fatalf("still new after the page showed it: %+v", w.Comments)
	}
	c2 := h.do("POST", fmt.Sprintf("/api/v1/claims/%d/comments", mine.ID), "ed", map[string]string{"body": "and 5"})
	var cm citecheck.Comment
	c2.json(t, &cm)
	if r := h.do("POST", "/api/v1/me/comments/seen", "rita", map[string]int64{"up_to": cm.ID}); r.status != 204 {
		t.Fatalf("mark seen: %d %s", r.status, r.body)
	}
	if w := h.myWork("rita"); len(w.Comments) != 0 {
		t.Fatalf("still new after marking: %+v", w.Comments)
	}
	if r := h.do("POST", "/api/v1/me/comments/seen", "rita", map[string]int64{"up_to": 0}); r.status != 422 {
		t.Fatalf("mark seen 0: %d", r.status)
	}
}
