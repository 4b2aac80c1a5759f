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

var newTokenSecret = regexp.MustCompile(`<code id="new-token-secret">([^<]*)</code>`)

// tokenRow is the account page's table row of one token, or "".
func tokenRow(page string, id int64) string {
	i := strings.Index(page, fmt.Sprintf(`id="token-%d"`, id))
	if i < 0 {
		return ""
	}
	row := page[i:]
	return row[:strings.Index(row, "</tr>")]
}

// namedToken finds a user's token by name in the store.
func (h *harness) namedToken(user, name string) citecheck.Token {
	h.t.Helper()
	tokens, err := h.st.Tokens(h.t.Context(), h.userID(user))
	if err != nil {
		h.t.Fatal(err)
	}
	for _, tok := range tokens {
		if tok.Name == name {
			return tok
		}
	}
	h.t.Fatalf("%s has no token named %q", user, name)
	return citecheck.Token{}
}

func TestAccountTokensCreateShowOnceUseAndRevoke(t *testing.T) {
	h := newHarness(t, Config{})
	rita := h.newBrowser()
	rita.login("rita")
	if r := rita.get("/account"); r.status != 200 || !strings.Contains(string(r.body), `action="/account/tokens"`) {
		t.Fatalf("/account: %d", r.status)
	}

	const name = `CMS plugin <"x">`
	r := rita.postForm("/account/tokens", url.Values{"name": {"  " + name + " "}}, true)
	if r.status != http.StatusCreated {
		t.Fatalf("create token: %d %s", r.status, r.body)
	}
	page := string(r.body)
	m := newTokenSecret.FindStringSubmatch(page)
	if m == nil || len(m[1]) < 20 {
		t.Fatalf("the new token's secret is not shown: %s", page)
	}
	secret := m[1]
	if !strings.Contains(page, "Copy it now; it will not be shown again.") {
		t.Errorf("no warning that the secret is shown once")
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the page with the secret has Cache-Control %q", cc)
	}
	if loc := r.header.Get("Location"); loc != "" {
		t.Errorf("the creation redirects to %q", loc)
	}
	for _, c := range r.header.Values("Set-Cookie") {
		if strings.Contains(c, secret) {
			t.Errorf("the secret is in a cookie: %s", c)
		}
	}
	tok := h.namedToken("rita", name)
	if tok.LastUsedAt != nil {
		t.Errorf("a new token has a last use: %v", tok.LastUsedAt)
	}

	// Shown once: the next page lists the token, never used, without the secret.
	page = string(rita.get("/account").body)
	if strings.Contains(page, secret) || strings.Contains(page, `id="new-token"`) {
		t.Fatalf("the secret is shown again")
	}
	row := tokenRow(page, tok.ID)
	if !strings.Contains(row, "CMS plugin &lt;&#34;x&#34;&gt;") || !strings.Contains(row, "never") {
		t.Errorf("the token's row before use: %s", row)
	}

	// It works as a bearer token, and its last use shows.
	h.tokens["rita-cms"] = secret
	if r := h.do("GET", "/api/v1/documents", "rita-cms", nil); r.status != http.StatusOK {
		t.Fatalf("the new token on the API: %d %s", r.status, r.body)
	}
	used := h.namedToken("rita", name)
	if used.LastUsedAt == nil {
		t.Fatalf("the token's last use was not recorded")
	}
	row = tokenRow(string(rita.get("/account").body), tok.ID)
	if strings.Contains(row, "never") || !strings.Contains(row, used.LastUsedAt.UTC().Format("2006-01-02T15:04:05Z")) {
		t.Errorf("the token's row after use: %s", row)
	}

	// Someone else cannot revoke it, whatever their role.
	for _, other := range []string{"ralph", "ada"} {
		b := h.newBrowser()
		b.login(other)
		if r := b.postForm(fmt.Sprintf("/account/tokens/%d/revoke", tok.ID), url.Values{}, true); r.status != http.StatusNotFound {
			t.Errorf("%s revokes rita's token: %d", other, r.status)
		}
		if strings.Contains(string(b.get("/account").body), fmt.Sprintf(`id="token-%d"`, tok.ID)) {
			t.Errorf("%s's account page lists rita's token", other)
		}
	}
	if r := h.do("GET", "/api/v1/documents", "rita-cms", nil); r.status != http.StatusOK {
		t.Fatalf("the token after others tried to revoke it: %d", r.status)
	}

	// Revoking needs the CSRF token, then ends the token at once.
	if r := rita.postForm(fmt.Sprintf("/account/tokens/%d/revoke", tok.ID), url.Values{}, false); r.status != http.StatusForbidden {
		t.Errorf("revoke without CSRF: %d", r.status)
	}
	r = rita.postForm(fmt.Sprintf("/account/tokens/%d/revoke", tok.ID), url.Values{}, true)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/account" {
		t.Fatalf("revoke: %d %v", r.status, r.header)
	}
	page = string(rita.get("/account").body)
	if !strings.Contains(page, "Revoked the token") || tokenRow(page, tok.ID) != "" {
		t.Errorf("after revoking, the page does not say so or still lists the token")
	}
	if r := h.do("GET", "/api/v1/documents", "rita-cms", nil); r.status != http.StatusUnauthorized {
		t.Errorf("the revoked token: %d", r.status)
	}
	if r := rita.postForm(fmt.Sprintf("/account/tokens/%d/revoke", tok.ID), url.Values{}, true); r.status != http.StatusNotFound {
		t.Errorf("revoking twice: %d", r.status)
	}
	if r := rita.postForm("/account/tokens/x/revoke", url.Values{}, true); r.status != http.StatusNotFound {
		t.Errorf("revoking a malformed id: %d", r.status)
	}
	// Rita's other token is untouched.
	if r := h.do("GET", "/api/v1/documents", "rita", nil); r.status != http.StatusOK {
		t.Errorf("rita's other token after the revocation: %d", r.status)
	}
}

func TestAccountTokenNameIsRequiredAndBounded(t *testing.T) {
	h := newHarness(t, Config{})
	rita := h.newBrowser()
	rita.login("rita")
	before, _ := h.st.Tokens(t.Context(), h.userID("rita"))
	for _, name := range []string{"", "   ", strings.Repeat("é", 101), "tab\tname"} {
		r := rita.postForm("/account/tokens", url.Values{"name": {name}}, true)
		if r.status != http.StatusUnprocessableEntity || newTokenSecret.Match(r.body) {
			t.Errorf("name %q: %d", name, r.status)
		}
		if strings.TrimSpace(name) == "" && !strings.Contains(string(r.body), "1 to 100 characters") {
			t.Errorf("name %q: the refusal does not show", name)
		}
	}
	long := strings.Repeat("é", 101)
	if r := rita.postForm("/account/tokens", url.Values{"name": {long}}, true); !strings.Contains(string(r.body), `value="`+long+`"`) {
		t.Errorf("a refused name is not shown again")
	}
	if r := rita.postForm("/account/tokens", url.Values{"name": {"x"}}, false); r.status != http.StatusForbidden {
		t.Errorf("without CSRF: %d", r.status)
	}
	if after, _ := h.st.Tokens(t.Context(), h.userID("rita")); len(after) != len(before) {
		t.Fatalf("refused names made tokens: %d, were %d", len(after), len(before))
	}
	if r := rita.postForm("/account/tokens", url.Values{"name": {strings.Repeat("é", 100)}}, true); r.status != http.StatusCreated {
		t.Errorf("a name of 100 characters: %d", r.status)
	}
}
