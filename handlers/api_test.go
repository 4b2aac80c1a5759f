package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

const unicodeText = "Émile said “it works” 😀 here.[1] مرحبا بالعالم [2, 3]\n\n[4] Cafe\u0301 👩‍👩‍👧 end."

func TestHealthzNeedsNoAuth(t *testing.T) {
	h := newHarness(t, Config{})
	r := h.do("GET", "/healthz", "", nil)
	if r.status != 200 || !strings.Contains(string(r.body), `"ok"`) {
		t.Fatalf("healthz: %d %s", r.status, r.body)
	}
}

func TestEveryRouteRequiresAuth(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "t", "text [1]")
	for _, rt := range []struct{ method, path string }{
		{"GET", "/api/v1/documents"}, {"POST", "/api/v1/documents"},
		{"GET", fmt.Sprintf("/api/v1/documents/%d", doc.ID)},
		{"DELETE", fmt.Sprintf("/api/v1/documents/%d", doc.ID)},
		{"GET", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID)},
		{"POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID)},
		{"GET", fmt.Sprintf("/api/v1/documents/%d/export", doc.ID)},
		{"GET", "/api/v1/claims/1"}, {"PATCH", "/api/v1/claims/1"}, {"DELETE", "/api/v1/claims/1"},
	} {
		r := h.do(rt.method, rt.path, "", nil)
		if r.status != http.StatusUnauthorized || r.errorCode(t) != "unauthorized" {
			t.Errorf("%s %s without auth: %d %s", rt.method, rt.path, r.status, r.body)
		}
	}
	h.tokens["nobody"] = "cc_not-a-token"
	if r := h.do("GET", "/api/v1/documents", "nobody", nil); r.status != http.StatusUnauthorized {
		t.Errorf("bad token: %d", r.status)
	}
	b := h.newBrowser()
	for _, p := range []string{"/", fmt.Sprintf("/documents/%d", doc.ID)} {
		r := b.get(p)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
			t.Errorf("page %s signed out: %d %s", p, r.status, r.header.Get("Location"))
		}
	}
	if r := b.get("/login"); r.status != 200 {
		t.Errorf("/login: %d", r.status)
	}
}

func TestSessionNeedsCSRFOnUnsafeRequests(t *testing.T) {
	h := newHarness(t, Config{})
	b := h.newBrowser()
	b.get("/login")
	if r := b.postForm("/login", url.Values{"username": {"rita"}, "password": {testPassword}}, false); r.status != http.StatusForbidden {
		t.Fatalf("login without CSRF token: %d", r.status)
	}
	if r := b.postForm("/login", url.Values{"username": {"rita"}, "password": {"wrong password"}}, true); r.status != http.StatusUnauthorized {
		t.Fatalf("login with wrong password: %d", r.status)
	}
	b.login("rita")
	body := map[string]string{"title": "t", "text": "hello [1]"}
	r := b.api("POST", "/api/v1/documents", body, false)
	if r.status != http.StatusForbidden || r.errorCode(t) != "csrf" {
		t.Fatalf("API POST without CSRF: %d %s", r.status, r.body)
	}
	// The token in the URL is no token: it would end up in logs and Referer headers.
	if r := b.api("POST", "/api/v1/documents?csrf_token="+url.QueryEscape(b.csrf), body, false); r.status != http.StatusForbidden {
		t.Fatalf("API POST with the CSRF token in the URL: %d %s", r.status, r.body)
	}
	if r := b.postForm("/documents?csrf_token="+url.QueryEscape(b.csrf), url.Values{"title": {"x"}, "text": {"y"}}, false); r.status != http.StatusForbidden {
		t.Fatalf("form POST with the CSRF token in the URL: %d", r.status)
	}
	if r := b.api("POST", "/api/v1/documents", body, true); r.status != http.StatusCreated || r.header.Get("Cache-Control") != "private, no-cache" {
		t.Fatalf("API POST with CSRF: %d %s (Cache-Control %q)", r.status, r.body, r.header.Get("Cache-Control"))
	}
	if r := b.postForm("/documents", url.Values{"title": {"x"}, "text": {"y"}}, false); r.status != http.StatusForbidden {
		t.Fatalf("form POST without CSRF: %d", r.status)
	}
	var list struct{ Documents []citecheck.DocumentSummary }
	h.do("GET", "/api/v1/documents", "rita", nil).json(t, &list)
	if len(list.Documents) != 1 {
		t.Fatalf("refused requests created documents: %d", len(list.Documents))
	}
	if r := b.postForm("/logout", url.Values{}, true); r.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.status)
	}
	if r := b.get("/"); r.status != http.StatusSeeOther {
		t.Fatalf("after logout: %d", r.status)
	}
}

