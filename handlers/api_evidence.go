package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
)

type evidenceRequest struct {
	SourceID *int64  `json:"source_id"`
	Start    *int    `json:"start"`
	End      *int    `json:"end"`
	Quote    *string `json:"quote"`
	Stance   string  `json:"stance"`
	Note     string  `json:"note"`
}

// addEvidenceTo checks a passage of a source against the claim and stores it; the claim goes
// back to pending if it was reviewed. Every door that adds evidence comes here.
// It answers the evidence and the claim as it now is.
func (s *Server) addEvidenceTo(c echo.Context, cl *citecheck.Claim, sourceID int64, in citecheck.EvidenceInput) (*citecheck.Evidence, *citecheck.Claim, error) {
	src, err := s.store.Capture(c.Request().Context(), sourceID)
	if citecheck.ErrorCode(err) == citecheck.ECodeNotFound {
		return nil, nil, citecheck.FieldErrorf(citecheck.ECodeInvalid, "source_id", "source %d not found", sourceID)
	}
	if err != nil {
		return nil, nil, err
	}
	if err := citecheck.ValidateNote(in.Note); err != nil {
		return nil, nil, err
	}
	e, err := citecheck.NewEvidence(cl, src, citecheck.NewText(src.Text), in, currentUser(c).ID)
	if err != nil {
		return nil, nil, err
	}
	return s.store.AddEvidence(c.Request().Context(), e)
}

func (s *Server) addEvidence(c echo.Context) error {
	cl, _, err := s.claimFromPath(c)
	if err != nil {
		return err
	}
	var req evidenceRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	switch {
	case req.SourceID == nil:
		return citecheck.FieldErrorf(citecheck.ECodeInvalid, "source_id", "source_id is required")
	case req.Start == nil:
		return citecheck.FieldErrorf(citecheck.ECodeOffsetOutOfRange, "start", "start is required")
	case req.End == nil:
		return citecheck.FieldErrorf(citecheck.ECodeOffsetOutOfRange, "end", "end is required")
	}
	e, _, err := s.addEvidenceTo(c, cl, *req.SourceID, citecheck.EvidenceInput{Start: *req.Start, End: *req.End,
		Quote: req.Quote, Stance: req.Stance, Note: req.Note})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, e)
}

// removeEvidence deletes the evidence of the path: its creator, editors and admins may, as the
// store checks against the evidence inside its transaction.
func (s *Server) removeEvidence(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.removeEvidenceBy(c, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// removeEvidenceBy removes evidence id as the caller, under citecheck.CheckEvidenceRemoval,
// and gives the claim as it is after.
func (s *Server) removeEvidenceBy(c echo.Context, id int64) (*citecheck.Claim, error) {
	u := currentUser(c)
	return s.store.RemoveEvidence(c.Request().Context(), id, u.ID, func(e *citecheck.Evidence) error {
		return citecheck.CheckEvidenceRemoval(*u, e)
	})
}

// removeEvidencePage is the Remove button of a passage on the claim page and in the evidence
// pane: it removes the passage and goes back where the form came from, saying what it did.
func (s *Server) removeEvidencePage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	cl, err := s.removeEvidenceBy(c, id) // an unknown id or a role that may not: the error page
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Evidence #%d removed from claim #%d.", id, cl.ID)
	return redirectWithFlash(c, localBack(c.FormValue("back"), claimURL(cl.ID)), msg, false)
}
