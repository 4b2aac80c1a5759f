package handlers

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

// deskDoc is the part of a document answer the desk adds.
type deskDoc struct {
	ID         int64                 `json:"id"`
	State      citecheck.DocState    `json:"state"`
	Progress   citecheck.Progress    `json:"progress"`
	Missing    []citecheck.Lack      `json:"missing"`
	Assignment *citecheck.Assignment `json:"assignment"`
}

func TestAssignmentAPIForEveryRoleAndItsRefusals(t *testing.T) {
	h := newHarness(t, Config{})
	d := h.createDocument("rita", "Talks", reviewText)
	path := fmt.Sprintf("/api/v1/documents/%d/assignment", d.ID)
	due := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
	body := map[string]any{"checker": "rita", "editor": "ed", "due_at": due, "start": 0, "end": 10}
	if r := h.do("PUT", path, "ralph", body); r.status != 403 || r.errorCode(t) != "forbidden" {
		t.Fatalf("a reviewer assigns: %d %s", r.status, r.body)
	}
	for _, tc := range []struct {
		change      map[string]any
		code, field string
	}{
		{map[string]any{"checker": "nobody"}, "invalid-assignee", "checker"},
		{map[string]any{"editor": "ralph"}, "invalid-assignee", "editor"},
		{map[string]any{"due_at": "2001-01-01T00:00:00Z"}, "due-in-past", "due_at"},
		{map[string]any{"due_at": "tomorrow"}, "invalid", "due_at"},
		{map[string]any{"end": 10_000}, "offset-out-of-range", "end"},
	} {
		b := map[string]any{}
		for k, v := range body {
			b[k] = v
		}
		for k, v := range tc.change {
			b[k] = v
		}
		r := h.do("PUT", path, "ed", b)
		var e errorBody
		r.json(t, &e)
		if r.status != 422 || e.Error.Code != tc.code || e.Error.Field != tc.field {
			t.Errorf("%v: %d %s", tc.change, r.status, r.body)
		}
	}
	var got deskDoc
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d", d.ID), "rita", nil).json(t, &got)
	if got.Assignment != nil || got.State != citecheck.StateUnassigned {
		t.Fatalf("refused assignments changed the document: %+v", got)
	}
	r := h.do("PUT", path, "ed", body)
	if r.status != 200 {
		t.Fatalf("assign: %d %s", r.status, r.body)
	}
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d", d.ID), "rita", nil).json(t, &got)
	if got.Assignment == nil || got.Assignment.Checker != "rita" || *got.Assignment.End != 10 || got.State != citecheck.StateInProgress {
		t.Fatalf("assigned document = %+v", got)
	}
	if len(got.Missing) == 0 || got.Missing[0].Text != "no claims yet" {
		t.Fatalf("missing = %+v", got.Missing)
	}
	if r := h.do("PUT", path, "ada", map[string]any{"checker": "ralph", "due_at": due}); r.status != 200 {
		t.Fatalf("an admin reassigns: %d %s", r.status, r.body)
	}
	if r := h.do("DELETE", path, "ralph", nil); r.status != 403 {
		t.Fatalf("a reviewer unassigns: %d", r.status)
	}
	if r := h.do("DELETE", path, "ed", nil); r.status != 204 {
		t.Fatalf("unassign: %d %s", r.status, r.body)
	}
	if r := h.do("DELETE", path, "ed", nil); r.status != 404 {
		t.Fatalf("unassign twice: %d", r.status)
	}
}

