package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
	"github.com/citecheck/citecheck/views"
)

// My work (issue 16, item 3): what is the signed-in user's to do, on one page and in one answer.

// myWorkLimit bounds the claims to review and the new comments listed at once.
const myWorkLimit = 100

// myWorkAnswer is GET /api/v1/me/work.
type myWorkAnswer struct {
	Assigned []assignedDocument        `json:"assigned"`
	Rejected []citecheck.Claim         `json:"rejected"`
	ToReview []citecheck.Claim         `json:"to_review"`
	Comments []citecheck.CommentNotice `json:"comments"`
}

// assignedDocument is a document of My work, marked when its due time has passed.
type assignedDocument struct {
	citecheck.DeskDocument
	Overdue bool `json:"overdue"`
}

// myWork gathers the user's work: documents assigned to them (earliest due first), their
// rejected claims (store.RejectedClaimsOf), for editors the pending claims they may decide
// (not their own: citecheck.MayReview), and the new comments on claims they take part in.
func (s *Server) myWork(ctx context.Context, u *citecheck.User) (views.MyWorkView, error) {
	v := views.MyWorkView{CanReview: u.Role.CanReview(), Now: s.store.Now()}
	var err error
	if v.Assigned, err = s.deskDocuments(ctx, citecheck.DocumentFilter{Checker: u.Name, Sort: "due"}); err != nil {
		return v, err
	}
	if v.Rejected, err = s.store.RejectedClaimsOf(ctx, u.ID); err != nil {
		return v, err
	}
	if v.CanReview {
		queue, _, err := s.store.ReviewQueuePage(ctx, citecheck.QueueFilter{}, store.QueueAfter{}, myWorkLimit)
		if err != nil {
			return v, err
		}
		for _, it := range queue {
			if citecheck.MayReview(u, &it.Claim) {
				v.ToReview = append(v.ToReview, it)
			}
		}
	}
	v.Comments, err = s.store.NewCommentsFor(ctx, u.ID, myWorkLimit)
	return v, err
}

// myWorkPage shows My work; the new comments it shows count as read from then on.
func (s *Server) myWorkPage(c echo.Context) error {
	u := currentUser(c)
	v, err := s.myWork(c.Request().Context(), u)
	if err != nil {
		return err
	}
	if err := s.render(c, http.StatusOK, views.MyWorkPage(s.page(c, "My work"), v)); err != nil {
		return err
	}
	if len(v.Comments) > 0 {
		return s.store.MarkCommentsSeen(c.Request().Context(), u.ID, v.Comments[0].ID) // newest first
	}
	return nil
}

// getMyWork answers My work as JSON. It marks nothing read: POST /api/v1/me/comments/seen does.
func (s *Server) getMyWork(c echo.Context) error {
	v, err := s.myWork(c.Request().Context(), currentUser(c))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a := myWorkAnswer{Assigned: []assignedDocument{}, Comments: v.Comments}
	if a.Rejected, err = s.checkedClaims(ctx, v.Rejected); err != nil {
		return err
	}
	if a.ToReview, err = s.checkedClaims(ctx, v.ToReview); err != nil {
		return err
	}
	for _, d := range v.Assigned {
		a.Assigned = append(a.Assigned, assignedDocument{DeskDocument: d, Overdue: d.Assignment.Overdue(v.Now)})
	}
	return c.JSON(http.StatusOK, a)
}

// checkedClaims are the claims of items with their checks, as every claim of the API carries.
func (s *Server) checkedClaims(ctx context.Context, items []citecheck.QueueItem) ([]citecheck.Claim, error) {
	out := make([]citecheck.Claim, len(items))
	docs := map[int64]*loadedDocument{}
	for i := range items {
		out[i] = items[i].Claim
		d, ok := docs[out[i].DocumentID]
		if !ok {
			var err error
			if d, err = s.loadDocument(ctx, out[i].DocumentID); err != nil {
				return nil, err
			}
			docs[out[i].DocumentID] = d
		}
		withChecks(d, &out[i])
	}
	return out, nil
}

// markCommentsSeen records that the caller has read the comments up to up_to.
func (s *Server) markCommentsSeen(c echo.Context) error {
	var req struct {
		UpTo int64 `json:"up_to"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.UpTo < 1 {
		return citecheck.FieldErrorf(citecheck.ECodeInvalid, "up_to", "up_to must be the id of a comment")
	}
	if err := s.store.MarkCommentsSeen(c.Request().Context(), currentUser(c).ID, req.UpTo); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
