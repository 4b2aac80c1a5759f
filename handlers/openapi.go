package handlers

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// openAPISpec describes /api/v1 as OpenAPI 3; TestOpenAPIDescribesEveryRoute keeps it true.
//
//go:embed openapi.json
var openAPISpec []byte

func (s *Server) openAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, openAPISpec)
}
