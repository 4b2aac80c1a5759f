package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/desk"
	"github.com/citecheck/citecheck/views"
)

// The trash: DELETE (and the page's confirmed delete forms) move a document or a claim there;
// these handlers list it and bring things back, by citecheck.CheckRestore through desk.

func (s *Server) listTrash(c echo.Context) error {
	t, err := s.store.Trash(c.Request().Context(), s.cfg.TrashKeep)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

func (s *Server) restoreClaim(c echo.Context) error {
	cl, err := s.untrashClaim(c)
	if err != nil {
		return err
	}
	d, err := s.loadDocument(c.Request().Context(), cl.DocumentID)
	if err != nil {
		return err
	}
	withChecks(d, cl)
	return c.JSON(http.StatusOK, cl)
}

func (s *Server) restoreDocument(c echo.Context) error {
	id, err := s.untrashDocument(c)
	if err != nil {
		return err
	}
	d, err := s.loadDocument(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d.doc)
}

// untrashClaim restores the claim of the path for the signed-in user.
func (s *Server) untrashClaim(c echo.Context) (*citecheck.Claim, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	return desk.RestoreClaim(c.Request().Context(), s.store, currentUser(c), id)
}

// untrashDocument restores the document of the path for the signed-in user.
func (s *Server) untrashDocument(c echo.Context) (int64, error) {
	id, err := pathID(c)
	if err != nil {
		return 0, err
	}
	return id, desk.RestoreDocument(c.Request().Context(), s.store, currentUser(c), id)
}

// trashPage lists the trash, with a Restore button on what the viewer may restore.
func (s *Server) trashPage(c echo.Context) error {
	t, err := s.store.Trash(c.Request().Context(), s.cfg.TrashKeep)
	if err != nil {
		return err
	}
	u := currentUser(c)
	v := views.TrashView{Keep: s.cfg.TrashKeep}
	for _, list := range []struct {
		in  []citecheck.Trashed
		out *[]views.TrashItem
	}{{t.Documents, &v.Documents}, {t.Claims, &v.Claims}} {
		for _, it := range list.in {
			*list.out = append(*list.out, views.TrashItem{Trashed: it, CanRestore: citecheck.CheckRestore(*u, it) == nil})
		}
	}
	return s.render(c, http.StatusOK, views.TrashPage(s.page(c, "Trash"), v))
}

// restoreClaimPage takes the Undo and Restore buttons of a claim and goes to the claim, or back
// with what refused it.
func (s *Server) restoreClaimPage(c echo.Context) error {
	back := localBack(c.FormValue("back"), "/trash")
	cl, err := s.untrashClaim(c)
	if err != nil {
		return s.trashRefused(c, back, err)
	}
	msg := fmt.Sprintf("Claim #%d restored.", cl.ID)
	if cl.Anchor == string(citecheck.AnchorOrphaned) {
		msg = fmt.Sprintf("Claim #%d restored as an orphan: its passage is gone from the revised text.", cl.ID)
	}
	return redirectWithFlash(c, claimURL(cl.ID), msg, false)
}

// restoreDocumentPage takes the Undo and Restore buttons of a document and goes to it.
func (s *Server) restoreDocumentPage(c echo.Context) error {
	back := localBack(c.FormValue("back"), "/trash")
	id, err := s.untrashDocument(c)
	if err != nil {
		return s.trashRefused(c, back, err)
	}
	return redirectWithFlash(c, docURL(id), fmt.Sprintf("Document #%d restored with its claims.", id), false)
}

// trashRefused goes back with the message of a refused restore (a conflict, such as a claim
// whose document is in the trash); a refusal by role, an unknown item and an internal error are
// answered as such.
func (s *Server) trashRefused(c echo.Context, back string, err error) error {
	switch citecheck.ErrorCode(err) {
	case citecheck.ECodeForbidden, citecheck.ECodeNotFound, "internal":
		return err
	}
	_, detail := s.toDetail(c, err)
	return redirectWithFlash(c, back, "Not restored: "+detail.Message, true)
}

// confirmed says whether a page's delete form carries its confirmation; without it the
// handler shows the confirmation step instead of deleting, so no single click deletes.
func confirmed(c echo.Context) bool { return c.FormValue("confirm") == "yes" }

// confirmDelete shows the confirmation step of a delete form.
func (s *Server) confirmDelete(c echo.Context, v views.ConfirmView) error {
	v.Keep = s.cfg.TrashKeep
	return s.render(c, http.StatusOK, views.ConfirmDeletePage(s.page(c, "Delete?"), v))
}
