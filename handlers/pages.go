package handlers

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/views"
)

func (s *Server) documentsPage(c echo.Context) error {
	return s.renderDocuments(c, http.StatusOK, views.NewDocumentForm{})
}

func (s *Server) renderDocuments(c echo.Context, status int, form views.NewDocumentForm) error {
	v, err := s.documentsView(c)
	if err != nil {
		return err
	}
	return s.render(c, status, views.DocumentsPage(s.page(c, "Documents"), v, form))
}

// createDocumentPage takes the new-document form: pasted text, or an uploaded .txt file.
func (s *Server) createDocumentPage(c echo.Context) error {
	form := views.NewDocumentForm{Title: c.FormValue("title"), Text: c.FormValue("text")}
	text := form.Text
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		if fh.Size > int64(s.cfg.MaxTextBytes)+3 {
			form.Error = fmt.Sprintf("The file is larger than the limit of %d bytes.", s.cfg.MaxTextBytes)
			return s.renderDocuments(c, http.StatusRequestEntityTooLarge, form)
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			return err
		}
		text = string(b)
		if form.Title == "" {
			form.Title = strings.TrimSuffix(fh.Filename, ".txt")
		}
	}
	doc, err := s.newDocument(c, form.Title, text)
	if err != nil {
		if citecheck.ErrorCode(err) == "internal" {
			return err
		}
		status, detail := s.toDetail(c, err)
		form.Error = detail.Message
		return s.renderDocuments(c, status, form)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/documents/%d", doc.ID))
}

func (s *Server) documentPage(c echo.Context) error {
	return s.renderDocument(c, http.StatusOK, "")
}

// renderDocument shows a document with every claim anchored in its current text highlighted,
// and its orphans in their tray; errMsg reports a refused form.
func (s *Server) renderDocument(c echo.Context, status int, errMsg string) error {
	return s.renderDocumentWith(c, status, errMsg, "")
}

// renderDocumentWith is renderDocument with the text of a refused new revision to show again.
func (s *Server) renderDocumentWith(c echo.Context, status int, errMsg, revisionText string) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	st, err := s.docState(c, d)
	if err != nil {
		return err
	}
	d = st.d
	release, err := s.bigWork(c.Request().Context(), d)
	if err != nil {
		return err
	}
	defer release()
	v := st.view(c.QueryParam("status"))
	v.RevisionText = revisionText
	if v.Revisions, err = s.store.Revisions(c.Request().Context(), d.doc.ID); err != nil {
		return err
	}
	if v.History, err = s.store.DocumentHistory(c.Request().Context(), d.doc.ID); err != nil {
		return err
	}
	v.Reanchor = reanchorTarget(c, st.orphans)
	if v.Split, err = s.splitFromQuery(c, d); err != nil {
		return err
	}
	v.Sources = sourcesView(d, st.check, st.claims)
	if err := s.addEvidencePanel(c, d, st.claims, &v.Sources); err != nil {
		return err
	}
	v.Blocks = s.pageBlocks(c, st)
	v.LazyBlocks = slices.ContainsFunc(v.Blocks, func(b views.Block) bool { return b.Lazy })
	if err := s.fillPanel(c, &v, st.claims); err != nil {
		return err
	}
	if v.Desk, err = s.deskPanel(c, st); err != nil {
		return err
	}
	p := s.page(c, d.doc.Title)
	if errMsg != "" {
		p.Error = errMsg
	}
	return renderHTMLWith(c, status, views.DocumentPage(p, v), v.Blocks)
}

// docState answers the shared view of d's current state (documentState), which every view of
// the document page starts from.
func (s *Server) docState(c echo.Context, d *loadedDocument) (*docState, error) {
	return s.documentState(c.Request().Context(), d)
}

// view is the part of the document page every view of it shares: the document, the counts
// and the filter.
func (st *docState) view(filter string) views.DocumentView {
	return views.DocumentView{Doc: st.d.doc, StatusFilter: filter, Summary: st.summary,
		Orphans: st.orphans, Markers: st.check.Markers, Covered: st.check.Covered,
		UncoveredCount: len(st.check.Uncovered)}
}

// buildRuns shapes the domain's text segments into the runs the view renders, one span each.
func buildRuns(d *loadedDocument, claims []citecheck.Claim) []views.Run {
	return buildRunsIn(d, claims, 0, d.text.Len())
}

