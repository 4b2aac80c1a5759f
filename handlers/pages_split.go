package handlers

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/views"
)

// queryID reads an optional positive id from the query: 0 when it is absent.
func queryID(c echo.Context, name string) (int64, error) {
	raw := strings.TrimSpace(c.QueryParam(name))
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n <= 0 {
		return 0, citecheck.FieldErrorf(citecheck.ECodeInvalid, name, "%s must be a positive whole number, not %q", name, raw)
	}
	return n, nil
}

// splitView builds the evidence pane of claim cl of document docID: its evidence with their
// sources, the archived sources of its refs and the one to select in, with its text: sourceID
// (any source of the document), else the newest source of the claim's first ref that has one.
func (s *Server) splitView(c echo.Context, docID int64, cl *citecheck.Claim, sourceID int64) (*views.SplitView, error) {
	ctx := c.Request().Context()
	caps, err := s.store.Captures(ctx, docID)
	if err != nil {
		return nil, err
	}
	v := &views.SplitView{Claim: *cl}
	byID := make(map[int64]*citecheck.Capture, len(caps))
	has := map[int]bool{}
	for i, cp := range caps {
		byID[cp.ID] = &caps[i]
		if slices.Contains(cl.Refs, cp.Ref) {
			v.Sources = append(v.Sources, cp)
			has[cp.Ref] = true
		}
	}
	for _, r := range cl.Refs {
		if !has[r] {
			v.Missing = append(v.Missing, r)
		}
	}
	v.Evidence = evidenceItems(cl, byID)
	if sourceID == 0 {
		for _, cp := range v.Sources { // by ref, oldest first: the last of the first ref
			if cp.Ref == v.Sources[0].Ref {
				sourceID = cp.ID
			}
		}
	}
	if sourceID == 0 {
		return v, nil
	}
	if byID[sourceID] == nil {
		return nil, citecheck.FieldErrorf(citecheck.ECodeNotFound, "source", "source %d is not a source of document %d", sourceID, docID)
	}
	if v.Source, err = s.store.Capture(ctx, sourceID); err != nil {
		return nil, err
	}
	return v, nil
}

// splitFromQuery is the evidence pane that the document page's query asks for (evidence=CLAIM,
// source=SOURCE), or nil; a claim of another document is not found here.
func (s *Server) splitFromQuery(c echo.Context, d *loadedDocument) (*views.SplitView, error) {
	claimID, err := queryID(c, "evidence")
	if err != nil || claimID == 0 {
		return nil, err
	}
	sourceID, err := queryID(c, "source")
	if err != nil {
		return nil, err
	}
	cl, err := s.store.Claim(c.Request().Context(), claimID)
	if err != nil {
		return nil, err
	}
	if cl.DocumentID != d.doc.ID {
		return nil, citecheck.FieldErrorf(citecheck.ECodeNotFound, "evidence", "claim %d is not a claim of document %d", claimID, d.doc.ID)
	}
	return s.splitView(c, d.doc.ID, cl, sourceID)
}

// splitPane answers the evidence pane of the claim of the path as a fragment, for evidence.js
// to put beside the text; asked for as a page, it sends the browser to the document page with
// the pane open.
func (s *Server) splitPane(c echo.Context) error {
	cl, _, err := s.claimFromPath(c)
	if err != nil {
		return err
	}
	sourceID, err := queryID(c, "source")
	if err != nil {
		return err
	}
	if wantsFragment(c) != "split" {
		return c.Redirect(http.StatusSeeOther, views.SplitURL(cl.DocumentID, cl.ID, sourceID))
	}
	v, err := s.splitView(c, cl.DocumentID, cl, sourceID)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.SplitPane(s.fragmentPage(c), *v))
}

// addEvidencePage takes the form of the evidence pane: a passage of a source by its code point
// offsets, a stance and a note, checked and stored as the API's POST does (addEvidenceTo).
// evidence.js asks for the document fragment, the pane included; without it the browser
// returns to the pane with a message.
func (s *Server) addEvidencePage(c echo.Context) error {
	cl, d, err := s.claimFromPath(c)
	if err != nil {
		return err
	}
	sourceID, _ := strconv.ParseInt(strings.TrimSpace(c.FormValue("source_id")), 10, 64)
	e, after, err := s.evidenceFromForm(c, cl, sourceID)
	if err != nil {
		if wantsFragment(c) != "" || citecheck.ErrorCode(err) == "internal" {
			return s.fragmentError(c, err)
		}
		_, detail := s.toDetail(c, err)
		return redirectWithFlash(c, views.SplitURL(cl.DocumentID, cl.ID, sourceID), detail.Message, true)
	}
	if wantsFragment(c) != "document" {
		msg := fmt.Sprintf("Evidence #%d (%s) added to claim #%d.", e.ID, e.Stance, cl.ID)
		return redirectWithFlash(c, views.SplitURL(cl.DocumentID, cl.ID, sourceID), msg, false)
	}
	f, err := s.documentFragmentView(c, d, cl, after, nil, false)
	if err != nil {
		return err
	}
	if f.View.Split, err = s.splitView(c, cl.DocumentID, after, sourceID); err != nil {
		return err
	}
	return s.render(c, http.StatusCreated, views.DocumentFragment(s.fragmentPage(c), f))
}

// evidenceFromForm reads the pane's form and adds the evidence; offsets that are not whole
// numbers are refused as the API refuses a missing one.
func (s *Server) evidenceFromForm(c echo.Context, cl *citecheck.Claim, sourceID int64) (*citecheck.Evidence, *citecheck.Claim, error) {
	if sourceID <= 0 {
		return nil, nil, citecheck.FieldErrorf(citecheck.ECodeInvalid, "source_id", "pick a source of the claim's refs")
	}
	in := citecheck.EvidenceInput{Stance: c.FormValue("stance"), Note: c.FormValue("note")}
	var err error
	if in.Start, err = strconv.Atoi(strings.TrimSpace(c.FormValue("start"))); err != nil {
		return nil, nil, citecheck.FieldErrorf(citecheck.ECodeOffsetOutOfRange, "start", "select a passage of the source, or give its start as a number")
	}
	if in.End, err = strconv.Atoi(strings.TrimSpace(c.FormValue("end"))); err != nil {
		return nil, nil, citecheck.FieldErrorf(citecheck.ECodeOffsetOutOfRange, "end", "select a passage of the source, or give its end as a number")
	}
	if q := c.FormValue("quote"); q != "" { // the script sends the text it saw selected
		in.Quote = &q
	}
	return s.addEvidenceTo(c, cl, sourceID, in)
}
