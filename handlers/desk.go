package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
	"github.com/citecheck/citecheck/views"
)

// The desk (issue 16, item 2): assignments, the state of each document, the documents list
// filtered and sorted by them.

type assignmentRequest struct {
	Checker string  `json:"checker"`
	Editor  *string `json:"editor"`
	DueAt   string  `json:"due_at"`
	Start   *int    `json:"start"`
	End     *int    `json:"end"`
}

// documentAnswer is GET /api/v1/documents/{id}: the document with its state on the desk.
type documentAnswer struct {
	*citecheck.Document
	State      citecheck.DocState    `json:"state"`
	Progress   citecheck.Progress    `json:"progress"`
	Missing    []citecheck.Lack      `json:"missing"`
	Assignment *citecheck.Assignment `json:"assignment"`
}

// progressOf is the state of a document from its shared view st, by citecheck.StateOf.
func (s *Server) progressOf(ctx context.Context, st *docState) (citecheck.Progress, citecheck.DocState, *citecheck.Assignment, error) {
	a, err := s.store.Assignment(ctx, st.d.doc.ID)
	if err != nil {
		return citecheck.Progress{}, "", nil, err
	}
	p := citecheck.ProgressOf(st.check.DocumentCheck, st.claims, st.orphans)
	return p, citecheck.StateOf(p, a != nil), a, nil
}

// refreshStates computes the cached state of every document whose state is missing or stale,
// so the list can filter and sort by it in SQL. Only documents changed since the last list cost
// anything.
func (s *Server) refreshStates(ctx context.Context) error {
	ids, err := s.store.StaleStates(ctx)
	if err != nil || len(ids) == 0 {
		return err
	}
	out := make([]store.DocumentState, 0, len(ids))
	for _, id := range ids {
		d, err := s.loadDocument(ctx, id)
		if citecheck.ErrorCode(err) == citecheck.ECodeNotFound {
			continue // deleted meanwhile
		}
		if err != nil {
			return err
		}
		st, err := s.documentState(ctx, d)
		if err != nil {
			return err
		}
		p, state, _, err := s.progressOf(ctx, st)
		if err != nil {
			return err
		}
		out = append(out, store.DocumentState{DocumentID: id, Stamp: st.stamp, State: state, Progress: p})
	}
	return s.store.PutDocumentStates(ctx, out)
}

// documentFilter reads the list's query: state, checker, editor, sort and order (asc, desc).
func documentFilter(c echo.Context) (citecheck.DocumentFilter, error) {
	f := citecheck.DocumentFilter{Checker: c.QueryParam("checker"), Editor: c.QueryParam("editor")}
	var err error
	if v := c.QueryParam("state"); v != "" {
		if f.State, err = citecheck.ParseDocState(v); err != nil {
			return f, err
		}
	}
	if f.Sort, err = citecheck.ParseDocumentSort(c.QueryParam("sort")); err != nil {
		return f, err
	}
	switch c.QueryParam("order") {
	case "", "asc":
	case "desc":
		f.Desc = true
	default:
		return f, citecheck.FieldErrorf(citecheck.ECodeInvalid, "order", "order must be asc or desc")
	}
	return f, nil
}

// deskDocuments lists the documents with their states and assignments, as f filters and
// orders them.
func (s *Server) deskDocuments(ctx context.Context, f citecheck.DocumentFilter) ([]citecheck.DeskDocument, error) {
	if err := s.refreshStates(ctx); err != nil {
		return nil, err
	}
	rows, err := s.store.Desk(ctx, f)
	if err != nil {
		return nil, err
	}
	summaries, err := s.store.Documents(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]citecheck.DocumentSummary, len(summaries))
	for _, d := range summaries {
		byID[d.ID] = d
	}
	out := make([]citecheck.DeskDocument, 0, len(rows))
	for _, r := range rows {
		if d, ok := byID[r.DocumentID]; ok { // else created between the two reads
			out = append(out, citecheck.DeskDocument{DocumentSummary: d, State: r.State, Progress: r.Progress, Assignment: r.Assignment})
		}
	}
	return out, nil
}

// assign is the one door of an assignment, for the API and the document page's form.
func (s *Server) assign(c echo.Context, req assignmentRequest) (*citecheck.Assignment, error) {
	u := currentUser(c)
	if err := citecheck.MayAssign(*u); err != nil {
		return nil, err
	}
	d, err := s.documentFromPath(c)
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	checker, err := s.assignee(ctx, req.Checker, "checker")
	if err != nil {
		return nil, err
	}
	ch := store.AssignmentChange{DocumentID: d.doc.ID, CheckerID: checker.ID, Start: req.Start, End: req.End, By: u.ID}
	var editor *citecheck.User
	if req.Editor != nil && *req.Editor != "" {
		if editor, err = s.assignee(ctx, *req.Editor, "editor"); err != nil {
			return nil, err
		}
		ch.EditorID = &editor.ID
	}
	if ch.DueAt, err = citecheck.ParseDueAt(req.DueAt); err != nil {
		return nil, err
	}
	if err := citecheck.CheckAssignment(*checker, editor, ch.DueAt, s.store.Now(), req.Start, req.End, d.text.Len()); err != nil {
		return nil, err
	}
	return s.store.SetAssignment(ctx, ch)
}

