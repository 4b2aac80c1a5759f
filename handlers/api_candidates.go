package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/anchor"
)

// claimCandidates answers the passages of the current text an orphan may have become, the
// same the revision page's tray offers; a client accepts one with a PATCH of start and end.
func (s *Server) claimCandidates(c echo.Context) error {
	cl, d, err := s.claimFromPath(c)
	if err != nil {
		return err
	}
	if !isOrphan(d, cl) {
		return citecheck.Errorf(citecheck.ECodeInvalid, "claim %d is anchored in the current text; only an orphan has candidates", cl.ID)
	}
	return c.JSON(http.StatusOK, map[string]any{"candidates": anchor.Candidates(d.doc.Text, *cl)})
}
