package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/views"
)

// The discussion under a claim (issue 16, item 3): any signed-in user reads and writes it.

type commentRequest struct {
	Body string `json:"body"`
}

// addComment is the one door of a new comment, for the API and the claim page's form: the body
// by citecheck.NormalizeComment, on a claim that exists and is not in the trash.
func (s *Server) addComment(c echo.Context, body string) (*citecheck.Comment, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	if body, err = citecheck.NormalizeComment(body); err != nil {
		return nil, err
	}
	return s.store.AddComment(c.Request().Context(), id, currentUser(c).ID, body)
}

// listComments answers a claim's discussion, oldest first.
func (s *Server) listComments(c echo.Context) error {
	cl, _, err := s.claimFromPath(c)
	if err != nil {
		return err
	}
	comments, err := s.store.Comments(c.Request().Context(), cl.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"comments": comments})
}

// createComment adds a comment to a claim's discussion: 201 the comment.
func (s *Server) createComment(c echo.Context) error {
	var req commentRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	cm, err := s.addComment(c, req.Body)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, cm)
}

// createCommentPage is the claim page's comment form: back to the thread, or the page again
// with the refusal.
func (s *Server) createCommentPage(c echo.Context) error {
	cm, err := s.addComment(c, c.FormValue("body"))
	if err != nil {
		return s.claimFormError(c, err)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("%s#comment-%d", claimURL(cm.ClaimID), cm.ID))
}

// fillCommentCounts sets how many comments each claim of a page of the panel has, for its link
// to the discussion.
func (s *Server) fillCommentCounts(c echo.Context, items []views.ClaimItem) error {
	ids := make([]int64, len(items))
	for i := range items {
		ids[i] = items[i].Claim.ID
	}
	counts, err := s.store.CommentCounts(c.Request().Context(), ids)
	if err != nil {
		return err
	}
	for i := range items {
		items[i].Comments = counts[items[i].Claim.ID]
	}
	return nil
}
