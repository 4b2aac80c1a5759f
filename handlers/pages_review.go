package handlers

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
	"github.com/citecheck/citecheck/views"
)

// queuePageSize is how many claims a page of the review queue shows: an editor works from the
// oldest, and a page with thousands of forms helps nobody. The pager goes through the rest.
const queuePageSize = 100

// reviewPage is the editors' queue of pending claims across documents, oldest first,
// filtered by the query's doc, status and author.
func (s *Server) reviewPage(c echo.Context) error {
	u := currentUser(c)
	if !u.Role.CanReview() {
		return citecheck.Errorf(citecheck.ECodeForbidden, "the review queue is for editors and admins")
	}
	ctx := c.Request().Context()
	v, f, err := queueFilter(c)
	if err != nil {
		return err
	}
	after, err := parseQueueCursor(c.QueryParam("after"))
	if err != nil {
		return err
	}
	items, total, err := s.store.ReviewQueuePage(ctx, f, after, queuePageSize)
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
	v.Back, v.First = queueURL(v), queueURL(v)
	v.Total, v.Later = total, after.ID != 0
	if len(items) == queuePageSize {
		last := items[len(items)-1].Claim
		v.Next = queuePageURL(v, store.QueueAfter{UpdatedAt: last.UpdatedAt, ID: last.ID})
	}
	if v.Later {
		v.Back = queuePageURL(v, after)
	}
	if v.Entries, err = s.queueEntries(c, u, items); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.ReviewPage(s.page(c, "Review"), v))
}

// queueFilter reads the queue's filter from the query: doc, status, author and orphaned.
func queueFilter(c echo.Context) (views.QueueView, citecheck.QueueFilter, error) {
	v := views.QueueView{Status: c.QueryParam("status"), Author: c.QueryParam("author")}
	f := citecheck.QueueFilter{Author: v.Author}
	switch o := c.QueryParam("orphaned"); o {
	case "":
	case "1", "true":
		v.Orphaned, f.Orphaned = true, true
	default:
		return v, f, citecheck.FieldErrorf(citecheck.ECodeInvalid, "orphaned", "orphaned must be 1 (only orphaned claims) or absent, not %q", o)
	}
	if raw := strings.TrimSpace(c.QueryParam("doc")); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return v, f, citecheck.FieldErrorf(citecheck.ECodeInvalid, "doc", "doc must be a document id, not %q", raw)
		}
		v.Doc, f.DocumentID = id, id
	}
	if v.Status != "" {
		st, err := citecheck.ParseStatus(v.Status)
		if err != nil {
			return v, f, err
		}
		f.Status = st
	}
	return v, f, nil
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
	if v.Orphaned {
		q.Set("orphaned", "1")
	}
	if len(q) == 0 {
		return "/review"
	}
	return "/review?" + q.Encode()
}

// queuePageURL is the queue with its filter from the page that starts after a position.
func queuePageURL(v views.QueueView, after store.QueueAfter) string {
	base := queueURL(v)
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "after=" + url.QueryEscape(queueCursor(after))
}

// queueCursor writes a position in the queue as the opaque after= of its pager links.
func queueCursor(a store.QueueAfter) string {
	raw := a.UpdatedAt.UTC().Format(time.RFC3339Nano) + "|" + strconv.FormatInt(a.ID, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// parseQueueCursor reads after=; "" is the start of the queue.
func parseQueueCursor(v string) (store.QueueAfter, error) {
	if v == "" {
		return store.QueueAfter{}, nil
	}
	bad := citecheck.FieldErrorf(citecheck.ECodeInvalid, "after", "after=%q is not a position this server gave; start from the first page", v)
	raw, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return store.QueueAfter{}, bad
	}
	at, id, ok := strings.Cut(string(raw), "|")
	t, err1 := time.Parse(time.RFC3339Nano, at)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || n <= 0 {
		return store.QueueAfter{}, bad
	}
	return store.QueueAfter{UpdatedAt: t, ID: n}, nil
}

// queueFragment answers an editor's decision made in place in the queue: the claim's row, now
// saying what was decided (or, after an undo, the row of a pending claim again), the count of
// what still waits, and the message.
func (s *Server) queueFragment(c echo.Context, d *loadedDocument, cl *citecheck.Claim, back string) error {
	v, f, err := queueFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	_, waiting, err := s.store.ReviewQueuePage(ctx, f, store.QueueAfter{}, 0)
	if err != nil {
		return err
	}
	pending, err := s.store.CountPending(ctx)
	if err != nil {
		return err
	}
	u, p := currentUser(c), s.fragmentPage(c)
	if cl.Review != citecheck.ReviewPending {
		return s.render(c, http.StatusOK, views.QueueDecided(p, *cl, back, citecheck.MayUndo(u, cl), waiting, pending))
	}
	entries, err := s.queueEntries(c, u, []citecheck.QueueItem{{Claim: *cl, DocumentTitle: d.doc.Title}})
	if err != nil {
		return err
	}
	v.Back = back
	return s.render(c, http.StatusOK, views.QueueUndone(p, v, entries[0], waiting, pending))
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
		caps, err := s.documentCaptures(c.Request().Context(), docID)
		if err != nil {
			return nil, err
		}
		for k, i := range idx {
			cl := &claims[k]
			entries[i] = views.QueueEntry{Claim: *cl, DocumentTitle: items[i].DocumentTitle,
				Refs: refMarkers(d, cl), CanDecide: mayDecide(u, cl), Evidence: evidenceItems(cl, caps),
				Orphan: citecheck.OrphanReason(cl, d.doc.Revision)}
		}
	}
	claims := make([]citecheck.Claim, len(entries))
	for i := range entries {
		claims[i] = entries[i].Claim
	}
	rejections, err := s.lastRejections(c.Request().Context(), claims)
	if err != nil {
		return nil, err
	}
	for i := range entries {
		entries[i].Rejection = rejections[entries[i].Claim.ID]
	}
	return entries, nil
}
