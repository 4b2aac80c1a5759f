package handlers

import (
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck/views"
)

// render writes a templ component as an HTML page with the given status.
func (s *Server) render(c echo.Context, status int, comp templ.Component) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().WriteHeader(status)
	return comp.Render(c.Request().Context(), c.Response())
}

// page is the shared frame of every page: who is signed in and the CSRF token for forms.
func (s *Server) page(c echo.Context, title string) views.Page {
	return views.Page{Title: title, User: currentUser(c), CSRF: csrfToken(c)}
}

func (s *Server) renderError(c echo.Context, status int, message string) error {
	return s.render(c, status, views.ErrorPage(s.page(c, http.StatusText(status)), status, message))
}

func loginView(p views.Page, username string) templ.Component {
	return views.LoginPage(p, username)
}