func TestDocumentStateFollowsTheClaimsAndTheListFiltersAndSortsByIt(t *testing.T) {
	h := newHarness(t, Config{})
	text := "Ministers agreed to start talks. [30] Nothing else."
	a := h.createDocument("rita", "A talks", text)
	b := h.createDocument("rita", "B untouched", "No markers here.")
	due := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
	h.do("PUT", fmt.Sprintf("/api/v1/documents/%d/assignment", b.ID), "ed", map[string]any{"checker": "ralph", "due_at": due})
	state := func(id int64) deskDoc {
		t.Helper()
		var d deskDoc
		h.do("GET", fmt.Sprintf("/api/v1/documents/%d", id), "rita", nil).json(t, &d)
		return d
	}
	if s := state(a.ID); s.State != citecheck.StateUnassigned || s.Progress.Uncovered != 1 {
		t.Fatalf("a new document: %+v", s)
	}
	cl := h.claimAt("rita", a.ID, text, "Ministers agreed to start talks.", []int{30}, "unverified")
	if s := state(a.ID); s.State != citecheck.StateInProgress {
		t.Fatalf("with a claim without a verdict: %+v", s)
	}
	r := h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "rita", map[string]any{"version": cl.Version, "status": "unsupported"})
	if r.status != 200 {
		t.Fatalf("verdict: %d %s", r.status, r.body)
	}
	r.json(t, &cl)
	if s := state(a.ID); s.State != citecheck.StateInReview || len(s.Missing) != 1 || s.Missing[0].Text != "1 claim pending" {
		t.Fatalf("with every verdict in: %+v", s)
	}
	list := func(q string) []string {
		t.Helper()
		r := h.do("GET", "/api/v1/documents"+q, "rita", nil)
		if r.status != 200 {
			t.Fatalf("list %s: %d %s", q, r.status, r.body)
		}
		var l struct{ Documents []deskDoc }
		r.json(t, &l)
		var out []string
		for _, d := range l.Documents {
			out = append(out, fmt.Sprintf("%d:%s", d.ID, d.State))
		}
		return out
	}
	ar, br := fmt.Sprintf("%d:in review", a.ID), fmt.Sprintf("%d:in progress", b.ID)
	if got := list("?sort=state"); strings.Join(got, ",") != br+","+ar {
		t.Fatalf("sorted by state: %v", got)
	}
	if got := list("?state=in+review"); strings.Join(got, ",") != ar {
		t.Fatalf("filtered by state: %v", got)
	}
	if got := list("?checker=ralph&sort=due&order=desc"); strings.Join(got, ",") != br {
		t.Fatalf("filtered by checker: %v", got)
	}
	if r := h.do("POST", fmt.Sprintf("/api/v1/claims/%d/review", cl.ID), "ed", map[string]any{"decision": "approved", "comment": ""}); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	if s := state(a.ID); s.State != citecheck.StateApproved || len(s.Missing) != 0 {
		t.Fatalf("approved: %+v", s)
	}
	if got := list("?state=approved"); strings.Join(got, ",") != fmt.Sprintf("%d:approved", a.ID) {
		t.Fatalf("the list's cached state did not follow the review: %v", got)
	}
	for _, q := range []string{"?state=done", "?sort=size", "?order=up"} {
		if r := h.do("GET", "/api/v1/documents"+q, "rita", nil); r.status != 422 {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
}

func TestDocumentPagesShowStateMissingAndTheAssignForm(t *testing.T) {
	h := newHarness(t, Config{})
	d := h.createDocument("rita", "Talks", reviewText)
	ed := h.newBrowser()
	ed.login("ed")
	page := string(ed.get(docURL(d.ID)).body)
	for _, want := range []string{`id="doc-state">unassigned`, "no claims yet", `href="#sources-panel">2 markers uncovered`, `action="/documents/` + fmt.Sprint(d.ID) + `/assignment"`} {
		if !strings.Contains(page, want) {
			t.Errorf("document page lacks %q", want)
		}
	}
	r := ed.postForm(docURL(d.ID)+"/assignment", url.Values{"checker": {"rita"}, "editor": {"ed"}, "due_at": {"2001-01-01T10:00"}}, true)
	if r.status != 303 {
		t.Fatalf("a past due time: %d", r.status)
	}
	if page := string(ed.get(docURL(d.ID)).body); !strings.Contains(page, "Not assigned: the due time") {
		t.Fatalf("the refusal is not shown")
	}
	due := time.Now().Add(48 * time.Hour).UTC().Format("2006-01-02T15:04")
	if r := ed.postForm(docURL(d.ID)+"/assignment", url.Values{"checker": {"rita"}, "editor": {"ed"}, "due_at": {due}}, true); r.status != 303 {
		t.Fatalf("assign: %d", r.status)
	}
	rita := h.newBrowser()
	rita.login("rita")
	page = string(rita.get(docURL(d.ID)).body)
	if !strings.Contains(page, "Assigned to <strong>rita</strong>") || strings.Contains(page, "assign-form") {
		t.Fatalf("the checker's page: assignment shown without the editor's form expected")
	}
	list := string(rita.get("/?checker=rita").body)
	if !strings.Contains(list, `<td class="checker">rita</td>`) || !strings.Contains(list, "in progress") {
		t.Fatalf("the list lacks the checker or state")
	}
	if list := string(rita.get("/?checker=ed").body); !strings.Contains(list, "No document matches the filter") {
		t.Fatalf("the filter does not narrow the list")
	}
}
