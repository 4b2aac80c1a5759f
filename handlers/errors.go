package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
)

// errorBody is the JSON shape of every API error.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// statusOf maps a domain error code to its HTTP status: the one place where this is decided.
func statusOf(code string) int {
	switch code {
	case citecheck.ECodeMalformed, citecheck.ECodeInvalidUTF8:
		return http.StatusBadRequest
	case citecheck.ECodeUnauthorized:
		return http.StatusUnauthorized
	case citecheck.ECodeForbidden, citecheck.ECodeOwnClaim, codeCSRF:
		return http.StatusForbidden
	case citecheck.ECodeNotFound:
		return http.StatusNotFound
	case citecheck.ECodeConflict:
		return http.StatusConflict
	case citecheck.ECodeTooLarge, citecheck.ECodeTextTooLarge:
		return http.StatusRequestEntityTooLarge
	case citecheck.ECodeTooManyStreams:
		return http.StatusServiceUnavailable
	case "internal":
		return http.StatusInternalServerError
	default:
		return http.StatusUnprocessableEntity
	}
}

// codeCSRF marks a refused CSRF token.
const codeCSRF = "csrf"

// httpErrorCodes names Echo's own errors (unknown routes, body limits) in the API's vocabulary.
var httpErrorCodes = map[int]string{
	http.StatusBadRequest:            citecheck.ECodeMalformed,
	http.StatusUnauthorized:          citecheck.ECodeUnauthorized,
	http.StatusForbidden:             citecheck.ECodeForbidden,
	http.StatusNotFound:              citecheck.ECodeNotFound,
	http.StatusMethodNotAllowed:      "method-not-allowed",
	http.StatusRequestEntityTooLarge: citecheck.ECodeTooLarge,
}

// httpErrorMessages say what Echo's own errors mean, in place of their bare status text.
var httpErrorMessages = map[int]string{
	http.StatusNotFound:              "no such page or API route (check the path and the method)",
	http.StatusMethodNotAllowed:      "this path does not take that method",
	http.StatusRequestEntityTooLarge: "the request body is too large",
}

// toDetail turns any error into a status and an API error detail. Internal errors are logged
// and reported without their text.
func (s *Server) toDetail(c echo.Context, err error) (int, errorDetail) {
	var de *citecheck.Error
	if errors.As(err, &de) {
		return statusOf(de.Code), errorDetail{Code: de.Code, Message: de.Message, Field: de.Field}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code == http.StatusServiceUnavailable {
		// Echo's context timeout answers this when a request ran past its deadline.
		return he.Code, errorDetail{Code: "timeout", Message: "the request took too long and was cancelled; try again"}
	}
	if errors.As(err, &he) {
		code, ok := httpErrorCodes[he.Code]
		if !ok {
			code = "http-error"
		}
		msg, _ := he.Message.(string)
		if own, ok := httpErrorMessages[he.Code]; ok && (msg == "" || msg == http.StatusText(he.Code)) {
			msg = own
		}
		if msg == "" {
			msg = http.StatusText(he.Code)
		}
		return he.Code, errorDetail{Code: code, Message: strings.ToLower(msg[:1]) + msg[1:]}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(c.Request().Context().Err(), context.DeadlineExceeded) {
		return http.StatusServiceUnavailable, errorDetail{Code: "timeout", Message: "the request took too long and was cancelled; try again"}
	}
	if errors.Is(err, context.Canceled) {
		// The client went away (or the server is shutting down) while the request was at work:
		// a store call on its context gave up, which is no fault of the server. Echo's own
		// ContextTimeout cancels the context only once the handler has returned, so this is the
		// request's client, not the timeout.
		s.log.Info("request cancelled", "path", c.Request().URL.Path, "err", err)
		return http.StatusServiceUnavailable, errorDetail{Code: "cancelled", Message: "the request was cancelled before it finished; try again"}
	}
	s.log.Error("internal error", "path", c.Request().URL.Path, "err", err)
	return http.StatusInternalServerError, errorDetail{Code: "internal", Message: "internal server error"}
}

// handleError is Echo's error handler: JSON under /api and /healthz, an HTML page elsewhere.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, detail := s.toDetail(c, err)
	if isAPI(c) {
		_ = c.JSON(status, errorBody{Error: detail})
		return
	}
	// The request's own context is often over by now: Echo's ContextTimeout cancels it as the
	// handler returns, before logRequests hands the error here, and a request that timed out is
	// past its deadline. The error page still answers that request, so it gets a short context of
	// its own (keeping the request's values); rendered with the spent one, the header's pending
	// count failed with "context canceled" and templ wrote nothing after the status.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request().Context()), errorPageTimeout)
	defer cancel()
	c.SetRequest(c.Request().WithContext(ctx))
	s.renderError(c, status, detail)
}

// errorPageTimeout bounds the work of an error page: the header's pending count and the render.
const errorPageTimeout = 5 * time.Second

func isAPI(c echo.Context) bool {
	return strings.HasPrefix(c.Request().URL.Path, "/api/")
}