// buildRunsIn is buildRuns for the text between from and to (citecheck.SegmentsIn).
func buildRunsIn(d *loadedDocument, claims []citecheck.Claim, from, to int) []views.Run {
	segs := citecheck.SegmentsIn(d.text, d.doc.Citations, claims, from, to)
	runs := make([]views.Run, len(segs))
	n := 0
	for _, sg := range segs {
		n += len(sg.Claims)
	}
	refs := make([]views.ClaimRef, 0, n) // one array for the claims over every run
	for i, sg := range segs {
		r := views.Run{Start: sg.Start, Text: sg.Text}
		if sg.Marker >= 0 {
			m := d.doc.Citations[sg.Marker]
			r.MarkerRefs = joinInts(m.Refs, " ")
			r.MarkerHead = sg.Start == m.Start
		}
		at := len(refs)
		for _, ci := range sg.Claims {
			cl := &claims[ci]
			refs = append(refs, views.ClaimRef{ID: cl.ID, Status: cl.Status, Review: cl.Review})
		}
		if len(refs) > at {
			r.Claims = refs[at:len(refs):len(refs)]
		}
		for _, ci := range sg.First {
			r.Anchors = append(r.Anchors, claims[ci].ID)
		}
		runs[i] = r
	}
	return runs
}

func joinInts(ns []int, sep string) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, sep)
}

// parseRefsField reads "30, 31" or "30 31" from a form field.
func parseRefsField(v string) ([]int, error) {
	fields := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\t' })
	refs := make([]int, 0, len(fields))
	for _, f := range fields {
		n, err := strconv.Atoi(strings.Trim(f, "[]"))
		if err != nil {
			return nil, citecheck.FieldErrorf(citecheck.ECodeInvalidRefs, "refs", "%q is not a reference number", f)
		}
		refs = append(refs, n)
	}
	return refs, nil
}

// formError re-renders the document page with a refused form's message, or passes on an
// internal error.
func (s *Server) formError(c echo.Context, docID int64, err error) error {
	if citecheck.ErrorCode(err) == "internal" {
		return err
	}
	if wantsFragment(c) != "" {
		return s.fragmentError(c, err)
	}
	status, detail := s.toDetail(c, err)
	c.SetParamNames("id")
	c.SetParamValues(strconv.FormatInt(docID, 10))
	if detail.Code == citecheck.ECodeNotFound {
		return err
	}
	return s.renderDocument(c, status, detail.Message)
}

// createClaimPage takes the no-JavaScript claim form, with offsets typed in.
func (s *Server) createClaimPage(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	in := claimInput{status: c.FormValue("status"), note: c.FormValue("note")}
	if in.start, err = strconv.Atoi(strings.TrimSpace(c.FormValue("start"))); err != nil {
		return s.formError(c, d.doc.ID, citecheck.FieldErrorf(citecheck.ECodeOffsetOutOfRange, "start", "start must be a number"))
	}
	if in.end, err = strconv.Atoi(strings.TrimSpace(c.FormValue("end"))); err != nil {
		return s.formError(c, d.doc.ID, citecheck.FieldErrorf(citecheck.ECodeOffsetOutOfRange, "end", "end must be a number"))
	}
	if in.refs, err = parseRefsField(c.FormValue("refs")); err != nil {
		return s.formError(c, d.doc.ID, err)
	}
	if q := c.FormValue("quote"); q != "" { // the popup sends what the reader saw; a span is never empty
		in.quote = &q
	}
	cl, err := buildClaim(d, in, currentUser(c).ID)
	if err == nil {
		cl, err = s.store.CreateClaim(c.Request().Context(), cl)
	}
	if err != nil {
		return s.formError(c, d.doc.ID, err)
	}
	if wantsFragment(c) == "document" {
		return s.documentFragment(c, http.StatusCreated, d, nil, cl)
	}
	return c.Redirect(http.StatusSeeOther, views.ClaimInTextURL(d.doc.ID, cl.ID))
}

