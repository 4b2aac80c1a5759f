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

// postFragment sends a page form as app.js does: with the CSRF token and the header that asks
// for a fragment (kind "" for a plain form post).
func (b *browser) postFragment(path, kind string, form url.Values) response {
	b.h.t.Helper()
	form.Set("csrf_token", b.csrf)
	req, _ := http.NewRequest("POST", b.h.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if kind != "" {
		req.Header.Set(fragmentHeader, kind)
	}
	return b.h.send(b.client, req)
}

var blockWithClaims = regexp.MustCompile(`<div id="b-(\d+)" class="blk" data-b="(\d+)"`)

// TestClaimChangesInPlaceAnswerSmallFragments: saving a selection, reviewing and deleting from
// the document page with the fragment header answer the parts of the page they change, never
// the page; a refusal answers the API's JSON error and changes nothing; without the header
// the forms redirect as before.
func TestClaimChangesInPlaceAnswerSmallFragments(t *testing.T) {
	h := newHarness(t, Config{})
	doc, _ := hotDocument(t, h, 200_000, 400)
	rita := h.newBrowser()
	rita.login("rita")
	rita.get(fmt.Sprintf("/documents/%d", doc.ID))
	text := citecheck.NewText(doc.Text)
	start := 100_000
	quote := text.Slice(start, start+30)
	claimsPath := fmt.Sprintf("/documents/%d/claims?panel=1", doc.ID)

	created := rita.postFragment(claimsPath, "document", url.Values{"start": {fmt.Sprint(start)}, "end": {fmt.Sprint(start + 30)},
		"quote": {quote}, "refs": {"30, 31"}, "status": {"unsupported"}})
	if created.status != http.StatusCreated {
		t.Fatalf("create in place: %d %.300s", created.status, created.body)
	}
	claims, err := h.st.Claims(t.Context(), doc.ID, citecheck.ClaimFilter{})
	if err != nil {
		t.Fatal(err)
	}
	newest := claims[0]
	for _, cl := range claims {
		if cl.ID > newest.ID {
			newest = cl
		}
	}
	if newest.Start != start || newest.Quote != quote {
		t.Fatalf("stored %+v", newest)
	}
	body := string(created.body)
	blocks := blockWithClaims.FindAllStringSubmatch(body, -1)
	if len(blocks) == 0 || !highlights(body, newest.ID) {
		t.Errorf("the answer holds no block with the new claim's highlight")
	}
	for _, b := range blocks {
		if bs := atoi(t, b[2]); bs > start+30 {
			t.Errorf("block %s starts at %d, after the claim", b[1], bs)
		}
	}
	for _, want := range []string{`id="doc-summary"`, "401 claims", `id="panel-head"`, `id="panel-pager"`, fmt.Sprintf(`data-remove="claim-%d"`, newest.ID)} {
		if !strings.Contains(body, want) {
			t.Errorf("the answer lacks %q", want)
		}
	}
	if strings.Contains(body, "<html") || strings.Contains(body, `id="doc-text"`) || len(body) > 50_000 {
		t.Errorf("the answer is a page, not a fragment (%d bytes)", len(body))
	}

	// The panel page that holds the claim gets its entry.
	page := pickPanelPage(filterByStatus(sortedAnchored(t, h, doc.ID), ""), panelAsk{claim: newest.ID, at: -1}).Page
	ed := h.newBrowser()
	ed.login("ed")
	ed.get(fmt.Sprintf("/documents/%d", doc.ID))
	reviewed := ed.postFragment(fmt.Sprintf("/claims/%d/review?panel=%d", newest.ID, page), "document",
		url.Values{"decision": {"approved"}, "version": {fmt.Sprint(newest.Version)}})
	if reviewed.status != http.StatusOK || !strings.Contains(string(reviewed.body), fmt.Sprintf(`<li id="claim-%d"`, newest.ID)) ||
		!strings.Contains(string(reviewed.body), "approved by ed") {
		t.Fatalf("review in place: %d %.500s", reviewed.status, reviewed.body)
	}

	tests := []struct {
		name     string
		who      *browser
		path     string
		form     url.Values
		status   int
		code     string
		noCSRF   bool
		wantBody string
	}{
		{"bad refs", rita, claimsPath, url.Values{"start": {"10"}, "end": {"20"}, "refs": {"x"}}, 422, citecheck.ECodeInvalidRefs, false, ""},
		{"quote that is not the text", rita, claimsPath, url.Values{"start": {"10"}, "end": {"20"}, "quote": {"nope"}}, 422, "quote-mismatch", false, ""},
		{"a reviewer reviews", rita, fmt.Sprintf("/claims/%d/review", newest.ID), url.Values{"decision": {"rejected"}, "comment": {"no"}}, 403, "", false, ""},
		{"a rejection without a comment", ed, fmt.Sprintf("/claims/%d/review", newest.ID), url.Values{"decision": {"rejected"}}, 422, citecheck.ECodeInvalid, false, ""},
		{"no CSRF token", rita, claimsPath, url.Values{"start": {"10"}, "end": {"20"}}, 403, "", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := h.st.Claims(t.Context(), doc.ID, citecheck.ClaimFilter{})
			csrf := tt.who.csrf
			if tt.noCSRF {
				tt.who.csrf = ""
			}
			r := tt.who.postFragment(tt.path, "document", tt.form)
			tt.who.csrf = csrf
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, tt.status, r.body)
			}
			if tt.code != "" {
				if got := r.errorCode(t); got != tt.code {
					t.Errorf("code %q, want %q", got, tt.code)
				}
			}
			after, _ := h.st.Claims(t.Context(), doc.ID, citecheck.ClaimFilter{})
			if len(after) != len(before) {
				t.Errorf("%d claims, was %d", len(after), len(before))
			}
			if cl, _ := h.st.Claim(t.Context(), newest.ID); cl.Review != citecheck.ReviewApproved {
				t.Errorf("the claim's review is %q", cl.Review)
			}
		})
	}

	deleted := rita.postFragment(fmt.Sprintf("/claims/%d/delete?panel=%d", newest.ID, page), "document", url.Values{"confirm": {"yes"}})
	if deleted.status != http.StatusOK || !strings.Contains(string(deleted.body), fmt.Sprintf(`data-remove="claim-%d"`, newest.ID)) ||
		!strings.Contains(string(deleted.body), "400 claims") {
		t.Fatalf("delete in place: %d %.300s", deleted.status, deleted.body)
	}
	if !blockWithClaims.Match(deleted.body) || highlights(string(deleted.body), newest.ID) {
		t.Errorf("the blocks after deleting still highlight claim %d", newest.ID)
	}
	plain := rita.postFragment(claimsPath, "", url.Values{"start": {fmt.Sprint(start)}, "end": {fmt.Sprint(start + 30)}, "refs": {"30"}})
	if plain.status != http.StatusSeeOther {
		t.Errorf("a form post without the header: %d, want a redirect", plain.status)
	}
}

