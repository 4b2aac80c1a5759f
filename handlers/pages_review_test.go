package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

// reviewText has markers to pair refs with: [30, 31] after the first sentence, [32] later.
const reviewText = "Ministers agreed to start talks. [30, 31] The deadline was 1 January 2016. [32] Nothing else."

// claimAt creates a claim over needle as user through the API.
func (h *harness) claimAt(user string, docID int64, text, needle string, refs []int, status string) citecheck.Claim {
	h.t.Helper()
	i := strings.Index(text, needle)
	if i < 0 {
		h.t.Fatalf("%q not in text", needle)
	}
	start := len([]rune(text[:i]))
	r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", docID), user,
		map[string]any{"start": start, "end": start + len([]rune(needle)), "refs": refs, "status": status})
	if r.status != http.StatusCreated {
		h.t.Fatalf("create claim: %d %s", r.status, r.body)
	}
	var cl citecheck.Claim
	r.json(h.t, &cl)
	return cl
}

var queueItemID = regexp.MustCompile(`id="q-(\d+)"`)

// queueIDs lists the claim ids on a review queue page, in order.
func queueIDs(page []byte) string {
	var ids []string
	for _, m := range queueItemID.FindAllSubmatch(page, -1) {
		ids = append(ids, string(m[1]))
	}
	return strings.Join(ids, " ")
}

func ids(cls ...citecheck.Claim) string {
	var s []string
	for _, c := range cls {
		s = append(s, fmt.Sprint(c.ID))
	}
	return strings.Join(s, " ")
}

