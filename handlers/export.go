package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
)

// exportDocument answers the native export (default) or the W3C Web Annotation collection,
// as a download.
func (s *Server) exportDocument(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	format := c.QueryParam("format")
	if format != "" && format != "native" && format != "w3c" {
		return citecheck.FieldErrorf(citecheck.ECodeInvalid, "format", "format must be native or w3c, not %q", format)
	}
	claims, err := s.store.Claims(c.Request().Context(), d.doc.ID, citecheck.ClaimFilter{})
	if err != nil {
		return err
	}
	ex := citecheck.BuildExport(d.doc, claims, s.store.Now())
	var body any = ex
	name := fmt.Sprintf("citecheck-document-%d.json", d.doc.ID)
	if format == "w3c" {
		body = citecheck.BuildW3C(ex)
		name = fmt.Sprintf("citecheck-document-%d.w3c.jsonld", d.doc.ID)
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", name))
	return c.JSONPretty(http.StatusOK, body, "  ")
}
