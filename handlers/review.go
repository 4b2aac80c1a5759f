package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
)

type reviewRequest struct {
	Decision string `json:"decision"`
	Comment  string `json:"comment"`
	Version  *int   `json:"version"`
	Override bool   `json:"override"`
}

// decide records an editor's decision on cl, at version when given (else the version loaded),
// by the rules of citecheck.ApplyDecision. They are checked inside the store's transaction,
// against the claim as it is then and its checks in d's text, so a racing edit cannot slip past
// the two-person rule. The API and the review forms both come through here.
func (s *Server) decide(c echo.Context, d *loadedDocument, cl *citecheck.Claim, dec citecheck.Decision, version *int) (*citecheck.Claim, error) {
	u := currentUser(c)
	v := cl.Version
	if version != nil {
		v = *version
	}
	now := s.store.Now()
	return s.store.ReviewClaim(c.Request().Context(), cl.ID, v, u.ID, func(cur citecheck.Claim) (citecheck.Claim, citecheck.ReviewOutcome, error) {
		withChecks(d, &cur)
		return citecheck.ApplyDecision(cur, *u, dec, d.doc.Revision, cur.Checks, now)
	})
}

func (s *Server) reviewClaim(c echo.Context) error {
	cl, doc, err := s.claimFromPath(c)
	if err != nil {
		return err
	}
	var req reviewRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := citecheck.RequireReviewer(*currentUser(c)); err != nil {
		return err
	}
	if req.Version, err = versionFrom(c, req.Version); err != nil {
		return err
	}
	dec, err := citecheck.ParseDecision(req.Decision, req.Comment, req.Override)
	if err != nil {
		return err
	}
	updated, err := s.decide(c, doc, cl, dec, req.Version)
	if err != nil {
		if citecheck.ErrorCode(err) == citecheck.ECodeConflict {
			return s.conflict(c, doc, cl.ID, err)
		}
		return err
	}
	withChecks(doc, updated)
	setClaimETag(c, updated)
	return c.JSON(http.StatusOK, updated)
}

func (s *Server) claimHistory(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	events, err := s.store.ClaimHistory(c.Request().Context(), id)
	if err != nil {
		return err
	}
	p, err := paginate(c, len(events))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listAnswer("events", events[p.lo:p.hi], p))
}
