package handlers

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

func TestCommentsAPIThreadsAClaimForEveryRoleAndRefusesBadBodies(t *testing.T) {
	h := newHarness(t, Config{})
	d := h.createDocument("rita", "Talks", reviewText)
	cl := h.claimAt("rita", d.ID, reviewText, "Ministers agreed to start talks.", []int{30, 31}, "supported")
	path := fmt.Sprintf("/api/v1/claims/%d/comments", cl.ID)
	for _, u := range []string{"rita", "ed", "ada"} {
		if r := h.do("POST", path, u, map[string]string{"body": "  from " + u + "  "}); r.status != 201 {
			t.Fatalf("%s comments: %d %s", u, r.status, r.body)
		}
	}
	var list struct{ Comments []citecheck.Comment }
	h.do("GET", path, "ralph", nil).json(t, &list)
	if len(list.Comments) != 3 || list.Comments[0].Body != "from rita" || list.Comments[2].By != "ada" {
		t.Fatalf("thread = %+v", list.Comments)
	}
	for _, tc := range []struct {
		body   any
		status int
		code   string
	}{
		{map[string]string{"body": " "}, 422, "invalid"},
		{map[string]string{"body": strings.Repeat("é", citecheck.MaxDiscussionLen+1)}, 422, "too-long"},
		{map[string]string{"body": "bell\u0007"}, 422, "control-character"},
		{`{"body": 5}`, 400, "malformed"},
	} {
		if r := h.do("POST", path, "ed", tc.body); r.status != tc.status || r.errorCode(t) != tc.code {
			t.Errorf("%v: %d %s", tc.body, r.status, r.body)
		}
	}
	if r := h.do("POST", "/api/v1/claims/999/comments", "ed", map[string]string{"body": "x"}); r.status != 404 {
		t.Errorf("unknown claim: %d %s", r.status, r.body)
	}
	h.do("GET", path, "ralph", nil).json(t, &list)
	if len(list.Comments) != 3 {
		t.Fatalf("a refused comment changed the thread: %+v", list.Comments)
	}
}

func TestClaimPageShowsTheThreadEscapedAndTakesAComment(t *testing.T) {
	h := newHarness(t, Config{})
	d := h.createDocument("rita", "Talks", reviewText)
	cl := h.claimAt("rita", d.ID, reviewText, "Ministers agreed to start talks.", []int{30, 31}, "supported")
	b := h.newBrowser()
	b.login("ed")
	b.get(claimURL(cl.ID))
	body := "<script>alert('x')</script> " + strings.Repeat("مرحبا 👩🏽‍🔬 ", 100)
	r := b.postForm(claimURL(cl.ID)+"/comments", url.Values{"body": {body}}, true)
	if r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), claimURL(cl.ID)+"#comment-") {
		t.Fatalf("comment form: %d %s", r.status, r.header.Get("Location"))
	}
	page := string(b.get(claimURL(cl.ID)).body)
	if strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") {
		t.Fatalf("the comment is not escaped on the page")
	}
	if !strings.Contains(page, strings.Repeat("مرحبا 👩🏽‍🔬 ", 99)) {
		t.Fatalf("the unicode comment did not round-trip")
	}
	if r := b.postForm(claimURL(cl.ID)+"/comments", url.Values{"body": {"no token"}}, false); r.status != 403 {
		t.Fatalf("a form without its CSRF token: %d", r.status)
	}
	if r := b.postForm(claimURL(cl.ID)+"/comments", url.Values{"body": {"  "}}, true); r.status != 422 || !strings.Contains(string(r.body), "a comment needs some text") {
		t.Fatalf("an empty comment: %d", r.status)
	}
}
