package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/views"
)

// listSessions answers GET /api/v1/sessions with the caller's own live sessions, the one the
// request came with marked current.
func (s *Server) listSessions(c echo.Context) error {
	list, err := s.store.UserSessions(c.Request().Context(), currentUser(c).ID, s.cfg.SessionIdle, currentSessionHash(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"sessions": list})
}

// deleteSession answers DELETE /api/v1/sessions/{id}: one of the caller's sessions ends at
// once. The session of anyone else is not found (404), whatever the caller's role.
func (s *Server) deleteSession(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.store.EndUserSession(c.Request().Context(), currentUser(c).ID, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// endSessionPage ends one of the signed-in user's sessions from the Account page. Ending the
// current one signs this browser out.
func (s *Server) endSessionPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := currentUser(c)
	list, err := s.store.UserSessions(ctx, u.ID, s.cfg.SessionIdle, currentSessionHash(c))
	if err != nil {
		return err
	}
	var ended citecheck.Session
	for _, sess := range list {
		if sess.ID == id {
			ended = sess
		}
	}
	if err := s.store.EndUserSession(ctx, u.ID, id); err != nil {
		return err
	}
	if ended.Current {
		if err := s.endSession(c, currentSession(c)); err != nil {
			return err
		}
		return redirectWithFlash(c, "/login", "You ended this session and are signed out.", false)
	}
	return redirectWithFlash(c, "/account", fmt.Sprintf("Ended the session of %s at %s; it is signed out.",
		views.BrowserLabel(ended.UserAgent), ended.Address), false)
}

// endAllSessionsPage is "Sign out everywhere": every session of the signed-in user ends at
// once, this one included. API tokens are not sessions and keep working.
func (s *Server) endAllSessionsPage(c echo.Context) error {
	n, err := s.store.EndUserSessions(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	if err := s.endSession(c, currentSession(c)); err != nil {
		return err
	}
	return redirectWithFlash(c, "/login", fmt.Sprintf("You are signed out everywhere (%d sessions ended). Your API tokens still work; revoke them on the Account page.", n), false)
}
