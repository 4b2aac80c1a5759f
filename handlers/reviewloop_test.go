package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

// lastEvent is the newest event of a claim's history, read through the API.
func (h *harness) lastEvent(id int64) citecheck.ClaimEvent {
	h.t.Helper()
	var body struct {
		Events []citecheck.ClaimEvent `json:"events"`
	}
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d/history", id), "rita", nil).json(h.t, &body)
	return body.Events[len(body.Events)-1]
}

func TestUndoOfADecisionThroughTheAPI(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "undo", reviewText)
	cl := h.claimAt("rita", doc.ID, reviewText, "The deadline was 1 January 2016.", []int{32}, "unverified")
	undo := map[string]any{"decision": "pending"}
	if r, got := h.review("ed", cl.ID, map[string]any{"decision": "approved"}); r.status != 200 || got.Review != "approved" {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	for _, tt := range []struct {
		name, user string
		body       map[string]any
		status     int
		code       string
	}{
		{"a reviewer may not", "rita", undo, 403, "forbidden"},
		{"an undo takes no comment", "ed", map[string]any{"decision": "pending", "comment": "oops"}, 422, "invalid"},
		{"an undo takes no override", "ed", map[string]any{"decision": "pending", "override": true}, 422, "invalid"},
		{"a stale version", "ed", map[string]any{"decision": "pending", "version": 1}, 409, "conflict"},
	} {
		r, _ := h.review(tt.user, cl.ID, tt.body)
		if r.status != tt.status || r.errorCode(t) != tt.code {
			t.Errorf("%s: %d %s", tt.name, r.status, r.body)
		}
	}
	if ev := h.lastEvent(cl.ID); ev.Action != "reviewed" {
		t.Fatalf("a refused undo was recorded: %+v", ev)
	}
	r, got := h.review("ed", cl.ID, undo)
	if r.status != 200 || got.Review != "pending" || got.ReviewedBy != nil || got.ReviewedAt != nil {
		t.Fatalf("undo: %d %s", r.status, r.body)
	}
	ev := h.lastEvent(cl.ID)
	if ev.Action != "review-undone" || ev.By != "ed" || ev.Changes["undone"].From != "approved" || ev.Changes["reviewed_by"].From != "ed" ||
		ev.Changes["review"].To != "pending" {
		t.Fatalf("undo event %+v", ev)
	}
	if r, _ := h.review("ed", cl.ID, undo); r.status != 422 || !strings.Contains(string(r.body), "no decision to undo") {
		t.Errorf("a second undo: %d %s", r.status, r.body)
	}
	// An admin may undo an editor's rejection; nobody may once the claim changed since.
	h.review("ed", cl.ID, map[string]any{"decision": "rejected", "comment": "which page?"})
	if r, got := h.review("ada", cl.ID, undo); r.status != 200 || got.Review != "pending" {
		t.Fatalf("the admin's undo: %d %s", r.status, r.body)
	}
	_, got = h.review("ed", cl.ID, map[string]any{"decision": "approved"})
	if r := h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "rita", map[string]any{"version": got.Version, "note": "p. 4"}); r.status != 200 {
		t.Fatalf("note: %d %s", r.status, r.body)
	}
	if r, _ := h.review("ed", cl.ID, undo); r.status != 422 || !strings.Contains(string(r.body), "changed after it was approved") {
		t.Errorf("undo after a change: %d %s", r.status, r.body)
	}
}

func TestQueueMarksOrphansAndOffersNoApproval(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "orphans", reviewText)
	kept := h.claimAt("rita", doc.ID, reviewText, "Ministers agreed to start talks.", []int{30, 31}, "supported")
	gone := h.claimAt("rita", doc.ID, reviewText, "The deadline was 1 January 2016.", []int{32}, "supported")
	revised := strings.Replace(reviewText, "The deadline was 1 January 2016. [32] ", "", 1)
	if r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/revisions", doc.ID), "rita", map[string]any{"text": revised}); r.status != 201 {
		t.Fatalf("revise: %d %s", r.status, r.body)
	}
	ed := h.newBrowser()
	ed.login("ed")
	page := ed.get("/review")
	item := queueItemHTML(t, string(page.body), gone.ID)
	mustContain(t, "the orphan's row", []byte(item), "orphaned", "its text changed in revision 2", "re-anchor or delete",
		"The deadline was 1 January 2016.", fmt.Sprintf(`href="/documents/%d?reanchor=%d#doc-text"`, doc.ID, gone.ID))
	if strings.Contains(item, "approve-form") {
		t.Errorf("the orphan is offered for approval: %s", item)
	}
	if !strings.Contains(queueItemHTML(t, string(page.body), kept.ID), "approve-form") {
		t.Error("the anchored claim is not offered for approval")
	}
	if got := queueIDs(ed.get("/review?orphaned=1").body); got != ids(gone) {
		t.Errorf("/review?orphaned=1 lists %q, want %q", got, ids(gone))
	}
	if r := ed.get("/review?orphaned=maybe"); r.status != 422 {
		t.Errorf("orphaned=maybe: %d", r.status)
	}
	mustContain(t, "the orphan's claim page", ed.get(fmt.Sprintf("/claims/%d", gone.ID)).body, "its text changed in revision 2")
}

