package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

// userID looks a user up by name in the store.
func (h *harness) userID(name string) int64 {
	h.t.Helper()
	u, _, err := h.st.UserByName(h.t.Context(), name)
	if err != nil {
		h.t.Fatal(err)
	}
	return u.ID
}

func TestAdminUsersPageIsForAdminsOnly(t *testing.T) {
	h := newHarness(t, Config{})
	for _, name := range []string{"rita", "ed"} {
		b := h.newBrowser()
		b.login(name)
		if r := b.get("/admin/users"); r.status != http.StatusForbidden {
			t.Errorf("%s on /admin/users: %d", name, r.status)
		}
		if r := b.postForm("/admin/users", url.Values{"name": {"x"}, "role": {"admin"}, "password": {testPassword}}, true); r.status != http.StatusForbidden {
			t.Errorf("%s adds a user: %d", name, r.status)
		}
		if r := b.postForm(fmt.Sprintf("/admin/users/%d/role", h.userID(name)), url.Values{"role": {"admin"}}, true); r.status != http.StatusForbidden {
			t.Errorf("%s promotes themselves: %d", name, r.status)
		}
	}
	if u, _, _ := h.st.UserByName(t.Context(), "ed"); u.Role != citecheck.RoleEditor {
		t.Errorf("ed's role changed: %s", u.Role)
	}
}

func TestAdminAddsUsersChangesRolesResetsPasswordsAndRefusesTheLastAdmin(t *testing.T) {
	h := newHarness(t, Config{})
	ada := h.newBrowser()
	ada.login("ada")
	r := ada.get("/admin/users")
	if r.status != 200 || !strings.Contains(string(r.body), `href="/admin/users"`) {
		t.Fatalf("/admin/users: %d", r.status)
	}
	for _, name := range []string{"rita", "ralph", "ed", "ada"} {
		if !strings.Contains(string(r.body), fmt.Sprintf(`id="user-%d"`, h.userID(name))) {
			t.Errorf("the users page lacks %s", name)
		}
	}
	// The last enabled admin can neither be demoted nor disabled.
	adaID := h.userID("ada")
	ada.postForm(fmt.Sprintf("/admin/users/%d/role", adaID), url.Values{"role": {"editor"}}, true)
	if page := string(ada.get("/admin/users").body); !strings.Contains(page, "they are the last enabled admin") {
		t.Errorf("demoting the last admin: the refusal does not show")
	}
	ada.postForm(fmt.Sprintf("/admin/users/%d/disabled", adaID), url.Values{"disabled": {"true"}}, true)
	if page := string(ada.get("/admin/users").body); !strings.Contains(page, "they are the last enabled admin") {
		t.Errorf("disabling the last admin: the refusal does not show")
	}

	// Add a user, who can then sign in.
	r = ada.postForm("/admin/users", url.Values{"name": {"nina"}, "role": {"editor"}, "password": {testPassword}}, true)
	if r.status != http.StatusSeeOther {
		t.Fatalf("add user: %d %s", r.status, r.body)
	}
	if page := string(ada.get("/admin/users").body); !strings.Contains(page, "Added nina as editor.") {
		t.Errorf("no message after adding a user")
	}
	if r := ada.postForm("/admin/users", url.Values{"name": {"nina"}, "role": {"editor"}, "password": {"another password"}}, true); r.status != http.StatusConflict || !strings.Contains(string(r.body), "already exists") {
		t.Errorf("duplicate user: %d", r.status)
	}
	if r := ada.postForm("/admin/users", url.Values{"name": {"tom"}, "role": {"editor"}, "password": {"short"}}, true); r.status != 422 || !strings.Contains(string(r.body), "at least 8") || !strings.Contains(string(r.body), `value="tom"`) {
		t.Errorf("short password: %d", r.status)
	}
	if r := ada.postForm("/admin/users", url.Values{"name": {"a b"}, "role": {"editor"}, "password": {testPassword}}, true); r.status != 422 {
		t.Errorf("name with a space: %d", r.status)
	}
	if r := ada.postForm("/admin/users", url.Values{"name": {"x"}, "role": {"boss"}, "password": {testPassword}}, true); r.status != 422 {
		t.Errorf("unknown role: %d", r.status)
	}
	if _, hash, err := h.st.UserByName(t.Context(), "nina"); err != nil || !citecheck.CheckPassword(hash, testPassword) {
		t.Fatalf("nina: %v", err)
	}

	ninaID := h.userID("nina")
	if r := ada.postForm(fmt.Sprintf("/admin/users/%d/role", ninaID), url.Values{"role": {"admin"}}, true); r.status != http.StatusSeeOther {
		t.Fatalf("change role: %d", r.status)
	}
	if u, _ := h.st.UserByID(t.Context(), ninaID); u.Role != citecheck.RoleAdmin {
		t.Errorf("nina's role: %s", u.Role)
	}
	if page := string(ada.get("/admin/users").body); !strings.Contains(page, "nina is now admin.") {
		t.Errorf("no message after a role change")
	}

	// Reset a password: the old one stops working, the new one works.
	nina := h.newBrowser()
	nina.login("nina")
	if r := ada.postForm(fmt.Sprintf("/admin/users/%d/password", ninaID), url.Values{"password": {"a new password"}}, true); r.status != http.StatusSeeOther {
		t.Fatalf("reset password: %d", r.status)
	}
	if r := nina.get("/"); r.status != http.StatusSeeOther {
		t.Errorf("nina's session survived the reset: %d", r.status)
	}
	if _, hash, _ := h.st.UserByName(t.Context(), "nina"); citecheck.CheckPassword(hash, testPassword) || !citecheck.CheckPassword(hash, "a new password") {
		t.Errorf("the password was not reset")
	}
	ada.postForm(fmt.Sprintf("/admin/users/%d/password", ninaID), url.Values{"password": {"short"}}, true)
	if page := string(ada.get("/admin/users").body); !strings.Contains(page, "at least 8") {
		t.Errorf("a short reset password: the refusal does not show")
	}
	// An admin who resets their own password stays signed in.
	if r := ada.postForm(fmt.Sprintf("/admin/users/%d/password", adaID), url.Values{"password": {"ada's new password"}}, true); r.status != http.StatusSeeOther {
		t.Fatalf("reset own password: %d", r.status)
	}
	if r := ada.get("/admin/users"); r.status != 200 {
		t.Errorf("ada was signed out by resetting her own password: %d", r.status)
	}
}