func TestCreateDocumentRefusesBadInput(t *testing.T) {
	h := newHarness(t, Config{MaxTextBytes: 1000})
	for _, tc := range []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"malformed JSON", `{"title": "x", "text": `, 400, "malformed"},
		{"trailing data", `{"text": "a"} {}`, 400, "malformed"},
		{"unknown field", `{"text": "a", "txet": "b"}`, 400, "malformed"},
		{"wrong type", `{"text": 5}`, 400, "malformed"},
		{"invalid UTF-8", []byte("{\"text\": \"a\xff\"}"), 400, "invalid-utf8"},
		{"NUL", `{"text": "a\u0000b"}`, 422, "control-character"},
		{"control", `{"text": "a\u0007b"}`, 422, "control-character"},
		{"empty", `{"text": ""}`, 422, "empty-text"},
		{"blank", `{"text": " \n\t "}`, 422, "empty-text"},
		{"missing text", `{"title": "x"}`, 422, "empty-text"},
		{"too large text", map[string]string{"text": strings.Repeat("a", 1001)}, 413, "text-too-large"},
		{"huge body", map[string]string{"text": strings.Repeat("a", 5<<20)}, 413, "too-large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do("POST", "/api/v1/documents", "rita", tc.body)
			if r.status != tc.status || r.errorCode(t) != tc.code {
				t.Fatalf("got %d %s, want %d %s", r.status, r.body, tc.status, tc.code)
			}
		})
	}
	var list struct{ Documents []citecheck.DocumentSummary }
	h.do("GET", "/api/v1/documents", "rita", nil).json(t, &list)
	if len(list.Documents) != 0 {
		t.Fatalf("refused requests created %d documents", len(list.Documents))
	}
}

func TestCreateDocumentNormalisesAndParsesMarkers(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "", "\uFEFFFirst line [1]\r\nCafe\u0301 Kurds[2]\r[3–5]")
	if want := "First line [1]\nCafé Kurds[2]\n[3–5]"; doc.Text != want {
		t.Fatalf("text %q, want %q", doc.Text, want)
	}
	if doc.Title != "First line [1]" {
		t.Errorf("title from first line: %q", doc.Title)
	}
	// The answer is the document as GET has it, with its state on the desk.
	var created map[string]any
	h.do("POST", "/api/v1/documents", "rita", map[string]any{"title": "s", "text": "A claim. [1]"}).json(t, &created)
	if created["state"] == nil || created["progress"] == nil || created["text_sha256"] == nil {
		t.Errorf("POST /documents answers %v, want the document with state and progress", created)
	}
	// A first line with a TAB (which the text may hold, and a title may not) makes a title.
	if tabbed := h.createDocument("rita", "", "\n\nHello\tworld [1]\nmore"); tabbed.Title != "Hello world [1]" {
		t.Errorf("title from a first line with a TAB: %q", tabbed.Title)
	}
	if doc.Length != len([]rune(doc.Text)) || doc.TextSHA256 != citecheck.TextSHA256(doc.Text) {
		t.Errorf("length %d sha %s", doc.Length, doc.TextSHA256)
	}
	want := []citecheck.Citation{{Start: 11, End: 14, Refs: []int{1}}, {Start: 25, End: 28, Refs: []int{2}}, {Start: 29, End: 34, Refs: []int{3, 4, 5}}}
	if fmt.Sprint(doc.Citations) != fmt.Sprint(want) {
		t.Fatalf("citations %v, want %v", doc.Citations, want)
	}
	var got citecheck.Document
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d", doc.ID), "ed", nil).json(t, &got)
	if got.Text != doc.Text || fmt.Sprint(got.Citations) != fmt.Sprint(want) || got.CreatedBy != "rita" {
		t.Fatalf("read back: %+v", got)
	}
}

// claimAt finds the code point span of the first occurrence of sub in text.
func claimAt(text, sub string) (int, int) {
	i := strings.Index(text, sub)
	if i < 0 {
		panic("no " + sub)
	}
	start := len([]rune(text[:i]))
	return start, start + len([]rune(sub))
}

