package views

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/citecheck/citecheck"
)

func renderString(t *testing.T, c templ.Component) string {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestReviewPagesEscapeUserTextAndShowTheNav(t *testing.T) {
	ed := &citecheck.User{ID: 3, Name: "ed", Role: citecheck.RoleAdmin}
	p := Page{Title: "Review", User: ed, CSRF: "tok", Nav: Nav{ShowReview: true, Pending: 7, ShowUsers: true}}
	claim := citecheck.Claim{ID: 9, DocumentID: 2, Start: 40, Quote: "<b>quote</b>", Prefix: "<i>before ", Suffix: " after</i>",
		Refs: []int{30}, Status: citecheck.StatusSupported, Review: citecheck.ReviewPending, Note: "<script>x</script>",
		CreatedBy: "<rita>", Version: 4}
	q := QueueView{Entries: []QueueEntry{{Claim: claim, DocumentTitle: "<Doc>", Refs: []RefMarker{{Ref: 30, Marker: "[30, 31]", Known: true}}, CanDecide: true},
		{Claim: citecheck.Claim{ID: 10, DocumentID: 2}, DocumentTitle: "d"}}, Total: 2, Back: "/review?author=%3Crita%3E"}
	page := renderString(t, ReviewPage(p, q))
	for _, want := range []string{
		`<a href="/review" class="nav-review">Review <span class="count">(7)</span></a>`, `href="/admin/users"`, `href="/account"`,
		`<span class="ctx">…&lt;i&gt;before </span><mark class="q st-supported">&lt;b&gt;quote&lt;/b&gt;</mark><span class="ctx"> after&lt;/i&gt;</span>`,
		"&lt;Doc&gt;", `href="/documents/2?claim=9#c-9"`, "&lt;script&gt;x&lt;/script&gt;", "&lt;rita&gt;", `<span class="ref">[30, 31]</span>`,
		`name="version" value="4"`, `name="back" value="/review?author=%3Crita%3E"`, "yours: another editor must review",
		`id="review-help"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("review page lacks %q", want)
		}
	}
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	cv := ClaimView{Claim: claim, DocTitle: "<Doc>", History: []HistoryEntry{{
		Event:   citecheck.ClaimEvent{At: at, By: "<ed>", Action: citecheck.ActionReviewed},
		Changes: []FieldChangeText{{Field: "review comment", From: "—", To: "<fix>"}}}}}
	page = renderString(t, ClaimPage(p, cv))
	for _, want := range []string{"&lt;Doc&gt;", "&lt;ed&gt;", `<td class="to">&lt;fix&gt;</td>`, `action="/claims/9"`, "2026-11-24 12:00 UTC"} {
		if !strings.Contains(page, want) {
			t.Errorf("claim page lacks %q", want)
		}
	}
	page = renderString(t, UsersPage(p, UsersView{Users: []citecheck.User{{ID: 5, Name: "<bob>", Role: citecheck.RoleEditor, Disabled: true}}, Self: 3}))
	for _, want := range []string{"&lt;bob&gt;", `action="/admin/users/5/role"`, `<option value="editor" selected>`, ">Enable</button>", `class="disabled"`} {
		if !strings.Contains(page, want) {
			t.Errorf("users page lacks %q", want)
		}
	}
	if strings.Contains(page, "<bob>") || strings.Contains(renderString(t, ReviewPage(p, q)), "<script>x") {
		t.Error("unescaped user text")
	}
}