func TestReviewQueueListsPendingClaimsOldestFirstAndFilters(t *testing.T) {
	h := newHarness(t, Config{})
	one := h.createDocument("rita", "Doc <one>", reviewText)
	two := h.createDocument("ralph", "Doc two", reviewText)
	c1 := h.claimAt("rita", one.ID, reviewText, "Ministers agreed to start talks.", []int{30, 31}, "supported")
	c2 := h.claimAt("ralph", two.ID, reviewText, "The deadline was 1 January 2016.", []int{32}, "supported")
	c3 := h.claimAt("rita", one.ID, reviewText, "The deadline was 1 January 2016.", []int{32, 99}, "contradicted")
	// A change makes c1 the most recently changed claim, so it waits at the end.
	if r := h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", c1.ID), "rita", map[string]any{"version": 1, "note": "checked <twice>"}); r.status != 200 {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	approved := h.claimAt("rita", two.ID, reviewText, "Nothing else.", nil, "unverified")
	if r, _ := h.review("ed", approved.ID, map[string]any{"decision": "approved"}); r.status != 200 {
		t.Fatalf("approve: %d", r.status)
	}

	ed := h.newBrowser()
	ed.login("ed")
	r := ed.get("/review")
	page := string(r.body)
	if r.status != 200 {
		t.Fatalf("/review: %d %s", r.status, r.body)
	}
	if got, want := queueIDs(r.body), ids(c2, c3, c1); got != want {
		t.Errorf("queue order %q, want %q (oldest change first, approved claims left out)", got, want)
	}
	for _, want := range []string{
		`Review <span class="count">(3)</span>`, // the header count
		"Doc &lt;one&gt;", fmt.Sprintf(`href="/documents/%d?claim=%d#c-%d"`, one.ID, c1.ID, c1.ID),
		`<mark class="q st-supported">Ministers agreed to start talks.</mark>`,
		`<span class="ref">[30, 31]</span>`, `<span class="ref">[32]</span>`, // refs as their markers
		`title="no marker in the text carries this number">[99]</span>`,
		"checked &lt;twice&gt;", "unknown-ref", "checked by <strong>ralph</strong>",
		fmt.Sprintf(`action="/claims/%d/review"`, c1.ID), `name="decision" value="approved"`,
		`name="comment" rows="2" required`, `name="back" value="/review"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("/review lacks %q", want)
		}
	}
	for query, want := range map[string]string{
		fmt.Sprintf("doc=%d", two.ID):  ids(c2),
		"author=rita":                  ids(c3, c1),
		"status=contradicted":          ids(c3),
		"author=rita&status=supported": ids(c1),
		"author=ada":                   "",
	} {
		r := ed.get("/review?" + query)
		if got := queueIDs(r.body); r.status != 200 || got != want {
			t.Errorf("/review?%s: %d %q, want %q", query, r.status, got, want)
		}
	}
	if r := ed.get("/review?status=bogus"); r.status != 422 {
		t.Errorf("unknown status filter: %d", r.status)
	}

	// c3 cites ref 99, which the text never cites: approving it needs an explicit override.
	back := "/review?author=rita"
	r = ed.postForm(fmt.Sprintf("/claims/%d/review", c3.ID), url.Values{"decision": {"approved"}, "version": {"1"}, "back": {back}}, true)
	if r = ed.get(back); !strings.Contains(string(r.body), "override") {
		t.Errorf("approving a claim with checks without override: no message")
	}
	if cl, _ := h.st.Claim(t.Context(), c3.ID); cl.Review != citecheck.ReviewPending {
		t.Fatalf("approved without override: %+v", cl)
	}
	// Approve with one click and the confirmation, back to the filtered queue, which no longer lists it.
	r = ed.postForm(fmt.Sprintf("/claims/%d/review", c3.ID), url.Values{"decision": {"approved"}, "override": {"true"}, "version": {"1"}, "back": {back}}, true)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != back {
		t.Fatalf("approve form: %d %q", r.status, r.header.Get("Location"))
	}
	r = ed.get(back)
	if got := queueIDs(r.body); got != ids(c1) || !strings.Contains(string(r.body), fmt.Sprintf("Claim #%d approved.", c3.ID)) {
		t.Errorf("after approving: queue %q, page holds the message: %v", got, strings.Contains(string(r.body), "approved."))
	}
	if cl, _ := h.st.Claim(t.Context(), c3.ID); cl.Review != citecheck.ReviewApproved || *cl.ReviewedBy != "ed" {
		t.Errorf("c3 after approve: %+v", cl)
	}

	// A rejection without a comment is refused, and the message reaches the editor.
	r = ed.postForm(fmt.Sprintf("/claims/%d/review", c1.ID), url.Values{"decision": {"rejected"}, "comment": {"  "}, "version": {"2"}, "back": {"/review"}}, true)
	if r.status != http.StatusSeeOther {
		t.Fatalf("empty rejection: %d", r.status)
	}
	if page := string(ed.get("/review").body); !strings.Contains(page, `class="banner error"`) || !strings.Contains(page, "a rejection needs a comment") {
		t.Errorf("the refusal of an empty rejection does not show")
	}
	// A stale form is refused too.
	ed.postForm(fmt.Sprintf("/claims/%d/review", c1.ID), url.Values{"decision": {"approved"}, "version": {"1"}}, true)
	if page := string(ed.get("/review").body); !strings.Contains(page, "was changed since you loaded the page") {
		t.Errorf("the refusal of a stale approval does not show")
	}
	r = ed.postForm(fmt.Sprintf("/claims/%d/review", c1.ID), url.Values{"decision": {"rejected"}, "comment": {"[31] does not say so"}, "version": {"2"}}, true)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/review" {
		t.Fatalf("reject form: %d %q", r.status, r.header.Get("Location"))
	}
	if cl, _ := h.st.Claim(t.Context(), c1.ID); cl.Review != citecheck.ReviewRejected || cl.ReviewComment != "[31] does not say so" {
		t.Errorf("c1 after reject: %+v", cl)
	}
	// A back address off the site is not followed.
	r = ed.postForm(fmt.Sprintf("/claims/%d/review", c2.ID), url.Values{"decision": {"approved"}, "back": {"//evil.example/"}}, true)
	if r.header.Get("Location") != "/review" {
		t.Errorf("off-site back followed: %q", r.header.Get("Location"))
	}
}

func TestReviewQueueRefusesOwnClaimsAndReviewers(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "d", reviewText)
	own := h.claimAt("ed", doc.ID, reviewText, "Ministers agreed to start talks.", []int{30}, "supported")
	other := h.claimAt("rita", doc.ID, reviewText, "Nothing else.", nil, "unverified")

	ed := h.newBrowser()
	ed.login("ed")
	page := string(ed.get("/review").body)
	item := page[strings.Index(page, fmt.Sprintf(`id="q-%d"`, own.ID)):]
	item = item[:strings.Index(item, "</li>")]
	if !strings.Contains(item, "yours: another editor must review") || strings.Contains(item, "approve-form") {
		t.Errorf("own claim in the queue: %s", item)
	}
	r := ed.postForm(fmt.Sprintf("/claims/%d/review", own.ID), url.Values{"decision": {"approved"}, "back": {"/review"}}, true)
	if r.status != http.StatusSeeOther {
		t.Fatalf("own approve: %d", r.status)
	}
	if page := string(ed.get("/review").body); !strings.Contains(page, "another editor must review it") {
		t.Errorf("the own-claim refusal does not show")
	}
	if cl, _ := h.st.Claim(t.Context(), own.ID); cl.Review != citecheck.ReviewPending {
		t.Errorf("own claim was reviewed: %+v", cl)
	}

	rita := h.newBrowser()
	rita.login("rita")
	if r := rita.get("/review"); r.status != http.StatusForbidden {
		t.Errorf("reviewer on /review: %d", r.status)
	}
	if r := rita.postForm(fmt.Sprintf("/claims/%d/review", other.ID), url.Values{"decision": {"approved"}}, true); r.status != http.StatusForbidden {
		t.Errorf("reviewer posts a review: %d", r.status)
	}
	if page := string(rita.get("/").body); strings.Contains(page, `href="/review"`) || strings.Contains(page, `href="/admin/users"`) || !strings.Contains(page, `href="/account"`) {
		t.Errorf("a reviewer's header shows the wrong links")
	}
	if r := rita.postForm(fmt.Sprintf("/claims/%d/review", other.ID), url.Values{"decision": {"approved"}}, false); r.status != http.StatusForbidden {
		t.Errorf("review form without CSRF token: %d", r.status)
	}
}

func TestDocumentPageShowsReviewStateAndEditorForms(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "d", reviewText)
	mine := h.claimAt("ed", doc.ID, reviewText, "Ministers agreed to start talks.", []int{30, 31}, "unsupported")
	theirs := h.claimAt("rita", doc.ID, reviewText, "The deadline was 1 January 2016.", []int{32}, "unsupported")
	ed := h.newBrowser()
	ed.login("ed")
	page := string(ed.get(fmt.Sprintf("/documents/%d", doc.ID)).body)
	if !strings.Contains(page, fmt.Sprintf(`action="/claims/%d/review"`, theirs.ID)) || strings.Contains(page, fmt.Sprintf(`action="/claims/%d/review"`, mine.ID)) {
		t.Errorf("review forms: want them for rita's claim only")
	}
	if !strings.Contains(page, fmt.Sprintf(`name="back" value="/documents/%d#claim-%d"`, doc.ID, theirs.ID)) {
		t.Errorf("the panel's review form does not come back to the document")
	}
	if !strings.Contains(page, "2 claims · 2 unsupported · review: 2 pending") || strings.Contains(page, "all claims approved") {
		t.Errorf("summary: %s", page[strings.Index(page, `id="doc-summary"`):][:200])
	}
	r := ed.postForm(fmt.Sprintf("/claims/%d/review", theirs.ID), url.Values{"decision": {"rejected"}, "comment": {"2015, not 2016"},
		"back": {fmt.Sprintf("/documents/%d#claim-%d", doc.ID, theirs.ID)}}, true)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), fmt.Sprintf("/documents/%d", doc.ID)) {
		t.Fatalf("reject from the document: %d %q", r.status, r.header.Get("Location"))
	}
	rita := h.newBrowser()
	rita.login("rita")
	page = string(rita.get(fmt.Sprintf("/documents/%d", doc.ID)).body)
	for _, want := range []string{"✗ rejected by ed", `<p class="review-comment">2015, not 2016</p>`, "review: 1 pending, 1 rejected",
		fmt.Sprintf(`href="/claims/%d"`, theirs.ID)} {
		if !strings.Contains(page, want) {
			t.Errorf("rita's document page lacks %q", want)
		}
	}
	if strings.Contains(page, "/review\"") || strings.Contains(page, "approve-form") {
		t.Errorf("a reviewer gets review forms")
	}
	for _, cl := range []citecheck.Claim{mine, theirs} {
		var cur citecheck.Claim
		h.do("GET", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "ada", nil).json(t, &cur)
		if r, _ := h.review("ada", cl.ID, map[string]any{"decision": "approved", "version": cur.Version}); r.status != 200 {
			t.Fatalf("ada approves: %d %s", r.status, r.body)
		}
	}
	if page := string(rita.get(fmt.Sprintf("/documents/%d", doc.ID)).body); !strings.Contains(page, "all claims approved") || !strings.Contains(page, "✓ approved by ada") {
		t.Errorf("an all-approved document does not say so")
	}
}
