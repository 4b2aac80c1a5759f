package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/views"
)

// maxQueueEntries bounds the review queue page: an editor works from the oldest claims, and a
// page with thousands of forms helps nobody. The page says when it is cut.
const maxQueueEntries = 500

// reviewPage is the editors' queue of pending claims across documents, oldest first,
// filtered by the query's doc, status and author.
func (s *Server) reviewPage(c echo.Context) error {
	u := currentUser(c)
	if !u.Role.CanReview() {
		return citecheck.Errorf(citecheck.ECodeForbidden, "the review queue is for editors and admins")
	}
	ctx := c.Request().Context()
	v := views.QueueView{Status: c.QueryParam("status"), Author: c.QueryParam("author")}
	f := citecheck.QueueFilter{Author: v.Author}
	if raw := strings.TrimSpace(c.QueryParam("doc")); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return citecheck.FieldErrorf(citecheck.ECodeInvalid, "doc", "doc must be a document id, not %q", raw)
		}
		v.Doc, f.DocumentID = id, id
	}
	if v.Status != "" {
		st, err := citecheck.ParseStatus(v.Status)
		if err != nil {
			return err
		}
		f.Status = st
	}
	items, err := s.store.ReviewQueue(ctx, f)
	if err != nil {
		return err
	}
	if v.Documents, err = s.store.Documents(ctx); err != nil {
		return err
	}
	users, err := s.store.Users(ctx)
	if err != nil {
		return err
	}
	for _, usr := range users {
		v.Authors = append(v.Authors, usr.Name)
	}
	v.Back = queueURL(v)
	v.Total = len(items)
	if len(items) > maxQueueEntries {
		items = items[:maxQueueEntries]
	}
	if v.Entries, err = s.queueEntries(c, u, items); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.ReviewPage(s.page(c, "Review"), v))
}

// queueURL is the queue page with its filter, for the forms to come back to.
func queueURL(v views.QueueView) string {
	q := url.Values{}
	if v.Doc != 0 {
		q.Set("doc", strconv.FormatInt(v.Doc, 10))
	}
	if v.Status != "" {
		q.Set("status", v.Status)
	}
	if v.Author != "" {
		q.Set("author", v.Author)
	}
	if len(q) == 0 {
		return "/review"
	}
	return "/review?" + q.Encode()
}

// queueEntries fills in each claim's checks and marker texts, loading each document once.
func (s *Server) queueEntries(c echo.Context, u *citecheck.User, items []citecheck.QueueItem) ([]views.QueueEntry, error) {
	byDoc := map[int64][]int{}
	var order []int64
	for i, it := range items {
		if _, ok := byDoc[it.Claim.DocumentID]; !ok {
			order = append(order, it.Claim.DocumentID)
		}
		byDoc[it.Claim.DocumentID] = append(byDoc[it.Claim.DocumentID], i)
	}
	entries := make([]views.QueueEntry, len(items))
	for _, docID := range order {
		d, err := s.loadDocument(c.Request().Context(), docID)
		if err != nil {
			return nil, err
		}
		idx := byDoc[docID]
		claims := make([]citecheck.Claim, len(idx))
		for k, i := range idx {
			claims[k] = items[i].Claim
		}
		fillChecks(d, claims)
		for k, i := range idx {
			cl := &claims[k]
			entries[i] = views.QueueEntry{Claim: *cl, DocumentTitle: items[i].DocumentTitle,
				Refs: refMarkers(d, cl), CanDecide: mayDecide(u, cl)}
		}
	}
	return entries, nil
}
