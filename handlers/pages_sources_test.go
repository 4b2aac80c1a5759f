package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

// readSample is the real user sample: ten markers and no reference list.
func readSample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/user-sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// follow reads the page a form's redirect leads to (fragment dropped), with its flash.
func (b *browser) follow(r response) response {
	b.h.t.Helper()
	if r.status != http.StatusSeeOther {
		b.h.t.Fatalf("want a redirect, got %d: %.300s", r.status, r.body)
	}
	loc := r.header.Get("Location")
	if i := strings.IndexByte(loc, '#'); i >= 0 {
		loc = loc[:i]
	}
	return b.get(loc)
}

func mustContain(t *testing.T, what string, body []byte, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(string(body), w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

var markerLink = regexp.MustCompile(`<a class="marker-link" href="#m-(\d+)">`)

func TestSourcesPanelShowsTheSampleCoverageAndUncoveredMarkers(t *testing.T) {
	h := newHarness(t, Config{})
	sample := readSample(t)
	doc := h.createDocument("rita", "sample", sample)
	b := h.newBrowser()
	b.login("rita")
	r := b.get(fmt.Sprintf("/documents/%d", doc.ID))
	mustContain(t, "the sample's page", r.body,
		`id="sources-panel"`, `<strong>0 / 10</strong> markers covered`, `<meter min="0" max="10"`, `value="0"`,
		"No reference list", "Claim the sentence before", "Claim every cited sentence",
		fmt.Sprintf(`href="/documents/%d/suggestions"`, doc.ID))
	links := markerLink.FindAllSubmatch(r.body, -1)
	if len(links) != 10 {
		t.Fatalf("%d uncovered marker links, want 10", len(links))
	}
	for _, m := range links {
		if !strings.Contains(string(r.body), `data-o="`+string(m[1])+`" class="mk" data-refs=`) ||
			!strings.Contains(string(r.body), `id="m-`+string(m[1])+`"`) {
			t.Errorf("marker link #m-%s has no marker run with that id", m[1])
		}
	}

	// One claim over the first sentence with [30]: one marker covered, nine left.
	h.claimAt("ralph", doc.ID, sample, "Ministers agreed that the Syrian government and the opposition should start political talks.", []int{30}, "supported")
	r = b.get(fmt.Sprintf("/documents/%d", doc.ID))
	mustContain(t, "the page after a claim", r.body, `<strong>1 / 10</strong>`, `value="1"`)
	if n := len(markerLink.FindAll(r.body, -1)); n != 9 {
		t.Errorf("%d uncovered markers after one claim, want 9", n)
	}
}

func TestSourcesPanelShowsTheListItsProblemsAndUses(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "list", withList)
	cl := h.claimAt("ralph", doc.ID, withList, "Two sides met.", []int{2}, "supported")
	b := h.newBrowser()
	b.login("rita")
	r := b.get(fmt.Sprintf("/documents/%d", doc.ID))
	mustContain(t, "a page with a list", r.body,
		"ref-not-in-list", "entry-never-cited", "reference list entry 3 is never cited in the text",
		"Claims with problems", fmt.Sprintf(`href="#claim-%d"`, cl.ID), "unknown-ref",
		`<span class="hint">“References”</span>`,
		`id="ref-1"`, `href="https://example.org/vienna" rel="noopener noreferrer nofollow"`,
		"cited by 1 marker", "cited by 0 markers", "no claim uses it",
		fmt.Sprintf(`action="/documents/%d/references/3/delete"`, doc.ID))
}

func TestReferenceFormsAddEditRemoveAndShowRefusals(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "list", withList)
	b := h.newBrowser()
	b.login("rita")
	base := fmt.Sprintf("/documents/%d/references", doc.ID)
	b.get(fmt.Sprintf("/documents/%d", doc.ID))

	r := b.postForm(base, url.Values{"number": {"2"}, "text": {"AFP <b>met</b>"}, "url": {"https://example.org/met"}}, true)
	if loc := r.header.Get("Location"); loc != fmt.Sprintf("/documents/%d#sources-panel", doc.ID) {
		t.Errorf("after adding, Location %q", loc)
	}
	page := b.follow(r)
	mustContain(t, "the page after adding", page.body, "Reference [2] added.", "AFP &lt;b&gt;met&lt;/b&gt;", `href="https://example.org/met"`)
	if strings.Contains(string(page.body), "ref-not-in-list") {
		t.Error("ref-not-in-list still shown after adding entry 2")
	}

	for _, tc := range []struct {
		path   string
		form   url.Values
		status int
		msg    string
	}{
		{base, url.Values{"number": {"2"}, "text": {"again"}}, 409, "reference 2 is already in the list"},
		{base, url.Values{"number": {"x"}, "text": {"again"}}, 422, "must be a whole number"},
		{base, url.Values{"number": {"9"}, "text": {"evil"}, "url": {"javascript:alert(1)"}}, 422, "url must be an http or https address"},
		{base + "/3", url.Values{"text": {"  "}}, 422, "a reference entry needs its text"},
		{base + "/42", url.Values{"text": {"x"}}, 404, "reference 42 is not in the list"},
		{base + "/42/delete", url.Values{}, 404, "reference 42 is not in the list"},
	} {
		r := b.postForm(tc.path, tc.form, true)
		if r.status != tc.status || !strings.Contains(string(r.body), tc.msg) {
			t.Errorf("%s %v: %d, want %d with %q", tc.path, tc.form, r.status, tc.status, tc.msg)
		}
	}

	page = b.follow(b.postForm(base+"/3", url.Values{"text": {"AP, 3 Nov"}, "url": {"https://example.org/ap"}}, true))
	mustContain(t, "the page after editing", page.body, "Reference [3] saved.", "AP, 3 Nov", `href="https://example.org/ap"`)
	page = b.follow(b.postForm(base+"/1/delete", url.Values{}, true))
	mustContain(t, "the page after removing", page.body, "Reference [1] removed.")
	var got citecheck.Document
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d", doc.ID), "rita", nil).json(t, &got)
	if got.References == nil || len(got.References.Entries) != 2 || got.References.Entries[0].Number != 2 || got.References.Entries[1].URL != "https://example.org/ap" {
		t.Fatalf("list after the forms: %+v", got.References)
	}
}

