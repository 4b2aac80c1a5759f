package handlers

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/desk"
	"github.com/citecheck/citecheck/views"
)

const usersURL = "/admin/users"

// requireAdmin refuses anyone but an admin with 403, before the users page shows the list of
// users or an id in the path is looked up; the workflows in desk check the actor's role again.
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

// createUserPage takes the add-user form (desk.AddUser, which holds the admin-only rule and
// the name, role and password checks); a refusal shows the page again with what was typed.
func (s *Server) createUserPage(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	form := views.NewUserForm{Name: strings.TrimSpace(c.FormValue("name")), Role: c.FormValue("role")}
	u, err := desk.AddUser(c.Request().Context(), s.store, desk.AsUser(currentUser(c)),
		desk.NewUser{Name: form.Name, Role: form.Role, Password: c.FormValue("password")})
	if err != nil {
		if citecheck.ErrorCode(err) == "internal" {
			return err
		}
		status, detail := s.toDetail(c, err)
		return s.renderUsers(c, status, form, detail.Message)
	}
	return redirectWithFlash(c, usersURL, fmt.Sprintf("Added %s as %s.", u.Name, u.Role), false)
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
	updated, err := desk.SetRole(c.Request().Context(), s.store, desk.AsUser(currentUser(c)), u.Name, c.FormValue("role"))
	done := ""
	if err == nil {
		done = fmt.Sprintf("%s is now %s.", updated.Name, updated.Role)
	}
	return s.adminResult(c, err, done)
}

func (s *Server) setUserDisabledPage(c echo.Context) error {
	u, err := s.userFromPath(c)
	if err != nil {
		return err
	}
	disabled := c.FormValue("disabled") == "true"
	_, err = desk.SetDisabled(c.Request().Context(), s.store, desk.AsUser(currentUser(c)), u.Name, disabled)
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
	updated, err := desk.SetPassword(c.Request().Context(), s.store, desk.AsUser(currentUser(c)), u.Name, c.FormValue("password"))
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
	ctx := c.Request().Context()
	key := passwordChangeKey(u.Name)
	refuse := func(status int, msg string) error {
		p := s.page(c, "Account")
		p.Error = msg
		return s.renderAccount(c, status, p, views.AccountView{})
	}
	wait, err := s.store.ThrottleWait(ctx, key)
	if err != nil {
		return err
	}
	if wait > 0 {
		return refuse(http.StatusTooManyRequests, tryAgainIn("wrong passwords", wait))
	}
	_, hash, err := s.store.UserByName(ctx, u.Name)
	if err != nil {
		return err
	}
	if !citecheck.CheckPassword(hash, c.FormValue("current")) {
		if err := s.store.RecordFailure(ctx, key); err != nil {
			return err
		}
		return refuse(http.StatusUnprocessableEntity, "The current password is wrong.")
	}
	if err := s.store.ForgetFailures(ctx, key); err != nil {
		return err
	}
	newPassword := c.FormValue("new")
	if newPassword != c.FormValue("repeat") {
		return refuse(http.StatusUnprocessableEntity, "The new password and its repetition differ.")
	}
	updated, err := desk.SetPassword(c.Request().Context(), s.store, desk.AsUser(u), u.Name, newPassword)
	if err != nil {
		if citecheck.ErrorCode(err) == "internal" {
			return err
		}
		status, detail := s.toDetail(c, err)
		return refuse(status, detail.Message)
	}
	if err := s.keepSignedIn(c, updated); err != nil {
		return err
	}
	return redirectWithFlash(c, "/account", "Your password is changed; your other sessions are signed out.", false)
}
