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

// searchAnswer is the API's answer to a search.
type searchAnswer struct {
	Results []struct {
		Kind       string  `json:"kind"`
		ID         int64   `json:"id"`
		DocumentID int64   `json:"document_id"`
		Title      string  `json:"title"`
		Snippet    string  `json:"snippet"`
		Start      *int    `json:"start"`
		End        *int    `json:"end"`
		Score      float64 `json:"score"`
	} `json:"results"`
	NextCursor string `json:"next_cursor"`
}

func (h *harness) search(user string, query url.Values) (response, searchAnswer) {
	h.t.Helper()
	r := h.do("GET", "/api/v1/search?"+query.Encode(), user, nil)
	var a searchAnswer
	if r.status == http.StatusOK {
		r.json(h.t, &a)
	}
	return r, a
}

// TestSearchAPIAnswersResultsBestFirstWithPlainSnippets finds a claim by its note, a passage of
// a document with its span, a reference entry and a source, each with a plain-text snippet, and
// pages with the cursor.
func TestSearchAPIAnswersResultsBestFirstWithPlainSnippets(t *testing.T) {
	h := newHarness(t, Config{})
	text := "Ministers met in Montreux. [1]\nThe talks in Montreux failed. [2]\n\nReferences\n[1] Montreux communiqué, UN, 2014\n[2] BBC\n"
	doc := h.createDocument("rita", "Geneva II", text)
	cl := h.claimAt("rita", doc.ID, text, "Ministers met in Montreux.", []int{1}, "supported")
	src := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/references/1/sources", doc.ID), "rita",
		map[string]any{"text": "The communiqué of Montreux, as published.", "title": "UN communiqué"})
	if src.status != http.StatusCreated {
		t.Fatalf("source: %d %s", src.status, src.body)
	}
	r, a := h.search("ed", url.Values{"q": {"montreux"}})
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	kinds := map[string]int{}
	for i, res := range a.Results {
		kinds[res.Kind]++
		if strings.ContainsAny(res.Snippet, citecheck.SnippetOpen+citecheck.SnippetClose) {
			t.Errorf("snippet %q carries the markers", res.Snippet)
		}
		if i > 0 && res.Score > a.Results[i-1].Score {
			t.Errorf("not best first: %v", a.Results)
		}
		if res.DocumentID != doc.ID {
			t.Errorf("document %d", res.DocumentID)
		}
	}
	// The document's passages include the line of its reference list, which is also found as the
	// entry.
	if kinds["claim"] != 1 || kinds["document"] != 3 || kinds["reference"] != 1 || kinds["source"] != 1 {
		t.Fatalf("kinds %v in %s", kinds, r.body)
	}
	// The claim's quote and the entry's text are heads, which weigh above the passages.
	lead := a.Results[0]
	if lead.Kind != "claim" {
		lead = a.Results[1]
	}
	if lead.Kind != "claim" || lead.ID != cl.ID || *lead.Start != cl.Start || *lead.End != cl.End || a.Results[2].Kind != "document" {
		t.Fatalf("the claim's quote should lead: %s", r.body)
	}

	_, first := h.search("ed", url.Values{"q": {"montreux"}, "limit": {"2"}})
	if len(first.Results) != 2 || first.NextCursor == "" {
		t.Fatalf("first page: %+v", first)
	}
	_, rest := h.search("ed", url.Values{"q": {"montreux"}, "limit": {"10"}, "cursor": {first.NextCursor}})
	if len(rest.Results) != len(a.Results)-2 || rest.NextCursor != "" {
		t.Fatalf("second page: %+v", rest)
	}
	if rest.Results[0].Kind != a.Results[2].Kind || rest.Results[0].ID != a.Results[2].ID {
		t.Fatalf("the second page does not follow the first: %+v vs %+v", rest.Results[0], a.Results[2])
	}
	if _, none := h.search("ed", url.Values{"q": {"montreux"}, "kind": {"claim"}, "status": {"contradicted"}}); len(none.Results) != 0 {
		t.Fatalf("status filter: %+v", none)
	}
}