func TestClaimTheSentenceBeforeAMarker(t *testing.T) {
	h := newHarness(t, Config{})
	sample := readSample(t)
	doc := h.createDocument("rita", "sample", sample)
	b := h.newBrowser()
	b.login("rita")
	b.get(fmt.Sprintf("/documents/%d", doc.ID))
	start, _ := runeSpan(t, sample, "[32]")
	r := b.postForm(fmt.Sprintf("/documents/%d/markers/claim", doc.ID), url.Values{"start": {fmt.Sprint(start)}}, true)
	claims, err := h.st.Claims(t.Context(), doc.ID, citecheck.ClaimFilter{})
	if err != nil || len(claims) != 1 {
		t.Fatalf("claims: %v %+v", err, claims)
	}
	cl := claims[0]
	if loc := r.header.Get("Location"); loc != fmt.Sprintf("/documents/%d?claim=%d#c-%d", doc.ID, cl.ID, cl.ID) {
		t.Errorf("Location %q", loc)
	}
	wantQuote := "The second round of the Viennese talks, in mid-November, resulted in an agreement on the need to bring together representatives of the Syrian government and the opposition for formal negotiations under the aegis of the United Nations, with a deadline of 1 January 2016."
	if cl.Quote != wantQuote || fmt.Sprint(cl.Refs) != "[32]" || cl.Status != citecheck.StatusUnverified || cl.CreatedBy != "rita" {
		t.Errorf("claim %q %v %s by %s", cl.Quote, cl.Refs, cl.Status, cl.CreatedBy)
	}
	page := b.follow(r)
	mustContain(t, "the page after claiming", page.body, fmt.Sprintf("Claim #%d created over the sentence before [32].", cl.ID), "<strong>1 / 10</strong>")

	for _, bad := range []string{"", "3", "999999"} {
		r := b.postForm(fmt.Sprintf("/documents/%d/markers/claim", doc.ID), url.Values{"start": {bad}}, true)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "no citation marker of the text starts at") {
			t.Errorf("start %q: %d", bad, r.status)
		}
	}
}

var suggestionItem = regexp.MustCompile(`<li id="s-(\d+)" class="suggestion card">`)