func TestDisablingAUserEndsTheirSessionsAndTokensAtOnce(t *testing.T) {
	h := newHarness(t, Config{})
	ed := h.newBrowser()
	ed.login("ed")
	if r := ed.get("/review"); r.status != 200 {
		t.Fatalf("ed before: %d", r.status)
	}
	ada := h.newBrowser()
	ada.login("ada")
	edID := h.userID("ed")
	if r := ada.postForm(fmt.Sprintf("/admin/users/%d/disabled", edID), url.Values{"disabled": {"true"}}, true); r.status != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.status)
	}
	page := string(ada.get("/admin/users").body)
	row := page[strings.Index(page, fmt.Sprintf(`id="user-%d"`, edID)):]
	if row = row[:strings.Index(row, "</tr>")]; !strings.Contains(row, "disabled") || !strings.Contains(row, ">Enable</button>") {
		t.Errorf("ed's row after disabling: %s", row)
	}
	r := ed.get("/review")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("disabled ed's next page: %d %q", r.status, r.header.Get("Location"))
	}
	if r := h.do("GET", "/api/v1/documents", "ed", nil); r.status != http.StatusUnauthorized {
		t.Errorf("disabled ed's token: %d", r.status)
	}
	// The ended session's CSRF token went with it: the browser follows the redirect to /login.
	ed.get("/login")
	form := url.Values{"username": {"ed"}, "password": {testPassword}}
	if r := ed.postForm("/login", form, true); r.status != http.StatusUnauthorized {
		t.Errorf("disabled ed signs in: %d", r.status)
	}
	if r := ada.postForm(fmt.Sprintf("/admin/users/%d/disabled", edID), url.Values{"disabled": {"false"}}, true); r.status != http.StatusSeeOther {
		t.Fatalf("enable: %d", r.status)
	}
	if r := h.do("GET", "/api/v1/documents", "ed", nil); r.status != http.StatusOK {
		t.Errorf("enabled ed's token: %d", r.status)
	}
	ed.login("ed")
	if r := ed.get("/review"); r.status != 200 {
		t.Errorf("enabled ed: %d", r.status)
	}
}

func TestAccountPasswordChange(t *testing.T) {
	h := newHarness(t, Config{})
	rita, other := h.newBrowser(), h.newBrowser()
	rita.login("rita")
	other.login("rita")
	if r := rita.get("/account"); r.status != 200 || !strings.Contains(string(r.body), `action="/account/password"`) {
		t.Fatalf("/account: %d", r.status)
	}
	change := func(current, next, repeat string) response {
		return rita.postForm("/account/password", url.Values{"current": {current}, "new": {next}, "repeat": {repeat}}, true)
	}
	if r := change("wrong password", "a fresh password", "a fresh password"); r.status != 422 || !strings.Contains(string(r.body), "current password is wrong") {
		t.Errorf("wrong current password: %d", r.status)
	}
	if r := change(testPassword, "a fresh password", "a fresh passw0rd"); r.status != 422 || !strings.Contains(string(r.body), "differ") {
		t.Errorf("repeat differs: %d", r.status)
	}
	if r := change(testPassword, "short", "short"); r.status != 422 || !strings.Contains(string(r.body), "at least 8") {
		t.Errorf("short password: %d", r.status)
	}
	if r := change(testPassword, "a fresh password", "a fresh password"); r.status != http.StatusSeeOther {
		t.Fatalf("change: %d %s", r.status, r.body)
	}
	if r := rita.get("/account"); r.status != 200 || !strings.Contains(string(r.body), "Your password is changed") {
		t.Errorf("this session after the change: %d", r.status)
	}
	if r := other.get("/"); r.status != http.StatusSeeOther {
		t.Errorf("the other session survived the change: %d", r.status)
	}
	if _, hash, _ := h.st.UserByName(t.Context(), "rita"); !citecheck.CheckPassword(hash, "a fresh password") {
		t.Errorf("the new password does not match")
	}
}
