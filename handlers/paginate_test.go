package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

func TestListsPaginateWithLimitAndCursor(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "t", "One. [1] Two. [2] Three. [3] Four. [4] Five. [5]")
	for i := 0; i < 5; i++ {
		h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", map[string]any{"start": i * 9, "end": i*9 + 3})
	}
	var all []int64
	cursor := ""
	for pages := 0; ; pages++ {
		q := url.Values{"limit": {"2"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var page struct {
			Claims     []citecheck.Claim
			NextCursor string `json:"next_cursor"`
		}
		r := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims?%s", doc.ID, q.Encode()), "rita", nil)
		r.json(t, &page)
		if r.status != 200 || len(page.Claims) > 2 || pages > 5 {
			t.Fatalf("page %d: %d %s", pages, r.status, r.body)
		}
		for _, cl := range page.Claims {
			all = append(all, cl.ID)
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if fmt.Sprint(all) != "[1 2 3 4 5]" {
		t.Fatalf("paged through %v", all)
	}
	var whole struct {
		Claims     []citecheck.Claim
		NextCursor *string `json:"next_cursor"`
	}
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", nil).json(t, &whole)
	if len(whole.Claims) != 5 || whole.NextCursor != nil {
		t.Fatalf("without a limit: %d claims, cursor %v", len(whole.Claims), whole.NextCursor)
	}
	for _, q := range []string{"limit=0", "limit=abc", "limit=5000", "cursor=zzz", "cursor=bzotMQ" /* o:-1 */} {
		if r := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims?%s", doc.ID, q), "rita", nil); r.status != 422 {
			t.Errorf("%s: %d", q, r.status)
		}
	}
	var docs struct {
		Documents  []citecheck.DocumentSummary
		NextCursor string `json:"next_cursor"`
	}
	h.createDocument("rita", "second", "Another [1]")
	h.do("GET", "/api/v1/documents?limit=1", "rita", nil).json(t, &docs)
	if len(docs.Documents) != 1 || docs.NextCursor == "" {
		t.Fatalf("documents page: %+v", docs)
	}
}

func TestClaimETagAndIfMatch(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "t", "Alpha beta gamma. [1]")
	var cl citecheck.Claim
	h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", map[string]any{"start": 0, "end": 5}).json(t, &cl)
	path := fmt.Sprintf("/api/v1/claims/%d", cl.ID)
	r := h.do("GET", path, "rita", nil)
	if r.header.Get("ETag") != `"1"` {
		t.Fatalf("ETag %q", r.header.Get("ETag"))
	}
	send := func(ifMatch string, body any) response {
		req, _ := http.NewRequest("PATCH", h.srv.URL+path, strings.NewReader(mustJSON(body)))
		req.Header.Set("Authorization", "Bearer "+h.tokens["rita"])
		if ifMatch != "" {
			req.Header.Set("If-Match", ifMatch)
		}
		return h.send(http.DefaultClient, req)
	}
	if r := send(`"1"`, map[string]any{"note": "a"}); r.status != 200 || r.header.Get("ETag") != `"2"` {
		t.Fatalf("If-Match current: %d %s %q", r.status, r.body, r.header.Get("ETag"))
	}
	if r := send(`"1"`, map[string]any{"note": "b"}); r.status != 409 {
		t.Fatalf("If-Match stale: %d", r.status)
	}
	if r := send(`nonsense`, map[string]any{"note": "b"}); r.status != 422 {
		t.Fatalf("If-Match malformed: %d", r.status)
	}
	if r := send("", map[string]any{"note": "b"}); r.status != 422 {
		t.Fatalf("neither version nor If-Match: %d", r.status)
	}
}

// TestClaimListPagesComeFromSQL pages a filtered claim list whose last page ends exactly at its
// end: the pages join into the unpaged list, and the last one has no next_cursor.
func TestClaimListPagesComeFromSQL(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "t", "One. [1] Two. [2] Three. [3] Four. [4] Five. [5]")
	for i := range 5 {
		status := "supported"
		if i == 2 {
			status = "unverified"
		}
		h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
			map[string]any{"start": i * 9, "end": i*9 + 3, "refs": []int{i + 1}, "status": status})
	}
	list := func(q url.Values) ([]int64, string) {
		t.Helper()
		var page struct {
			Claims     []citecheck.Claim
			NextCursor string `json:"next_cursor"`
		}
		r := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims?%s", doc.ID, q.Encode()), "rita", nil)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", q.Encode(), r.status, r.body)
		}
		r.json(t, &page)
		ids := []int64{}
		for _, cl := range page.Claims {
			ids = append(ids, cl.ID)
		}
		return ids, page.NextCursor
	}
	whole, next := list(url.Values{"status": {"supported"}})
	if len(whole) != 4 || next != "" {
		t.Fatalf("unpaged: %v, cursor %q", whole, next)
	}
	var paged []int64
	for cursor, pages := "", 0; ; pages++ {
		q := url.Values{"status": {"supported"}, "limit": {"2"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		ids, next := list(q)
		paged = append(paged, ids...)
		if next == "" || pages > 3 {
			if pages != 1 {
				t.Errorf("%d pages of 2 for 4 claims", pages+1)
			}
			break
		}
		cursor = next
	}
	if fmt.Sprint(paged) != fmt.Sprint(whole) {
		t.Fatalf("paged %v, unpaged %v", paged, whole)
	}
}