func TestClaimsRoundTripCodePointOffsets(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "unicode", unicodeText)
	for _, sub := range []string{"“it works”", "here.", "مرحبا بالعالم", "Café", "👩‍👩‍👧 end.", "Émile"} {
		start, end := claimAt(doc.Text, sub)
		r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
			map[string]any{"start": start, "end": end, "quote": sub, "refs": []int{1}, "status": "supported"})
		if r.status != http.StatusCreated {
			t.Fatalf("%q: %d %s", sub, r.status, r.body)
		}
		var cl citecheck.Claim
		r.json(t, &cl)
		if cl.Quote != sub || cl.Start != start || cl.End != end || cl.Version != 1 || cl.Review != "pending" {
			t.Fatalf("%q: got %+v", sub, cl)
		}
		runes := []rune(doc.Text)
		if cl.Prefix != string(runes[max(0, start-32):start]) || cl.Suffix != string(runes[end:min(len(runes), end+32)]) {
			t.Fatalf("%q: prefix %q suffix %q", sub, cl.Prefix, cl.Suffix)
		}
	}
	var list struct{ Claims []citecheck.Claim }
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "ed", nil).json(t, &list)
	if len(list.Claims) != 6 {
		t.Fatalf("%d claims", len(list.Claims))
	}
	for i := 1; i < len(list.Claims); i++ {
		if list.Claims[i].Start < list.Claims[i-1].Start {
			t.Fatalf("claims not in text order")
		}
	}
}

func TestCreateClaimRefusals(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "t", "Some claim here. [1]   tail")
	path := fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID)
	for _, tc := range []struct {
		name   string
		body   any
		status int
		code   string
		field  string
	}{
		{"negative start", map[string]any{"start": -1, "end": 4}, 422, "offset-out-of-range", "start"},
		{"end past text", map[string]any{"start": 0, "end": 999}, 422, "offset-out-of-range", "end"},
		{"end before start", map[string]any{"start": 5, "end": 2}, 422, "offset-out-of-range", ""},
		{"empty span", map[string]any{"start": 3, "end": 3}, 422, "offset-out-of-range", ""},
		{"only spaces", map[string]any{"start": 20, "end": 23}, 422, "empty-span", ""},
		{"missing start", map[string]any{"end": 3}, 422, "offset-out-of-range", "start"},
		{"quote mismatch", map[string]any{"start": 0, "end": 4, "quote": "Sum"}, 422, "quote-mismatch", "quote"},
		{"zero ref", map[string]any{"start": 0, "end": 4, "refs": []int{0}}, 422, "invalid-refs", "refs"},
		{"duplicate ref", map[string]any{"start": 0, "end": 4, "refs": []int{1, 1}}, 422, "invalid-refs", "refs"},
		{"bad status", map[string]any{"start": 0, "end": 4, "status": "true-ish"}, 422, "invalid-status", "status"},
		{"refs not numbers", `{"start":0,"end":4,"refs":["1"]}`, 400, "malformed", ""},
		{"offset as string", `{"start":"0","end":4}`, 400, "malformed", ""},
		{"malformed", `{"start":0,`, 400, "malformed", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do("POST", path, "rita", tc.body)
			var e errorBody
			r.json(t, &e)
			if r.status != tc.status || e.Error.Code != tc.code || (tc.field != "" && e.Error.Field != tc.field) {
				t.Fatalf("got %d %s, want %d %s %s", r.status, r.body, tc.status, tc.code, tc.field)
			}
			if e.Error.Message == "" {
				t.Fatalf("no message")
			}
		})
	}
	if r := h.do("POST", "/api/v1/documents/999/claims", "rita", map[string]any{"start": 0, "end": 4}); r.status != 404 || r.errorCode(t) != "not-found" {
		t.Fatalf("unknown document: %d %s", r.status, r.body)
	}
	for _, p := range []string{"/api/v1/claims/12345", "/api/v1/claims/abc", "/api/v1/documents/0"} {
		if r := h.do("GET", p, "rita", nil); r.status != 404 {
			t.Fatalf("%s: %d", p, r.status)
		}
	}
	claims, _ := h.st.Claims(context.Background(), doc.ID, citecheck.ClaimFilter{})
	if len(claims) != 0 {
		t.Fatalf("refusals stored %d claims", len(claims))
	}
}

