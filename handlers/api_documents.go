package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
)

type createDocumentRequest struct {
	Title string  `json:"title"`
	Text  *string `json:"text"`
}

func (s *Server) createDocument(c echo.Context) error {
	var req createDocumentRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Text == nil {
		return citecheck.FieldErrorf(citecheck.ECodeEmptyText, "text", "text is required")
	}
	doc, err := s.newDocument(c, req.Title, *req.Text)
	if err != nil {
		return err
	}
	// The new document as GET answers it, with its state on the desk.
	d, err := s.loadDocument(c.Request().Context(), doc.ID)
	if err != nil {
		return err
	}
	return s.answerDocument(c, http.StatusCreated, d)
}

// newDocument normalises and checks a text, parses its citation markers once, and stores it.
func (s *Server) newDocument(c echo.Context, title, raw string) (*citecheck.Document, error) {
	text, err := citecheck.NormalizeText(raw, s.cfg.MaxTextBytes)
	if err != nil {
		return nil, err
	}
	title, err = titleFor(title, text)
	if err != nil {
		return nil, err
	}
	t := citecheck.NewText(text)
	src := citecheck.NewSources(text)
	doc := &citecheck.Document{
		Title:       title,
		Text:        text,
		TextSHA256:  citecheck.TextSHA256(text),
		Length:      t.Len(),
		Citations:   src.Citations,
		References:  src.List,
		CreatedByID: currentUser(c).ID,
	}
	doc, err = s.store.CreateDocument(c.Request().Context(), doc)
	if err != nil {
		return nil, err
	}
	// A new row is at revision 1 and has never been updated: that is its stamp.
	stamp := store.DocumentStamp{Revision: doc.Revision, TextSHA256: doc.TextSHA256}
	s.docs.put(newLoadedDocument(doc, t, stamp), stamp)
	return doc, nil
}

func (s *Server) documentFromPath(c echo.Context) (*loadedDocument, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	return s.loadDocument(c.Request().Context(), id)
}

func (s *Server) deleteDocument(c echo.Context) error {
	if err := s.removeDocument(c); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// removeDocument deletes the document of the path: editors, admins and its creator may.
func (s *Server) removeDocument(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	if err := citecheck.CheckDocumentDeletion(*u, d.doc); err != nil {
		return err
	}
	if err := s.store.DeleteDocument(c.Request().Context(), d.doc.ID, u.ID); err != nil {
		return err
	}
	s.docs.forget(d.doc.ID)
	s.states.forget(d.doc.ID)
	return nil
}
