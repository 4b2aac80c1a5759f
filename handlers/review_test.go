package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/citecheck/citecheck"
)

// newClaim creates a claim over the first 10 code points as user and returns it.
func (h *harness) newClaim(user string, docID int64) citecheck.Claim {
	h.t.Helper()
	r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", docID), user,
		map[string]any{"start": 0, "end": 10, "refs": []int{1}, "status": "unsupported"})
	if r.status != http.StatusCreated {
		h.t.Fatalf("create claim: %d %s", r.status, r.body)
	}
	var cl citecheck.Claim
	r.json(h.t, &cl)
	return cl
}

func (h *harness) review(user string, id int64, body map[string]any) (response, citecheck.Claim) {
	h.t.Helper()
	r := h.do("POST", fmt.Sprintf("/api/v1/claims/%d/review", id), user, body)
	var cl citecheck.Claim
	if r.status == 200 {
		r.json(h.t, &cl)
	}
	return r, cl
}

func TestReviewFollowsTheTwoPersonRule(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "t", "A claim here. [1] And another claim. [2]")
	cl := h.newClaim("rita", doc.ID)

	if r, _ := h.review("ralph", cl.ID, map[string]any{"decision": "approved"}); r.status != 403 || r.errorCode(t) != "forbidden" {
		t.Fatalf("reviewer approves: %d %s", r.status, r.body)
	}
	if r, _ := h.review("ed", cl.ID, map[string]any{"decision": "rejected"}); r.status != 422 {
		t.Fatalf("rejection without comment: %d %s", r.status, r.body)
	}
	if r, _ := h.review("ed", cl.ID, map[string]any{"decision": "maybe"}); r.status != 422 {
		t.Fatalf("unknown decision: %d", r.status)
	}
	r, got := h.review("ed", cl.ID, map[string]any{"decision": "rejected", "comment": "source [1] says 2015, not 2016"})
	if r.status != 200 || got.Review != "rejected" || got.ReviewComment == "" || got.ReviewedBy == nil || *got.ReviewedBy != "ed" || got.UpdatedBy != "rita" {
		t.Fatalf("reject: %d %+v", r.status, got)
	}
	// The editor may change their mind: reviewing is not changing the claim.
	if r, got = h.review("ed", cl.ID, map[string]any{"decision": "approved"}); r.status != 200 || got.Review != "approved" {
		t.Fatalf("re-review: %d %s", r.status, r.body)
	}
	// A note alone keeps the approval.
	var after citecheck.Claim
	h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "rita", map[string]any{"version": got.Version, "note": "n"}).json(t, &after)
	if after.Review != "approved" {
		t.Fatalf("note change reset review: %+v", after)
	}
	// The editor changes the verdict: back to pending, and now the editor last changed it.
	h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "ed", map[string]any{"version": after.Version, "status": "citation-needed"}).json(t, &after)
	if after.Review != "pending" || after.ReviewedBy != nil || after.UpdatedBy != "ed" {
		t.Fatalf("status change did not reset review: %+v", after)
	}
	if r, _ := h.review("ed", cl.ID, map[string]any{"decision": "approved"}); r.status != 403 || r.errorCode(t) != "own-claim" {
		t.Fatalf("editor approves claim they last changed: %d %s", r.status, r.body)
	}
	if r, got = h.review("ada", cl.ID, map[string]any{"decision": "approved"}); r.status != 200 || *got.ReviewedBy != "ada" {
		t.Fatalf("admin approves: %d %s", r.status, r.body)
	}
	own := h.newClaim("ed", doc.ID)
	if r, _ := h.review("ed", own.ID, map[string]any{"decision": "approved"}); r.status != 403 || r.errorCode(t) != "own-claim" {
		t.Fatalf("editor approves own claim: %d %s", r.status, r.body)
	}
	if r, _ := h.review("ed", 9999, map[string]any{"decision": "approved"}); r.status != 404 {
		t.Fatalf("unknown claim: %d", r.status)
	}
}

func TestApproveRacingAnEditLosesWithConflict(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "t", "A claim here. [1] And another claim. [2]")
	cl := h.newClaim("rita", doc.ID)
	// The edit lands first: the approval of version 1 is stale.
	h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "rita", map[string]any{"version": 1, "refs": []int{1, 2}})
	r, _ := h.review("ed", cl.ID, map[string]any{"decision": "approved", "version": 1})
	if r.status != http.StatusConflict {
		t.Fatalf("stale approval: %d %s", r.status, r.body)
	}
	var cur citecheck.Claim
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "ed", nil).json(t, &cur)
	if cur.Review != "pending" || cur.Version != 2 {
		t.Fatalf("stale approval changed the claim: %+v", cur)
	}
	// Both at once, many times: exactly one wins each round, and nothing is half-applied.
	for round := 0; round < 10; round++ {
		h.do("GET", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "ed", nil).json(t, &cur)
		next := citecheck.StatusCitationNeeded
		if cur.Status == next {
			next = citecheck.StatusUnsupported
		}
		var wg sync.WaitGroup
		var edit, approve response
		wg.Add(2)
		go func() {
			defer wg.Done()
			edit = h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "rita", map[string]any{"version": cur.Version, "status": next})
		}()
		go func() {
			defer wg.Done()
			approve = h.do("POST", fmt.Sprintf("/api/v1/claims/%d/review", cl.ID), "ed", map[string]any{"decision": "approved", "version": cur.Version})
		}()
		wg.Wait()
		if (edit.status == 200) == (approve.status == 200) || (edit.status != 409 && approve.status != 409) {
			t.Fatalf("round %d: edit %d, approve %d: want one 200 and one 409", round, edit.status, approve.status)
		}
		var final citecheck.Claim
		h.do("GET", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "ed", nil).json(t, &final)
		if final.Version != cur.Version+1 {
			t.Fatalf("round %d: version %d after one change from %d", round, final.Version, cur.Version)
		}
		if approve.status == 200 && (final.Review != "approved" || final.Status != cur.Status) {
			t.Fatalf("round %d: approval won but claim is %+v", round, final)
		}
		if edit.status == 200 && final.Review != "pending" && final.Review != cur.Review {
			t.Fatalf("round %d: edit won but review is %s", round, final.Review)
		}
	}
}