func TestUpdateClaimRefusesStaleVersion(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "t", "Alpha beta gamma. [1] Delta [2]")
	var cl citecheck.Claim
	h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", map[string]any{"start": 0, "end": 17, "refs": []int{1}}).json(t, &cl)
	path := fmt.Sprintf("/api/v1/claims/%d", cl.ID)
	r := h.do("PATCH", path, "ed", map[string]any{"version": 1, "status": "supported", "note": "checked"})
	if r.status != 200 {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	var up citecheck.Claim
	r.json(t, &up)
	if up.Version != 2 || up.Status != "supported" || up.Note != "checked" || up.UpdatedBy != "ed" || up.CreatedBy != "rita" {
		t.Fatalf("patched: %+v", up)
	}
	r = h.do("PATCH", path, "rita", map[string]any{"version": 1, "status": "contradicted"})
	if r.status != http.StatusConflict {
		t.Fatalf("stale patch: %d %s", r.status, r.body)
	}
	var conflict struct {
		Error errorDetail
		Claim citecheck.Claim
	}
	r.json(t, &conflict)
	if conflict.Error.Code != "conflict" || conflict.Claim.Version != 2 || conflict.Claim.Status != "supported" {
		t.Fatalf("conflict answer: %s", r.body)
	}
	for _, bad := range []any{
		map[string]any{"status": "supported"},
		map[string]any{"version": 2, "start": 17, "end": 18},
		map[string]any{"version": 2, "end": 500},
		map[string]any{"version": 2, "refs": []int{-3}},
	} {
		if r := h.do("PATCH", path, "rita", bad); r.status != 422 {
			t.Fatalf("bad patch %v: %d %s", bad, r.status, r.body)
		}
	}
	var now citecheck.Claim
	h.do("GET", path, "rita", nil).json(t, &now)
	if now.Version != 2 || now.Status != "supported" || now.Start != 0 || now.End != 17 {
		t.Fatalf("refused patches changed the claim: %+v", now)
	}
	r = h.do("PATCH", path, "rita", map[string]any{"version": 2, "end": 21, "refs": []int{1}})
	if r.status != 200 {
		t.Fatalf("patch span: %d %s", r.status, r.body)
	}
	r.json(t, &now)
	if now.Quote != "Alpha beta gamma. [1]" || now.Version != 3 {
		t.Fatalf("quote not refilled: %+v", now)
	}
	if r := h.do("DELETE", path, "rita", nil); r.status != 204 {
		t.Fatalf("delete: %d", r.status)
	}
	if r := h.do("GET", path, "rita", nil); r.status != 404 {
		t.Fatalf("after delete: %d", r.status)
	}
}

func TestClaimChecksAndDocumentCheck(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "t", "First claim. [1] [2]\n\n[3] Second claim.")
	var cl citecheck.Claim
	h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
		map[string]any{"start": 0, "end": 12, "refs": []int{1, 9}, "status": "supported"}).json(t, &cl)
	codes := map[string][]int{}
	for _, c := range cl.Checks {
		codes[c.Code] = c.Refs
	}
	if fmt.Sprint(codes["unknown-ref"]) != "[9]" || fmt.Sprint(codes["marker-not-attached"]) != "[2 3]" {
		t.Fatalf("checks: %+v", cl.Checks)
	}
	var check citecheck.DocumentCheck
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/check", doc.ID), "rita", nil).json(t, &check)
	if check.Markers != 3 || check.Covered != 1 || len(check.Uncovered) != 2 {
		t.Fatalf("document check: %+v", check)
	}
	var sug struct{ Refs []int }
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/suggest?start=0&end=12", doc.ID), "rita", nil).json(t, &sug)
	if fmt.Sprint(sug.Refs) != "[1 2 3]" { // the run goes on past a paragraph break
		t.Fatalf("suggested %v", sug.Refs)
	}
	var filtered struct{ Claims []citecheck.Claim }
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims?ref=9", doc.ID), "rita", nil).json(t, &filtered)
	if len(filtered.Claims) != 1 {
		t.Fatalf("ref filter: %d", len(filtered.Claims))
	}
	if r := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims?status=nope", doc.ID), "rita", nil); r.status != 422 {
		t.Fatalf("bad filter: %d", r.status)
	}
}

func TestDeletePermissions(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "t", "Claim text [1]")
	var cl citecheck.Claim
	h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", map[string]any{"start": 0, "end": 5}).json(t, &cl)
	if r := h.do("DELETE", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "ralph", nil); r.status != 403 {
		t.Fatalf("other reviewer deletes claim: %d", r.status)
	}
	if r := h.do("DELETE", fmt.Sprintf("/api/v1/documents/%d", doc.ID), "ralph", nil); r.status != 403 {
		t.Fatalf("other reviewer deletes document: %d", r.status)
	}
	if r := h.do("DELETE", fmt.Sprintf("/api/v1/documents/%d", doc.ID), "ed", nil); r.status != 204 {
		t.Fatalf("editor deletes document: %d", r.status)
	}
	if r := h.do("GET", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "ed", nil); r.status != 404 {
		t.Fatalf("claim of deleted document: %d", r.status)
	}
}
