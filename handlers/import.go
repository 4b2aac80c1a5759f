package handlers

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/desk"
	"github.com/citecheck/citecheck/views"
)

// importAnswer is the answer of a native import.
type importAnswer struct {
	DocumentID int64 `json:"document_id"`
}

// importDocument takes a native export and stores it as a new document with its claims,
// imported by the signed-in user (desk.Import, as the command line does).
func (s *Server) importDocument(c echo.Context) error {
	data, err := readBody(c)
	if err != nil {
		return err
	}
	doc, err := s.importExport(c, data)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, importAnswer{DocumentID: doc.ID})
}

// importExport imports the native export data as the signed-in user; through the server an
// import never restores reviews.
func (s *Server) importExport(c echo.Context, data []byte) (*citecheck.Document, error) {
	return desk.Import(c.Request().Context(), s.store, desk.AsUser(currentUser(c)), data,
		desk.ImportOptions{MaxTextBytes: s.cfg.MaxTextBytes})
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
		return s.renderDocuments(c, status, views.NewDocumentForm{ImportError: "Import refused: " + detail.Message})
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/documents/%d", doc.ID))
}

// importUpload reads the uploaded file of the import form and imports it. The request body is
// bounded already, so the file is read whole; the workflow refuses one past its limit.
func (s *Server) importUpload(c echo.Context) (*citecheck.Document, error) {
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		return nil, citecheck.FieldErrorf(citecheck.ECodeInvalid, "file", "choose a citecheck JSON export to import")
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
	return s.importExport(c, data)
}

// importAnnotations anchors Web Annotations (format=w3c) on the document of the path and stores
// those that anchor as new claims of the signed-in user, in one transaction (desk.ImportAnnotations).
func (s *Server) importAnnotations(c echo.Context) error {
	id, err := pathID(c)
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
	res, err := desk.ImportAnnotations(c.Request().Context(), s.store, desk.AsUser(currentUser(c)), id, data)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if res.Anchored > 0 {
		status = http.StatusCreated
	}
	return c.JSON(status, res)
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