func TestSuggestionsPageAcceptsAndDismissesOneOrAll(t *testing.T) {
	h := newHarness(t, Config{})
	sample := readSample(t)
	doc := h.createDocument("rita", "sample", sample)
	b := h.newBrowser()
	b.login("rita")
	path := fmt.Sprintf("/documents/%d/suggestions", doc.ID)
	var open struct {
		Suggestions []citecheck.CitedSentence `json:"suggestions"`
	}
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/sentences", doc.ID), "rita", nil).json(t, &open)
	all := open.Suggestions
	if len(all) < 4 {
		t.Fatalf("only %d suggestions on the sample", len(all))
	}
	page := b.get(path)
	if n := len(suggestionItem.FindAll(page.body, -1)); n != len(all) {
		t.Fatalf("the page lists %d suggestions, the API %d", n, len(all))
	}
	mustContain(t, "the suggestions page", page.body, fmt.Sprintf("Accept all %d", len(all)), "Dismiss all", "[30]")
	if n, _ := h.st.Claims(t.Context(), doc.ID, citecheck.ClaimFilter{}); len(n) != 0 {
		t.Fatal("showing suggestions created claims")
	}
	fields := func(cs ...citecheck.CitedSentence) url.Values {
		v := url.Values{}
		for _, c := range cs {
			v.Add("start", fmt.Sprint(c.Start))
			v.Add("end", fmt.Sprint(c.End))
			v.Add("quote", c.Quote)
			v.Add("refs", joinInts(c.Refs, " "))
		}
		return v
	}

	// Accept one, then the same again (a double click): one claim.
	page = b.follow(b.postForm(path+"/accept", fields(all[0]), true))
	claims, _ := h.st.Claims(t.Context(), doc.ID, citecheck.ClaimFilter{})
	if len(claims) != 1 || claims[0].Quote != all[0].Quote || fmt.Sprint(claims[0].Refs) != fmt.Sprint(all[0].Refs) {
		t.Fatalf("after accepting one: %+v", claims)
	}
	mustContain(t, "after accepting one", page.body, fmt.Sprintf("Claim #%d created.", claims[0].ID))
	page = b.follow(b.postForm(path+"/accept", fields(all[0]), true))
	mustContain(t, "after accepting it again", page.body, "Nothing to accept")

	// A quote that is not the text is refused, and nothing is made.
	bad := fields(all[1], all[2])
	bad["quote"][1] = "not the text"
	page = b.follow(b.postForm(path+"/accept", bad, true))
	mustContain(t, "after a wrong quote", page.body, `class="banner error"`, "Nothing created:")

	// Dismiss one: it leaves the list, nothing is created.
	page = b.follow(b.postForm(path+"/dismiss", url.Values{"start": {fmt.Sprint(all[1].Start)}, "end": {fmt.Sprint(all[1].End)}}, true))
	mustContain(t, "after dismissing", page.body, "1 suggestion dismissed.")
	if n := len(suggestionItem.FindAll(page.body, -1)); n != len(all)-2 {
		t.Errorf("%d suggestions left, want %d", n, len(all)-2)
	}

	// Accept all that are left.
	page = b.follow(b.postForm(path+"/accept", fields(all[2:]...), true))
	mustContain(t, "after accepting all", page.body, fmt.Sprintf("%d claims created.", len(all)-2), "No suggestions left")
	claims, _ = h.st.Claims(t.Context(), doc.ID, citecheck.ClaimFilter{})
	if len(claims) != len(all)-1 {
		t.Errorf("%d claims, want %d", len(claims), len(all)-1)
	}
	for _, cl := range claims {
		if cl.Quote == all[1].Quote {
			t.Errorf("the dismissed sentence became claim %d", cl.ID)
		}
	}
	page = b.follow(b.postForm(path+"/dismiss", url.Values{}, true))
	mustContain(t, "dismissing nothing", page.body, "Nothing dismissed:")
}

func TestApprovingAClaimWithProblemsTakesApproveAnyway(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "review", reviewText)
	cl := h.claimAt("ralph", doc.ID, reviewText, "Ministers agreed to start talks.", []int{30, 31, 99}, "unsupported")
	clean := h.claimAt("ralph", doc.ID, reviewText, "The deadline was 1 January 2016.", []int{32}, "unsupported")
	ed := h.newBrowser()
	ed.login("ed")
	box := `<input type="hidden" name="override" value="true"><p class="override-note">This claim still has 1 open citation problem (unknown-ref)`
	for _, path := range []string{fmt.Sprintf("/documents/%d", doc.ID), "/review", fmt.Sprintf("/claims/%d", cl.ID)} {
		r := ed.get(path)
		mustContain(t, path, r.body, box)
		if n := strings.Count(string(r.body), `name="override"`); n != 1 {
			t.Errorf("%s: %d override fields, want 1 (the clean claim %d needs none)", path, n, clean.ID)
		}
	}
	form := url.Values{"decision": {"approved"}, "version": {fmt.Sprint(cl.Version)}, "back": {"/review"}}
	page := ed.follow(ed.postForm(fmt.Sprintf("/claims/%d/review", cl.ID), form, true))
	mustContain(t, "the refusal", page.body, `class="banner error"`, "still has open citation problems (unknown-ref)", "“Approve anyway”")
	var got citecheck.Claim
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "ed", nil).json(t, &got)
	if got.Review != citecheck.ReviewPending {
		t.Fatalf("approved without the box: %s", got.Review)
	}
	form.Set("override", "true")
	page = ed.follow(ed.postForm(fmt.Sprintf("/claims/%d/review", cl.ID), form, true))
	mustContain(t, "the approval", page.body, fmt.Sprintf("Claim #%d approved.", cl.ID))
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "ed", nil).json(t, &got)
	if got.Review != citecheck.ReviewApproved {
		t.Fatalf("with the box: %s", got.Review)
	}
}
