package handlers

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/formats"
	"github.com/citecheck/citecheck/views"
)

// importAnswer is the answer of a native import.
type importAnswer struct {
	DocumentID int64 `json:"document_id"`
}

// w3cImportAnswer says how many annotations became claims, which, and why the others did not.
type w3cImportAnswer struct {
	Anchored   int                  `json:"anchored"`
	Unanchored int                  `json:"unanchored"`
	Claims     []int64              `json:"claims"`
	Failures   []formats.W3CFailure `json:"failures"`
}

// importDocument takes a native export and stores it as a new document with its claims.
func (s *Server) importDocument(c echo.Context) error {
	var ex formats.Export
	if err := decodeJSON(c, &ex); err != nil {
		return err
	}
	doc, err := s.importExport(c, &ex)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, importAnswer{DocumentID: doc.ID})
}

// importExport checks an export and stores it, imported by the signed-in user.
func (s *Server) importExport(c echo.Context, ex *formats.Export) (*citecheck.Document, error) {
	doc, claims, err := formats.PrepareImport(ex, s.cfg.MaxTextBytes)
	if err != nil {
		return nil, err
	}
	return s.store.ImportDocument(c.Request().Context(), doc, claims, currentUser(c).ID)
}

// importPage takes the "Import JSON" form of the documents page: an uploaded native export
// (multipart field "file"). It opens the new document, or shows the documents page again with
// what was wrong.
func (s *Server) importPage(c echo.Context) error {
	doc, err := s.importUpload(c)
	if err != nil {
		if citecheck.ErrorCode(err) == "internal" {
			return err
		}
		status, detail := s.toDetail(c, err)
		return s.renderDocuments(c, status, views.NewDocumentForm{Error: "Import refused: " + detail.Message})
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/documents/%d", doc.ID))
}

// importUpload reads the uploaded file of the import form and imports it.
func (s *Server) importUpload(c echo.Context) (*citecheck.Document, error) {
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		return nil, citecheck.FieldErrorf(citecheck.ECodeInvalid, "file", "choose a citecheck JSON export to import")
	}
	if fh.Size > s.cfg.maxBodyBytes() {
		return nil, citecheck.FieldErrorf(citecheck.ECodeTooLarge, "file",
			"the file is larger than the limit of %d bytes", s.cfg.maxBodyBytes())
	}
	f, err := fh.Open()
	if err != nil {
		return nil, fmt.Errorf("import: open upload: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("import: read upload: %w", err)
	}
	ex, err := formats.DecodeExport(data)
	if err != nil {
		return nil, err
	}
	return s.importExport(c, ex)
}

// importAnnotations anchors Web Annotations (format=w3c) on the document of the path and stores
// those that anchor as new claims of the signed-in user, in one transaction.
func (s *Server) importAnnotations(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	if f := c.QueryParam("format"); f != "" && f != "w3c" {
		return citecheck.FieldErrorf(citecheck.ECodeInvalid, "format", "format must be w3c, not %q", f)
	}
	data, err := readBody(c)
	if err != nil {
		return err
	}
	anns, err := formats.ParseW3C(data)
	if err != nil {
		return err
	}
	claims, failures := formats.AnchorW3C(d.text, anns)
	for i := range claims {
		claims[i].DocumentID = d.doc.ID
	}
	ans := w3cImportAnswer{Claims: []int64{}, Failures: failures, Unanchored: len(failures)}
	status := http.StatusOK
	if len(claims) > 0 {
		stored, err := s.store.CreateClaims(c.Request().Context(), d.doc.ID, claims, currentUser(c).ID)
		if err != nil {
			return err
		}
		for _, cl := range stored {
			ans.Claims = append(ans.Claims, cl.ID)
		}
		ans.Anchored = len(stored)
		status = http.StatusCreated
	}
	return c.JSON(status, ans)
}

// readBody reads a whole request body, reporting the body limit as too-large.
func readBody(c echo.Context) ([]byte, error) {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return nil, citecheck.Errorf(citecheck.ECodeTooLarge, "request body is too large")
		}
		return nil, citecheck.Errorf(citecheck.ECodeMalformed, "cannot read request body: %v", err)
	}
	return body, nil
}