// assignee finds the user named for field (422 invalid-assignee if there is none).
func (s *Server) assignee(ctx context.Context, name, field string) (*citecheck.User, error) {
	if name == "" {
		return nil, citecheck.FieldErrorf(citecheck.ECodeInvalidAssignee, field, "name the %s", field)
	}
	u, _, err := s.store.UserByName(ctx, name)
	if citecheck.ErrorCode(err) == citecheck.ECodeNotFound {
		return nil, citecheck.FieldErrorf(citecheck.ECodeInvalidAssignee, field, "there is no user %q", name)
	}
	return u, err
}

// unassign is the one door of taking an assignment back.
func (s *Server) unassign(c echo.Context) (int64, error) {
	if err := citecheck.MayAssign(*currentUser(c)); err != nil {
		return 0, err
	}
	id, err := pathID(c)
	if err != nil {
		return 0, err
	}
	return id, s.store.RemoveAssignment(c.Request().Context(), id, currentUser(c).ID)
}

func (s *Server) putAssignment(c echo.Context) error {
	var req assignmentRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	a, err := s.assign(c, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

func (s *Server) deleteAssignment(c echo.Context) error {
	if _, err := s.unassign(c); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// assignPage is the document page's assignment form.
func (s *Server) assignPage(c echo.Context) error {
	req := assignmentRequest{Checker: c.FormValue("checker"), DueAt: c.FormValue("due_at")}
	if ed := c.FormValue("editor"); ed != "" {
		req.Editor = &ed
	}
	for _, f := range []struct {
		name string
		to   **int
	}{{"start", &req.Start}, {"end", &req.End}} {
		if v := c.FormValue(f.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return citecheck.FieldErrorf(citecheck.ECodeInvalid, f.name, "%s must be a number", f.name)
			}
			*f.to = &n
		}
	}
	back := "/documents/" + c.Param("id") + "#assignment"
	a, err := s.assign(c, req)
	if err != nil {
		switch citecheck.ErrorCode(err) {
		case "internal", citecheck.ECodeNotFound, citecheck.ECodeForbidden:
			return err
		}
		_, detail := s.toDetail(c, err)
		return redirectWithFlash(c, back, "Not assigned: "+detail.Message, true)
	}
	return redirectWithFlash(c, back, fmt.Sprintf("Assigned to %s, due %s.", a.Checker, a.DueAt.Format("2006-01-02 15:04 UTC")), false)
}

// unassignPage is the document page's "Unassign" button.
func (s *Server) unassignPage(c echo.Context) error {
	id, err := s.unassign(c)
	if err != nil {
		return err
	}
	return redirectWithFlash(c, docURL(id)+"#assignment", "Unassigned.", false)
}

// activeNames lists the active users' names, all of them and the editors and admins.
func (s *Server) activeNames(ctx context.Context) (all, editors []string, err error) {
	users, err := s.store.Users(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, u := range users {
		if u.Disabled {
			continue
		}
		all = append(all, u.Name)
		if u.Role.CanReview() {
			editors = append(editors, u.Name)
		}
	}
	return all, editors, nil
}

// documentsView is the documents list of the page, filtered and sorted by its query.
func (s *Server) documentsView(c echo.Context) (views.DocumentsView, error) {
	ctx := c.Request().Context()
	f, err := documentFilter(c)
	if err != nil {
		return views.DocumentsView{}, err
	}
	v := views.DocumentsView{Filter: f, Now: s.store.Now()}
	if v.Docs, err = s.deskDocuments(ctx, f); err != nil {
		return v, err
	}
	v.Checkers, v.Editors, err = s.activeNames(ctx)
	return v, err
}

// deskPanel is the document page's state, what it misses and its assignment.
func (s *Server) deskPanel(c echo.Context, st *docState) (*views.DeskPanel, error) {
	ctx := c.Request().Context()
	p, state, a, err := s.progressOf(ctx, st)
	if err != nil {
		return nil, err
	}
	id := st.d.doc.ID
	v := &views.DeskPanel{DocID: id, State: state, Assignment: a, Overdue: a.Overdue(s.store.Now()),
		CanAssign: citecheck.MayAssign(*currentUser(c)) == nil}
	hrefs := map[string]string{"uncovered": "#sources-panel", "checks": "#sources-panel", "orphans": "#orphans",
		"pending": fmt.Sprintf("/review?doc=%d", id), "claims": "#doc-text"}
	for _, m := range p.Missing() {
		v.Missing = append(v.Missing, views.LackLink{Text: m.Text, Href: hrefs[m.What]})
	}
	if v.CanAssign {
		if v.Checkers, v.Editors, err = s.activeNames(ctx); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// getDocument answers a document with its state on the desk and its assignment.
func (s *Server) getDocument(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	return s.answerDocument(c, http.StatusOK, d)
}

// answerDocument answers d as GET /api/v1/documents/{id} does, with status: the document, its
// state on the desk and its assignment.
func (s *Server) answerDocument(c echo.Context, status int, d *loadedDocument) error {
	st, err := s.docState(c, d)
	if err != nil {
		return err
	}
	p, state, a, err := s.progressOf(c.Request().Context(), st)
	if err != nil {
		return err
	}
	return c.JSON(status, documentAnswer{Document: st.d.doc, State: state, Progress: p, Missing: p.Missing(), Assignment: a})
}

// listDocuments answers the documents list with states and assignments, filtered and sorted
// by the query (state, checker, editor, sort, order), a page at a time.
func (s *Server) listDocuments(c echo.Context) error {
	f, err := documentFilter(c)
	if err != nil {
		return err
	}
	docs, err := s.deskDocuments(c.Request().Context(), f)
	if err != nil {
		return err
	}
	p, err := paginate(c, len(docs))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listAnswer("documents", docs[p.lo:p.hi], p))
}