func TestRejectionCommentStaysVisibleAfterTheFix(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "rejections", reviewText)
	cl := h.claimAt("rita", doc.ID, reviewText, "The deadline was 1 January 2016.", []int{32}, "supported")
	other := h.claimAt("ralph", doc.ID, reviewText, "Ministers agreed to start talks.", []int{30, 31}, "supported")
	const comment = "Which page of [32] gives <the date>?"
	h.review("ed", cl.ID, map[string]any{"decision": "rejected", "comment": comment})
	h.review("ed", other.ID, map[string]any{"decision": "rejected", "comment": "ralph's"})
	escaped := "Which page of [32] gives &lt;the date&gt;?"

	rita := h.newBrowser()
	rita.login("rita")
	mine := rita.get("/my/rejected")
	mustContain(t, "my rejected claims", mine.body, fmt.Sprintf(`id="mr-%d"`, cl.ID), escaped, "Rejected by <strong>ed</strong>",
		fmt.Sprintf(`href="/claims/%d"`, cl.ID), "Fix it")
	if strings.Contains(string(mine.body), fmt.Sprintf(`id="mr-%d"`, other.ID)) || strings.Contains(string(mine.body), comment) {
		t.Error("rita's list shows ralph's claim or an unescaped comment")
	}
	// The fix sends it back to pending and empties its comment; the pages keep saying what was asked.
	r := rita.postForm(fmt.Sprintf("/claims/%d", cl.ID), url.Values{"version": {fmt.Sprint(cl.Version + 1)}, "refs": {"32"}, "status": {"partly-supported"}}, true)
	if r.status != http.StatusSeeOther {
		t.Fatalf("fix: %d %s", r.status, r.body)
	}
	var now citecheck.Claim
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "rita", nil).json(t, &now)
	if now.Review != "pending" || now.ReviewComment != "" {
		t.Fatalf("after the fix: %+v", now)
	}
	want := []string{"Last rejected by <strong>ed</strong>", escaped}
	mustContain(t, "the claim page", rita.get(fmt.Sprintf("/claims/%d", cl.ID)).body, want...)
	mustContain(t, "the document panel", rita.get(fmt.Sprintf("/documents/%d", doc.ID)).body, want...)
	ed := h.newBrowser()
	ed.login("ed")
	mustContain(t, "the queue", []byte(queueItemHTML(t, string(ed.get("/review").body), cl.ID)), want...)
	if strings.Contains(string(rita.get("/my/rejected").body), fmt.Sprintf(`id="mr-%d"`, cl.ID)) {
		t.Error("a fixed claim is still on the list of rejected claims")
	}
	// An approval ends the rejection.
	if r, _ := h.review("ed", cl.ID, map[string]any{"decision": "approved", "override": true}); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	if strings.Contains(string(rita.get(fmt.Sprintf("/claims/%d", cl.ID)).body), "Last rejected") {
		t.Error("an approved claim still shows its last rejection")
	}
}

