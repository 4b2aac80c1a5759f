package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
)

type reviewRequest struct {
	Decision string `json:"decision"`
	Comment  string `json:"comment"`
	Version  *int   `json:"version"`
	Override bool   `json:"override"`
}

// reviewDecision is a review as asked for, checked before the store is touched.
type reviewDecision struct {
	review   citecheck.Review
	comment  string
	version  *int
	override bool
}

func parseReview(req reviewRequest) (reviewDecision, error) {
	d := reviewDecision{comment: strings.TrimSpace(req.Comment), version: req.Version, override: req.Override}
	switch req.Decision {
	case "approved", "approve":
		d.review = citecheck.ReviewApproved
	case "rejected", "reject":
		d.review = citecheck.ReviewRejected
	default:
		return d, citecheck.FieldErrorf(citecheck.ECodeInvalid, "decision", "decision must be \"approved\" or \"rejected\", not %q", req.Decision)
	}
	if d.review == citecheck.ReviewRejected && d.comment == "" {
		return d, citecheck.FieldErrorf(citecheck.ECodeInvalid, "comment", "a rejection needs a comment that says what to fix")
	}
	if err := validateComment(d.comment); err != nil {
		return d, err
	}
	return d, nil
}

// applyReview records an editor's decision. The two-person rule is checked inside the store's
// transaction, against the claim as it is then, so a racing edit cannot slip past it.
func (s *Server) applyReview(c echo.Context, cl *citecheck.Claim, d reviewDecision) (*citecheck.Claim, error) {
	u := currentUser(c)
	if !u.Role.CanReview() {
		return nil, citecheck.Errorf(citecheck.ECodeForbidden, "only editors and admins approve or reject claims")
	}
	version := cl.Version
	if d.version != nil {
		version = *d.version
	}
	doc, err := s.loadDocument(c.Request().Context(), cl.DocumentID)
	if err != nil {
		return nil, err
	}
	now := s.store.Now()
	return s.store.UpdateClaim(c.Request().Context(), cl.ID, version, u.ID, func(cur *citecheck.Claim) error {
		if cur.CreatedByID == u.ID || cur.UpdatedByID == u.ID {
			return citecheck.Errorf(citecheck.ECodeOwnClaim, "you created or last changed claim %d; another editor must review it", cur.ID)
		}
		if d.review == citecheck.ReviewApproved && cur.Anchor == string(citecheck.AnchorOrphaned) {
			return citecheck.Errorf(citecheck.ECodeInvalid, "claim %d is orphaned: its text is not in the current revision; re-anchor it before approving", cur.ID)
		}
		if d.review == citecheck.ReviewApproved {
			if checks := citecheck.ClaimChecksIn(doc.text, doc.src, cur); len(checks) > 0 {
				if !d.override {
					return citecheck.FieldErrorf(citecheck.ECodeUnresolvedChecks, "override",
						"claim %d has citation problems (%s); confirm with \"override\": true to approve it anyway", cur.ID, checkCodes(checks))
				}
				cur.Override = true
			}
		}
		name := u.Name
		cur.Review, cur.ReviewComment = d.review, d.comment
		cur.ReviewedBy, cur.ReviewedAt = &name, &now
		return nil
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
	if !currentUser(c).Role.CanReview() {
		return citecheck.Errorf(citecheck.ECodeForbidden, "only editors and admins approve or reject claims")
	}
	if req.Version, err = versionFrom(c, req.Version); err != nil {
		return err
	}
	d, err := parseReview(req)
	if err != nil {
		return err
	}
	updated, err := s.applyReview(c, cl, d)
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

func checkCodes(checks []citecheck.Check) string {
	codes := make([]string, len(checks))
	for i, ch := range checks {
		codes[i] = ch.Code
	}
	return strings.Join(codes, ", ")
}
