package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/views"
)

const usersURL = "/admin/users"

// requireAdmin refuses anyone but an admin with 403.
func requireAdmin(c echo.Context) error {
	if !currentUser(c).Role.CanManageUsers() {
		return citecheck.Errorf(citecheck.ECodeForbidden, "only admins manage users")
	}
	return nil
}

func (s *Server) usersPage(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	return s.renderUsers(c, http.StatusOK, views.NewUserForm{}, "")
}

func (s *Server) renderUsers(c echo.Context, status int, form views.NewUserForm, errMsg string) error {
	users, err := s.store.Users(c.Request().Context())
	if err != nil {
		return err
	}
	p := s.page(c, "Users")
	if errMsg != "" {
		p.Error = errMsg
	}
	v := views.UsersView{Users: users, Self: currentUser(c).ID, Form: form}
	return s.render(c, status, views.UsersPage(p, v))
}

// validUserName refuses names that cannot be typed into the sign-in form reliably.
func validUserName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > 64 {
		return citecheck.FieldErrorf(citecheck.ECodeInvalid, "name", "a user name has 1 to 64 characters")
	}
	for _, r := range name {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return citecheck.FieldErrorf(citecheck.ECodeInvalid, "name", "a user name has no spaces or control characters")
		}
	}
	return nil
}

// createUserPage takes the add-user form; a refusal shows the page again with what was typed.
func (s *Server) createUserPage(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	form := views.NewUserForm{Name: strings.TrimSpace(c.FormValue("name")), Role: c.FormValue("role")}
	err := validUserName(form.Name)
	var role citecheck.Role
	if err == nil {
		role, err = citecheck.ParseRole(form.Role)
	}
	var hash []byte
	if err == nil {
		hash, err = citecheck.HashPassword(c.FormValue("password"))
	}
	if err == nil {
		_, err = s.store.CreateUser(c.Request().Context(), form.Name, role, hash)
	}
	if err != nil {
		if citecheck.ErrorCode(err) == "internal" {
			return err
		}
		status, detail := s.toDetail(c, err)
		return s.renderUsers(c, status, form, detail.Message)
	}
	return redirectWithFlash(c, usersURL, fmt.Sprintf("Added %s as %s.", form.Name, role), false)
}

// userFromPath loads the user whose id is in the path, for the admin forms.
func (s *Server) userFromPath(c echo.Context) (*citecheck.User, error) {
	if err := requireAdmin(c); err != nil {
		return nil, err
	}
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	return s.store.UserByID(c.Request().Context(), id)
}

// adminResult returns to the users page with what happened, or with the store's refusal
// (such as taking away the last admin).
func (s *Server) adminResult(c echo.Context, err error, done string) error {
	if err != nil {
		if citecheck.ErrorCode(err) == "internal" {
			return err
		}
		_, detail := s.toDetail(c, err)
		return redirectWithFlash(c, usersURL, detail.Message, true)
	}
	return redirectWithFlash(c, usersURL, done, false)
}

func (s *Server) setUserRolePage(c echo.Context) error {
	u, err := s.userFromPath(c)
	if err != nil {
		return err
	}
	role, err := citecheck.ParseRole(c.FormValue("role"))
	if err == nil {
		_, err = s.store.SetUserRole(c.Request().Context(), u.Name, role)
	}
	return s.adminResult(c, err, fmt.Sprintf("%s is now %s.", u.Name, role))
}

func (s *Server) setUserDisabledPage(c echo.Context) error {
	u, err := s.userFromPath(c)
	if err != nil {
		return err
	}
	disabled := c.FormValue("disabled") == "true"
	_, err = s.store.SetUserDisabled(c.Request().Context(), u.Name, disabled)
	done := fmt.Sprintf("%s is enabled.", u.Name)
	if disabled {
		done = fmt.Sprintf("%s is disabled and signed out everywhere.", u.Name)
	}
	return s.adminResult(c, err, done)
}

func (s *Server) resetUserPasswordPage(c echo.Context) error {
	u, err := s.userFromPath(c)
	if err != nil {
		return err
	}
	hash, err := citecheck.HashPassword(c.FormValue("password"))
	var updated *citecheck.User
	if err == nil {
		updated, err = s.store.SetUserPassword(c.Request().Context(), u.Name, hash)
	}
	if err == nil && updated.ID == currentUser(c).ID {
		err = s.keepSignedIn(c, updated)
	}
	return s.adminResult(c, err, fmt.Sprintf("The password of %s is reset; their sessions ended.", u.Name))
}

// keepSignedIn signs the current session in again, under a new id, after a password change
// that ended every session of u: the one who changed their own password stays signed in here,
// and only here. The CSRF token stays, so that the user's other tabs in this browser still work.
func (s *Server) keepSignedIn(c echo.Context, u *citecheck.User) error {
	sess := currentSession(c)
	if sess == nil {
		return nil
	}
	sess.Values[keyUID] = u.ID
	return s.renewSession(c, sess)
}

func (s *Server) accountPage(c echo.Context) error {
	return s.renderAccount(c, http.StatusOK, s.page(c, "Account"), views.AccountView{})
}

// changePasswordPage takes the signed-in user's own password change. The current password
// must match, and wrong guesses are slowed down like sign-ins.
func (s *Server) changePasswordPage(c echo.Context) error {
	u := currentUser(c)
	key := "account:" + strings.ToLower(u.Name)
	refuse := func(status int, msg string) error {
		p := s.page(c, "Account")
		p.Error = msg
		return s.renderAccount(c, status, p, views.AccountView{})
	}
	if wait := s.throttle.wait(key); wait > 0 {
		return refuse(http.StatusTooManyRequests, fmt.Sprintf("Too many wrong passwords. Try again in %d seconds.", int(wait.Seconds()+0.999)))
	}
	_, hash, err := s.store.UserByName(c.Request().Context(), u.Name)
	if err != nil {
		return err
	}
	if !citecheck.CheckPassword(hash, c.FormValue("current")) {
		s.throttle.fail(key)
		return refuse(http.StatusUnprocessableEntity, "The current password is wrong.")
	}
	s.throttle.succeed(key)
	newPassword := c.FormValue("new")
	if newPassword != c.FormValue("repeat") {
		return refuse(http.StatusUnprocessableEntity, "The new password and its repetition differ.")
	}
	newHash, err := citecheck.HashPassword(newPassword)
	if err != nil {
		_, detail := s.toDetail(c, err)
		return refuse(http.StatusUnprocessableEntity, detail.Message)
	}
	updated, err := s.store.SetUserPassword(c.Request().Context(), u.Name, newHash)
	if err != nil {
		return err
	}
	if err := s.keepSignedIn(c, updated); err != nil {
		return err
	}
	return redirectWithFlash(c, "/account", "Your password is changed; your other sessions are signed out.", false)
}