// updateClaimPage takes the edit form of the claim page, and shows that page again: with a
// message after a change, or with the refusal and the claim as it now stands. The document
// page's span change (app.js) posts here too, asking for the fragment to apply in place.
func (s *Server) updateClaimPage(c echo.Context) error {
	cl, d, err := s.claimFromPath(c)
	if err != nil {
		return err
	}
	version, ch, err := claimChangeForm(c)
	var updated *citecheck.Claim
	if err == nil {
		updated, err = s.changeClaim(c, d, cl.ID, version, ch)
	}
	if err != nil {
		if citecheck.ErrorCode(err) == citecheck.ECodeConflict {
			err = citecheck.Errorf(citecheck.ECodeConflict, "claim %d was changed by someone else meanwhile; its current state is shown, please apply your change again", cl.ID)
		}
		if wantsFragment(c) != "" {
			return s.fragmentError(c, err)
		}
		return s.claimFormError(c, err)
	}
	if wantsFragment(c) == "document" {
		return s.documentFragment(c, http.StatusOK, d, cl, updated)
	}
	return redirectWithFlash(c, claimURL(cl.ID), fmt.Sprintf("Claim #%d saved.", cl.ID), false)
}

// claimChangeForm reads a claim's edit form: the version it was read at and the change. A field
// the form does not send, or an empty start or end, stays as it is; the offsets are code points,
// checked with the rest by citecheck.ApplyChange.
func claimChangeForm(c echo.Context) (int, citecheck.ClaimChange, error) {
	var ch citecheck.ClaimChange
	form, err := c.FormParams()
	if err != nil {
		return 0, ch, citecheck.Errorf(citecheck.ECodeInvalid, "the form could not be read: %v", err)
	}
	version, err := strconv.Atoi(form.Get("version"))
	if err != nil {
		return 0, ch, citecheck.FieldErrorf(citecheck.ECodeInvalid, "version", "version is missing")
	}
	for _, f := range []struct {
		name string
		to   **int
	}{{"start", &ch.Start}, {"end", &ch.End}} {
		v := strings.TrimSpace(form.Get(f.name))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, ch, citecheck.FieldErrorf(citecheck.ECodeOffsetOutOfRange, f.name, "%s must be a whole number of code points", f.name)
		}
		*f.to = &n
	}
	if form.Has("refs") {
		refs, err := parseRefsField(form.Get("refs"))
		if err != nil {
			return 0, ch, err
		}
		ch.Refs = &refs
	}
	if form.Has("status") {
		st := citecheck.Status(form.Get("status"))
		ch.Status = &st
	}
	if form.Has("note") {
		note := form.Get("note")
		ch.Note = &note
	}
	return version, ch, nil
}

// deleteClaimPage moves a claim to the trash once the form is confirmed (else it shows the
// confirmation step), and goes to its document with an Undo button.
func (s *Server) deleteClaimPage(c echo.Context) error {
	cl, d, err := s.claimFromPath(c)
	if err != nil {
		return err
	}
	if err := citecheck.CheckClaimDeletion(*currentUser(c), cl); err != nil {
		return err
	}
	if !confirmed(c) {
		return s.confirmDelete(c, views.ConfirmView{Kind: "claim", Name: fmt.Sprintf("Claim #%d: “%s”", cl.ID, cl.Quote),
			Action: claimURL(cl.ID) + "/delete", Cancel: claimURL(cl.ID)})
	}
	if err := s.removeClaim(c); err != nil {
		return s.formError(c, cl.DocumentID, err)
	}
	if wantsFragment(c) == "document" {
		return s.documentFragment(c, http.StatusOK, d, cl, nil)
	}
	return redirectWithUndo(c, docURL(cl.DocumentID), fmt.Sprintf("Claim #%d moved to the trash.", cl.ID),
		claimURL(cl.ID)+"/restore")
}

// deleteDocumentPage moves a document to the trash once the form is confirmed (else it shows
// the confirmation step), and goes to the documents with an Undo button.
func (s *Server) deleteDocumentPage(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	if err := citecheck.CheckDocumentDeletion(*currentUser(c), d.doc); err != nil {
		return err
	}
	if !confirmed(c) {
		return s.confirmDelete(c, views.ConfirmView{Kind: "document", Name: fmt.Sprintf("“%s” and its claims", d.doc.Title),
			Action: docURL(d.doc.ID) + "/delete", Cancel: docURL(d.doc.ID)})
	}
	if err := s.removeDocument(c); err != nil {
		return err
	}
	return redirectWithUndo(c, "/", fmt.Sprintf("Document “%s” moved to the trash.", d.doc.Title),
		docURL(d.doc.ID)+"/restore")
}