func TestApproveAnywayAndUndoOnThePages(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "review", reviewText)
	cl := h.claimAt("ralph", doc.ID, reviewText, "Ministers agreed to start talks.", []int{30, 31, 99}, "unsupported")
	ed := h.newBrowser()
	ed.login("ed")
	page := ed.get(fmt.Sprintf("/claims/%d", cl.ID))
	mustContain(t, "the claim page", page.body, "Approve anyway", "still has 1 open citation problem (unknown-ref)",
		`<input type="hidden" name="override" value="true">`)
	if strings.Contains(string(page.body), `"override": true`) || strings.Contains(string(page.body), "&#34;override&#34;") {
		t.Error("the page speaks the API's words")
	}
	// A form without the override (sent before the problem appeared) is refused in a person's words.
	form := url.Values{"decision": {"approved"}, "version": {fmt.Sprint(cl.Version)}, "back": {"/review"}}
	page = ed.follow(ed.postForm(fmt.Sprintf("/claims/%d/review", cl.ID), form, true))
	mustContain(t, "the refusal", page.body, "still has open citation problems (unknown-ref)", "press “Approve anyway”")
	if strings.Contains(string(page.body), "confirm with") {
		t.Error("the refusal speaks the API's words")
	}
	r := ed.postFragment(fmt.Sprintf("/claims/%d/review", cl.ID), "queue", form)
	if r.status != 422 || !strings.Contains(string(r.body), "Approve anyway") {
		t.Errorf("the refusal in place: %d %s", r.status, r.body)
	}
	// Approved anyway in place in the queue: the row offers the undo, which brings the claim back.
	form.Set("override", "true")
	r = ed.postFragment(fmt.Sprintf("/claims/%d/review", cl.ID), "queue", form)
	mustContain(t, "the decided row", r.body, fmt.Sprintf(`id="q-%d"`, cl.ID), "approved", `class="undo-form inline"`, `name="decision" value="pending"`)
	undo := url.Values{"decision": {"pending"}, "version": {fmt.Sprint(cl.Version + 1)}, "back": {"/review"}}
	r = ed.postFragment(fmt.Sprintf("/claims/%d/review", cl.ID), "queue", undo)
	mustContain(t, "the row after the undo", r.body, fmt.Sprintf(`id="q-%d"`, cl.ID), "Approve anyway", "pending again", `id="queue-total">1 claim is`)
	// Without JavaScript: the claim page offers the undo of ed's approval, and it posts back.
	form.Set("version", fmt.Sprint(cl.Version+2))
	form.Set("back", fmt.Sprintf("/claims/%d", cl.ID))
	page = ed.follow(ed.postForm(fmt.Sprintf("/claims/%d/review", cl.ID), form, true))
	mustContain(t, "the approved claim page", page.body, "approved.", `class="undo-form inline"`)
	undo.Set("version", fmt.Sprint(cl.Version+3))
	undo.Set("back", fmt.Sprintf("/claims/%d", cl.ID))
	page = ed.follow(ed.postForm(fmt.Sprintf("/claims/%d/review", cl.ID), undo, true))
	mustContain(t, "the undone claim page", page.body, "is pending again: the decision was undone.", "review-undone")
	// Once approved again: ed and ada (an admin) are offered the undo on the claim page and in
	// the panel; rita, a reviewer, is offered none.
	h.review("ed", cl.ID, map[string]any{"decision": "approved", "override": true})
	ada := h.newBrowser()
	ada.login("ada")
	rita := h.newBrowser()
	rita.login("rita")
	for _, tt := range []struct {
		who  string
		b    *browser
		want bool
	}{{"ed", ed, true}, {"ada", ada, true}, {"rita", rita, false}} {
		for _, path := range []string{fmt.Sprintf("/claims/%d", cl.ID), fmt.Sprintf("/documents/%d", doc.ID)} {
			if got := strings.Contains(string(tt.b.get(path).body), "undo-form"); got != tt.want {
				t.Errorf("%s on %s: undo offered %v, want %v", tt.who, path, got, tt.want)
			}
		}
	}
}

func TestNewDocumentWithoutATitleTakesItsFirstLine(t *testing.T) {
	h := newHarness(t, Config{})
	rita := h.newBrowser()
	rita.login("rita")
	home := rita.get("/")
	if form := string(home.body); strings.Contains(form, `name="title" value="" required`) {
		t.Fatal("the title is still required in the form")
	}
	r := rita.postForm("/documents", url.Values{"title": {""}, "text": {"  Talks resume in Vienna\nThe second line. [1]"}}, true)
	if r.status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var list struct {
		Documents []citecheck.DocumentSummary `json:"documents"`
	}
	h.do("GET", "/api/v1/documents", "rita", nil).json(t, &list)
	if len(list.Documents) != 1 || list.Documents[0].Title != "Talks resume in Vienna" {
		t.Fatalf("documents %+v", list.Documents)
	}
}

