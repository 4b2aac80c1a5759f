package handlers

import (
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck/views"
)

// Session keys of the one-shot messages that a redirect carries to the next page.
const (
	keyFlash      = "flash"
	keyFlashError = "flash-error"
)

// render writes a templ component as an HTML page with the given status.
func (s *Server) render(c echo.Context, status int, comp templ.Component) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().WriteHeader(status)
	return comp.Render(c.Request().Context(), c.Response())
}

// page is the shared frame of every page: who is signed in, the CSRF token for forms, the
// header's links (with the pending count for editors and admins) and any message left by the
// redirect that led here.
func (s *Server) page(c echo.Context, title string) views.Page {
	u := currentUser(c)
	p := views.Page{Title: title, User: u, CSRF: csrfToken(c)}
	if u != nil && u.Role.CanReview() {
		p.Nav.ShowReview = true
		n, err := s.store.CountPending(c.Request().Context())
		if err != nil {
			s.log.Error("count pending claims", "err", err)
		}
		p.Nav.Pending = n
	}
	if u != nil && u.Role.CanManageUsers() {
		p.Nav.ShowUsers = true
	}
	p.Flash, p.Error = s.takeFlash(c)
	return p
}

// setFlash leaves a message for the next page the session loads: an error when isError.
func setFlash(c echo.Context, msg string, isError bool) error {
	sess := currentSession(c)
	if sess == nil {
		return nil
	}
	key := keyFlash
	if isError {
		key = keyFlashError
	}
	sess.Values[key] = msg
	return saveSession(c, sess)
}

// takeFlash removes and returns the messages that a redirect left in the session.
func (s *Server) takeFlash(c echo.Context) (flash, errMsg string) {
	sess := currentSession(c)
	if sess == nil {
		return "", ""
	}
	flash, _ = sess.Values[keyFlash].(string)
	errMsg, _ = sess.Values[keyFlashError].(string)
	if flash == "" && errMsg == "" {
		return "", ""
	}
	delete(sess.Values, keyFlash)
	delete(sess.Values, keyFlashError)
	if err := saveSession(c, sess); err != nil {
		s.log.Error("save session", "err", err)
	}
	return flash, errMsg
}

// redirectWithFlash sends the browser to a local page that will show msg.
func redirectWithFlash(c echo.Context, to, msg string, isError bool) error {
	if err := setFlash(c, msg, isError); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, to)
}

func (s *Server) renderError(c echo.Context, status int, message string) error {
	return s.render(c, status, views.ErrorPage(s.page(c, http.StatusText(status)), status, message))
}

func loginView(p views.Page, username, next string) templ.Component {
	return views.LoginPage(p, username, next)
}
