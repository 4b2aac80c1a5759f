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

// renderAccount shows the account page with the signed-in user's sessions and API tokens.
func (s *Server) renderAccount(c echo.Context, status int, p views.Page, v views.AccountView) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	tokens, err := s.store.Tokens(ctx, u.ID)
	if err != nil {
		return err
	}
	v.Tokens = tokens
	if v.Sessions, err = s.store.UserSessions(ctx, u.ID, s.cfg.SessionIdle, currentSessionHash(c)); err != nil {
		return err
	}
	return s.render(c, status, views.AccountPage(p, v))
}

// createTokenPage makes a new API token for the signed-in user. Only its hash is stored; the
// secret is shown on the page this request answers (201, not cached) and nowhere else, so it
// never passes through a redirect URL or a cookie.
func (s *Server) createTokenPage(c echo.Context) error {
	u := currentUser(c)
	name := strings.TrimSpace(c.FormValue("name"))
	refuse := func(err error) error {
		if citecheck.ErrorCode(err) == "internal" {
			return err
		}
		status, detail := s.toDetail(c, err)
		return s.renderAccount(c, status, s.page(c, "Account"), views.AccountView{TokenName: name, TokenError: detail.Message})
	}
	tok, secret, err := desk.CreateToken(c.Request().Context(), s.store, desk.AsUser(u), u.Name, name)
	if err != nil {
		return refuse(err)
	}
	return s.renderAccount(c, http.StatusCreated, s.page(c, "Account"), views.AccountView{NewToken: tok, NewSecret: secret})
}

// revokeTokenPage deletes one of the signed-in user's API tokens; the token of anyone else is
// not found (404).
func (s *Server) revokeTokenPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := currentUser(c)
	tokens, err := s.store.Tokens(ctx, u.ID)
	if err != nil {
		return err
	}
	name := ""
	for _, t := range tokens {
		if t.ID == id {
			name = t.Name
		}
	}
	if err := s.store.RevokeToken(ctx, u.ID, id); err != nil {
		return err
	}
	return redirectWithFlash(c, "/account", fmt.Sprintf("Revoked the token %q; programs using it are refused from now on.", name), false)
}