func TestHistoryRecordsEveryChange(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "t", "A claim here. [1] And another claim. [2]")
	cl := h.newClaim("rita", doc.ID)
	path := fmt.Sprintf("/api/v1/claims/%d", cl.ID)
	h.do("PATCH", path, "rita", map[string]any{"version": 1, "refs": []int{1, 2}})
	h.review("ed", cl.ID, map[string]any{"decision": "rejected", "comment": "wrong year"})
	h.do("PATCH", path, "rita", map[string]any{"version": 3, "status": "citation-needed", "note": "fixed"})
	h.review("ed", cl.ID, map[string]any{"decision": "approved"})
	h.do("PATCH", path, "ralph", map[string]any{"version": 999, "note": "stale"}) // refused: no event
	if r := h.do("DELETE", path, "ed", nil); r.status != 204 {
		t.Fatalf("delete: %d", r.status)
	}
	var hist struct{ Events []citecheck.ClaimEvent }
	r := h.do("GET", path+"/history", "ralph", nil)
	if r.status != 200 {
		t.Fatalf("history after delete: %d %s", r.status, r.body)
	}
	r.json(t, &hist)
	want := []struct {
		action, by string
		fields     []string
	}{
		{"created", "rita", []string{"end", "note", "quote", "refs", "review", "review_comment", "start", "status"}},
		{"updated", "rita", []string{"refs"}},
		{"reviewed", "ed", []string{"review", "review_comment"}},
		{"updated", "rita", []string{"note", "review", "review_comment", "status"}},
		{"reviewed", "ed", []string{"review"}},
		{"deleted", "ed", []string{"end", "note", "quote", "refs", "review", "review_comment", "start", "status"}},
	}
	if len(hist.Events) != len(want) {
		t.Fatalf("%d events, want %d: %s", len(hist.Events), len(want), r.body)
	}
	for i, w := range want {
		e := hist.Events[i]
		var fields []string
		for k := range e.Changes {
			fields = append(fields, k)
		}
		if e.Action != w.action || e.By != w.by || fmt.Sprint(sorted(fields)) != fmt.Sprint(w.fields) || e.At.IsZero() {
			t.Errorf("event %d: %s by %s changed %v, want %s by %s changed %v", i, e.Action, e.By, sorted(fields), w.action, w.by, w.fields)
		}
	}
	if c := hist.Events[2].Changes["review"]; c.From != "pending" || c.To != "rejected" {
		t.Errorf("review change: %+v", c)
	}
	if r := h.do("GET", "/api/v1/claims/424242/history", "rita", nil); r.status != 404 {
		t.Errorf("history of unknown claim: %d", r.status)
	}
}

func sorted(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

func TestApprovingAClaimWithChecksNeedsOverride(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "t", "A claim here. [1] And another claim. [2]")
	r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
		map[string]any{"start": 0, "end": 12, "refs": []int{7}, "status": "supported"})
	var cl citecheck.Claim
	r.json(t, &cl)
	if len(cl.Checks) == 0 {
		t.Fatal("fixture claim has no checks")
	}
	r, _ = h.review("ed", cl.ID, map[string]any{"decision": "approved"})
	if r.status != 422 || r.errorCode(t) != "unresolved-checks" {
		t.Fatalf("approve without override: %d %s", r.status, r.body)
	}
	if r, _ := h.review("ed", cl.ID, map[string]any{"decision": "rejected", "comment": "ref 7?"}); r.status != 200 {
		t.Fatalf("a rejection needs no override: %d", r.status)
	}
	r, got := h.review("ed", cl.ID, map[string]any{"decision": "approved", "override": true})
	if r.status != 200 || got.Review != "approved" {
		t.Fatalf("approve with override: %d %s", r.status, r.body)
	}
	var hist struct{ Events []citecheck.ClaimEvent }
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d/history", cl.ID), "rita", nil).json(t, &hist)
	last := hist.Events[len(hist.Events)-1]
	if last.Action != "reviewed" || last.Changes["override"].To != true {
		t.Fatalf("history does not record the override: %+v", last)
	}
}

// checkCodes lists the codes of checks, comma-separated, for tests to compare.
func checkCodes(checks []citecheck.Check) string {
	codes := make([]string, len(checks))
	for i, ch := range checks {
		codes[i] = ch.Code
	}
	return strings.Join(codes, ", ")
}
