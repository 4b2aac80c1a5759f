package handlers

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
)

// decodeJSON reads a whole JSON body into v with the domain's one strict decoder: it refuses
// invalid UTF-8, duplicate member names, escaped lone surrogates, unknown fields, trailing data
// and wrong types, each with a clear message, before anything is changed.
func decodeJSON(c echo.Context, v any) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return citecheck.Errorf(citecheck.ECodeTooLarge, "request body is too large")
		}
		return citecheck.Errorf(citecheck.ECodeMalformed, "cannot read request body: %v", err)
	}
	if !utf8.Valid(body) {
		return citecheck.Errorf(citecheck.ECodeInvalidUTF8, "request body is not valid UTF-8")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return citecheck.Errorf(citecheck.ECodeMalformed, "request body is empty; send a JSON object")
	}
	return citecheck.DecodeJSON(body, v)
}

// pathID parses the :id path parameter.
func pathID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, citecheck.Errorf(citecheck.ECodeNotFound, "%q is not a valid id", c.Param("id"))
	}
	return id, nil
}

// queryInt parses an integer query parameter that must be present.
func queryInt(c echo.Context, name string) (int, error) {
	v := c.QueryParam(name)
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, citecheck.FieldErrorf(citecheck.ECodeInvalid, name, "query parameter %s must be an integer, not %q", name, v)
	}
	return n, nil
}

// refuseControls refuses a control character other than TAB, LF and CR in free text, by the
// domain's rule (citecheck.CheckFreeText).
func refuseControls(field, s string) error {
	return citecheck.CheckFreeText(field, s)
}

// titleFor is the document's title as the domain's rule makes it (citecheck.DocumentTitle).
func titleFor(title, text string) (string, error) { return citecheck.DocumentTitle(title, text) }