// TestSearchAPIRefusesBadInputAndChangesNothing sends each bad parameter: a JSON error with its
// code and field, and the index as it was.
func TestSearchAPIRefusesBadInputAndChangesNothing(t *testing.T) {
	h := newHarness(t, Config{})
	h.createDocument("rita", "T", "A text about elections.")
	for _, tc := range []struct {
		query       url.Values
		status      int
		code, field string
	}{
		{url.Values{}, 400, citecheck.ECodeMalformed, "q"},
		{url.Values{"q": {"  🎉 -- "}}, 400, citecheck.ECodeMalformed, "q"},
		{url.Values{"q": {`"`}}, 400, citecheck.ECodeMalformed, "q"},
		{url.Values{"q": {strings.Repeat("x", 501)}}, 422, citecheck.ECodeTooLong, "q"},
		{url.Values{"q": {"x"}, "kind": {"comment"}}, 422, citecheck.ECodeInvalid, "kind"},
		{url.Values{"q": {"x"}, "status": {"true"}}, 422, citecheck.ECodeInvalidStatus, "status"},
		{url.Values{"q": {"x"}, "review": {"done"}}, 422, citecheck.ECodeInvalid, "review"},
		{url.Values{"q": {"x"}, "document_id": {"abc"}}, 422, citecheck.ECodeInvalid, "document_id"},
		{url.Values{"q": {"x"}, "document_id": {"999"}}, 404, citecheck.ECodeNotFound, ""},
		{url.Values{"q": {"x"}, "limit": {"0"}}, 422, citecheck.ECodeInvalid, "limit"},
		{url.Values{"q": {"x"}, "limit": {"101"}}, 422, citecheck.ECodeInvalid, "limit"},
		{url.Values{"q": {"x"}, "cursor": {"bm90IGEgY3Vyc29y"}}, 422, citecheck.ECodeInvalid, "cursor"},
	} {
		r, _ := h.search("rita", tc.query)
		var e errorBody
		r.json(t, &e)
		if r.status != tc.status || (tc.code != "" && e.Error.Code != tc.code) || e.Error.Field != tc.field || e.Error.Message == "" {
			t.Errorf("%v: %d %s", tc.query, r.status, r.body)
		}
	}
	// FTS5's own syntax is text, never an error.
	for _, q := range []string{`"a`, `elect* OR`, `NEAR(a b)`, `body: x`, `(x`, `-elections`, `a AND NOT b`, "elections\x00", "\x00elect"} {
		if r, _ := h.search("rita", url.Values{"q": {q}}); r.status != http.StatusOK {
			t.Errorf("%q: %d %s", q, r.status, r.body)
		}
	}
	if r, a := h.search("rita", url.Values{"q": {"elect"}}); r.status != http.StatusOK || len(a.Results) != 1 {
		t.Fatalf("after the refusals: %d %s", r.status, r.body)
	}
}

// TestSearchPageEscapesTheHighlightedPassage finds a claim whose note carries markup: the page
// shows it as text with the matching word in a mark element, and nothing of it as a tag.
func TestSearchPageEscapesTheHighlightedPassage(t *testing.T) {
	h := newHarness(t, Config{})
	text := "The vote was postponed. [1]"
	doc := h.createDocument("rita", "<b>Vote</b>", text)
	cl := h.claimAt("rita", doc.ID, text, "The vote was postponed.", []int{1}, "")
	note := `<script>alert("xss")</script> postponed <img src=x onerror=alert(1)>`
	if r := h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "rita", map[string]any{"version": cl.Version, "note": note}); r.status != http.StatusOK {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	b := h.newBrowser()
	b.login("ed")
	r := b.get("/search?q=alert+postpon&kind=claim")
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	page := string(r.body)
	for _, raw := range []string{"<script>alert", "<img src=x", "<b>Vote</b>"} {
		if strings.Contains(page, raw) {
			t.Fatalf("the page carries %q unescaped", raw)
		}
	}
	for _, want := range []string{
		`&lt;script&gt;<mark>alert</mark>(&#34;xss&#34;)&lt;/script&gt; <mark>postponed</mark> &lt;img src=x onerror=<mark>alert</mark>(1)&gt;`,
		`&lt;b&gt;Vote&lt;/b&gt;`,
		fmt.Sprintf(`href="/documents/%d?claim=%d#c-%d"`, doc.ID, cl.ID, cl.ID),
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	// The API answers the same note as plain text, the markup in it as typed.
	_, a := h.search("ed", url.Values{"q": {"alert postpon"}, "kind": {"claim"}})
	if len(a.Results) != 1 || !strings.Contains(a.Results[0].Snippet, `<script>alert("xss")</script> postponed`) {
		t.Fatalf("%+v", a)
	}
}

// TestSearchPageFiltersAndPages shows the filters as chosen, a next page that keeps them, and a
// page without q that is the form alone.
func TestSearchPageFiltersAndPages(t *testing.T) {
	h := newHarness(t, Config{})
	var lines []string
	for i := range 30 {
		lines = append(lines, fmt.Sprintf("Line %d names the river.", i))
	}
	doc := h.createDocument("rita", "Rivers", strings.Join(lines, "\n"))
	b := h.newBrowser()
	b.login("rita")
	if r := b.get("/search"); r.status != http.StatusOK || strings.Contains(string(r.body), `id="search-results"`) {
		t.Fatalf("empty search: %d", r.status)
	}
	r := b.get(fmt.Sprintf("/search?q=river&kind=document&document_id=%d", doc.ID))
	page := string(r.body)
	if r.status != http.StatusOK || strings.Count(page, `class="search-result kind-document"`) != citecheck.DefaultSearchLimit {
		t.Fatalf("%d: %d results", r.status, strings.Count(page, `class="search-result`))
	}
	if !strings.Contains(page, `<option value="document" selected>`) {
		t.Error("the kind filter is not shown as chosen")
	}
	m := regexp.MustCompile(`rel="next" href="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no link to the next page")
	}
	next := strings.ReplaceAll(m[1], "&amp;", "&")
	if !strings.Contains(next, "kind=document") || !strings.Contains(next, "cursor=") {
		t.Fatalf("next page link %q", next)
	}
	r = b.get(next)
	if n := strings.Count(string(r.body), `class="search-result kind-document"`); r.status != http.StatusOK || n != 31-citecheck.DefaultSearchLimit {
		t.Fatalf("second page: %d, %d results", r.status, n)
	}
	if r := b.get("/search?q=river&limit=0"); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad limit on the page: %d", r.status)
	}
}