// highlights tells whether some run in html is highlighted for claim id.
func highlights(html string, id int64) bool {
	return regexp.MustCompile(fmt.Sprintf(`data-claims="(\d+ )*%d( \d+)*"`, id)).MatchString(html)
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// sortedAnchored is the document's claims in text order, as the panel lists them.
func sortedAnchored(t *testing.T, h *harness, docID int64) []citecheck.Claim {
	t.Helper()
	claims, err := h.st.Claims(t.Context(), docID, citecheck.ClaimFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return claims
}

var panelItemID = regexp.MustCompile(`<li id="claim-(\d+)" class="claim[^"]*" data-start="(\d+)"`)

// TestPanelShowsOnePageOfClaims: the page and the panel fragment list 100 claims at a time in
// text order, the page asked for by number, by reading position or by claim, with the counts
// of the whole document, and refuse a page that is not a number.
func TestPanelShowsOnePageOfClaims(t *testing.T) {
	h := newHarness(t, Config{})
	doc, stored := hotDocument(t, h, 60_000, 250)
	br := h.newBrowser()
	br.login("rita")
	base := fmt.Sprintf("/documents/%d", doc.ID)
	supported := 0
	for _, cl := range stored {
		if cl.Status == citecheck.StatusSupported {
			supported++
		}
	}
	tests := []struct {
		name      string
		path      string
		wantFirst int // index in text order of the first claim listed
		wantN     int
		wantHead  string
	}{
		{"page, first page", base, 0, 100, "250 claims · 1–100"},
		{"page, no-JS pager link", base + "?panel=2", 100, 100, "250 claims · 101–200"},
		{"fragment, last page", base + "/panel?panel=3", 200, 50, "250 claims · 201–250"},
		{"fragment, past the end is the last page", base + "/panel?panel=9", 200, 50, "250 claims · 201–250"},
		{"fragment, where the reader is", base + fmt.Sprintf("/panel?at=%d", stored[130].Start), 100, 100, "101–200"},
		{"fragment, the page of a claim", base + fmt.Sprintf("/panel?claim=%d", stored[249].ID), 200, 50, "201–250"},
		{"fragment, filtered", base + "/panel?status=supported", -1, supported, fmt.Sprintf("%d supported claims", supported)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := br.get(tt.path)
			if r.status != http.StatusOK {
				t.Fatalf("%d %.300s", r.status, r.body)
			}
			items := panelItemID.FindAllStringSubmatch(string(r.body), -1)
			if len(items) != tt.wantN {
				t.Fatalf("%d claims listed, want %d", len(items), tt.wantN)
			}
			if tt.wantFirst >= 0 && items[0][1] != fmt.Sprint(stored[tt.wantFirst].ID) {
				t.Errorf("first listed claim %s, want %d", items[0][1], stored[tt.wantFirst].ID)
			}
			for i := 1; i < len(items); i++ {
				if atoi(t, items[i][2]) < atoi(t, items[i-1][2]) {
					t.Errorf("claims out of text order at %d", i)
				}
			}
			if !strings.Contains(string(r.body), tt.wantHead) {
				t.Errorf("the panel does not say %q", tt.wantHead)
			}
		})
	}
	if r := br.get(base + "/panel?panel=two"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("panel=two: %d, want 422", r.status)
	}
	page := string(br.get(base).body)
	if !strings.Contains(page, fmt.Sprintf(`href="%s?panel=2"`, base)) || !strings.Contains(page, fmt.Sprintf(">supported (%d)<", supported)) {
		t.Errorf("the page lacks the pager link or the filter's counts")
	}
}

// TestReviewQueuePagesAndDecidesInPlace: the queue shows 100 pending claims with the total,
// its Next link shows the rest, and a decision made with the fragment header answers the
// claim's decided row, the filtered count and the message, not the page.
func TestReviewQueuePagesAndDecidesInPlace(t *testing.T) {
	h := newHarness(t, Config{})
	doc, stored := hotDocument(t, h, 60_000, 150)
	ed := h.newBrowser()
	ed.login("ed")
	first := ed.get("/review")
	ids := queueItemID.FindAllStringSubmatch(string(first.body), -1)
	if len(ids) != queuePageSize || !strings.Contains(string(first.body), "150 claims are") {
		t.Fatalf("first page: %d claims listed", len(ids))
	}
	next := regexp.MustCompile(`<a rel="next" href="([^"]+)"`).FindStringSubmatch(string(first.body))
	if next == nil {
		t.Fatal("no Next link")
	}
	second := ed.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	rest := queueItemID.FindAllStringSubmatch(string(second.body), -1)
	if len(rest) != 50 || rest[0][1] == ids[0][1] {
		t.Fatalf("second page: %d claims, first %v", len(rest), rest[0])
	}
	seen := map[string]bool{}
	for _, m := range append(ids, rest...) {
		seen[m[1]] = true
	}
	if len(seen) != 150 {
		t.Errorf("the two pages hold %d distinct claims, want 150", len(seen))
	}
	if r := ed.get("/review?after=nonsense"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a made-up position: %d, want 422", r.status)
	}

	cl := stored[0]
	r := ed.postFragment(fmt.Sprintf("/claims/%d/review?doc=%d", cl.ID, doc.ID), "queue", url.Values{"decision": {"approved"}, "version": {fmt.Sprint(cl.Version)}})
	body := string(r.body)
	if r.status != http.StatusOK || strings.Contains(body, "<html") {
		t.Fatalf("decide in place: %d %.300s", r.status, body)
	}
	for _, want := range []string{fmt.Sprintf(`<li id="q-%d" class="queue-item decided rv-approved"`, cl.ID), `<span id="queue-total">149 claims are</span>`,
		fmt.Sprintf("Claim #%d approved.", cl.ID), `<span id="nav-pending" class="count">(149)</span>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the answer lacks %q:\n%s", want, body)
		}
	}
	if got, _ := h.st.Claim(t.Context(), cl.ID); got.Review != citecheck.ReviewApproved {
		t.Errorf("review %q after approving in place", got.Review)
	}
}