func TestDocumentPageOffersEveryExportAndTheReport(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "exports", reviewText)
	b := h.newBrowser()
	b.login("rita")
	page := b.get(fmt.Sprintf("/documents/%d", doc.ID))
	for _, f := range []string{"", "?format=w3c", "?format=csv", "?format=claimreview"} {
		href := fmt.Sprintf("/api/v1/documents/%d/export%s", doc.ID, f)
		mustContain(t, "the document page", page.body, `href="`+href+`" download`)
		if r := h.do("GET", href, "rita", nil); r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment") {
			t.Errorf("%s: %d %q", href, r.status, r.header.Get("Content-Disposition"))
		}
	}
	mustContain(t, "the document page", page.body, fmt.Sprintf(`href="/documents/%d/report"`, doc.ID))
}

func TestReportListsEveryClaimItsReviewEvidenceAndOpenProblems(t *testing.T) {
	h := newHarness(t, Config{})
	text := reviewText + " Talks began on 3 May. [34] It ended on 5 June. The last one. [33]"
	doc := h.createDocument("rita", "Report <sample>", text)
	first := h.claimAt("rita", doc.ID, text, "Ministers agreed to start talks.", []int{30, 31}, "supported")
	second := h.claimAt("ralph", doc.ID, text, "The deadline was 1 January 2016.", []int{32, 99}, "unsupported")
	gone := h.claimAt("rita", doc.ID, text, "The last one.", []int{33}, "unverified")
	var src struct {
		ID int64 `json:"id"`
	}
	r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/references/30/sources", doc.ID), "rita",
		map[string]any{"text": "Reuters: ministers agreed to talks.", "title": "Reuters"})
	r.json(t, &src)
	if r = h.do("POST", fmt.Sprintf("/api/v1/claims/%d/evidence", first.ID), "rita",
		map[string]any{"source_id": src.ID, "start": 9, "end": 34, "stance": "supports"}); r.status != 201 {
		t.Fatalf("evidence: %d %s", r.status, r.body)
	}
	if r = h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", first.ID), "rita", map[string]any{"version": 2, "note": "<b>p. 4</b>"}); r.status != 200 {
		t.Fatalf("note: %d %s", r.status, r.body)
	}
	if r, _ := h.review("ed", first.ID, map[string]any{"decision": "approved"}); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	h.review("ed", second.ID, map[string]any{"decision": "rejected", "comment": "ref 99?"})
	revised := strings.Replace(text, " The last one. [33]", "", 1)
	if r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/revisions", doc.ID), "rita", map[string]any{"text": revised}); r.status != 201 {
		t.Fatalf("revise: %d %s", r.status, r.body)
	}
	var d citecheck.Document
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d", doc.ID), "rita", nil).json(t, &d)

	b := h.newBrowser()
	b.login("ed")
	page := b.get(fmt.Sprintf("/documents/%d/report", doc.ID))
	if page.status != 200 {
		t.Fatalf("report: %d %s", page.status, page.body)
	}
	body := string(page.body)
	mustContain(t, "the report", page.body,
		"<h1>Report &lt;sample&gt;</h1>", d.TextSHA256, "revision 2",
		"3 markers, 2 covered, 1 uncovered", `id="report-uncovered"`, "<mark>[34]</mark>",
		fmt.Sprintf(`id="r-%d"`, first.ID), fmt.Sprintf(`id="r-%d"`, second.ID), fmt.Sprintf(`id="r-%d"`, gone.ID),
		"&lt;b&gt;p. 4&lt;/b&gt;", "Reuters", "ministers agreed to talks", "supports",
		"<dd>rita, ", "<dd>ed, ", "ref 99?", "unknown-ref",
		"its text changed in revision 2", `id="report-uncited"`, "states a date",
		`class="print-report"`)
	if strings.Contains(body, "<b>p. 4</b>") {
		t.Error("the report lets the note's markup through")
	}
	// Text order: the first claim before the second, the orphans after both.
	if i, j, k := strings.Index(body, fmt.Sprintf(`id="r-%d"`, first.ID)), strings.Index(body, fmt.Sprintf(`id="r-%d"`, second.ID)),
		strings.Index(body, fmt.Sprintf(`id="r-%d"`, gone.ID)); !(i < j && j < k) {
		t.Errorf("claims out of order: %d %d %d", i, j, k)
	}
	if r := b.get("/documents/999/report"); r.status != 404 {
		t.Errorf("unknown document: %d", r.status)
	}
}
