package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/citecheck/citecheck"
)

// apiDescription is handlers/openapi.json loaded and validated by kin-openapi, with a router
// that finds the described operation of a request.
type apiDescription struct {
	doc    *openapi3.T
	router routers.Router
}

// loadAPIDescription loads the embedded description once for the whole test binary: every
// harness checks its server's answers against it.
var loadAPIDescription = sync.OnceValues(func() (*apiDescription, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(openAPISpec)
	if err != nil {
		return nil, fmt.Errorf("load openapi.json: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate openapi.json: %w", err)
	}
	// gorillamux rather than legacy: it tells an unknown path from a known path with an
	// undescribed method, and matches the relative server "/" on any test host.
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route openapi.json: %w", err)
	}
	return &apiDescription{doc: doc, router: router}, nil
})

// mustLoadAPIDescription is loadAPIDescription for a test, which it fails on a bad description.
func mustLoadAPIDescription(t testing.TB) *apiDescription {
	t.Helper()
	d, err := loadAPIDescription()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// isJSONMedia reports whether a Content-Type is JSON (application/json or any +json type), the
// only answers whose body is checked against a schema.
func isJSONMedia(contentType string) bool {
	media, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return media == "application/json" || strings.HasSuffix(media, "+json")
}

// checkResponse checks one answer of the server against the description: its status must be
// described for the request's operation, its Content-Type among that status's media types,
// described headers valid, and a JSON body valid against the schema. body is nil for an answer
// whose body is not checked (not JSON, or still streaming). A request that matches no described
// path or method must be answered with the Error schema.
func (d *apiDescription) checkResponse(req *http.Request, status int, header http.Header, body []byte) error {
	route, params, err := d.router.FindRoute(req)
	if errors.Is(err, routers.ErrPathNotFound) || errors.Is(err, routers.ErrMethodNotAllowed) {
		return d.checkUndescribed(req, status, header, body)
	}
	if err != nil {
		return fmt.Errorf("%s %s: find operation: %w", req.Method, req.URL.Path, err)
	}
	op := route.Method + " " + route.Path + " (" + route.Operation.OperationID + ")"
	if status == http.StatusNotModified {
		// kin-openapi never checks a 304, which has no body; its status must still be described.
		if route.Operation.Responses.Status(status) == nil {
			return fmt.Errorf("%s answered %d: status not described", op, status)
		}
		return nil
	}
	checkBody := body != nil && isJSONMedia(header.Get("Content-Type"))
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			ExcludeResponseBody:   !checkBody,
			MultiError:            true,
		},
	}
	if err := openapi3filter.ValidateResponse(req.Context(), input); err != nil {
		return fmt.Errorf("%s answered %d: %w", op, status, err)
	}
	if !checkBody {
		return checkMediaType(op, route.Operation.Responses.Status(status).Value, status, header)
	}
	return nil
}

// checkMediaType is kin-openapi's Content-Type check for an answer whose body it was told to
// skip: a described body must come with one of its media types, and an answer described
// without a body must not carry one.
func checkMediaType(op string, res *openapi3.Response, status int, header http.Header) error {
	ct := header.Get("Content-Type")
	if len(res.Content) == 0 {
		if ct != "" && status != http.StatusNoContent {
			return fmt.Errorf("%s answered %d with %q: described without a body", op, status, ct)
		}
		return nil
	}
	if res.Content.Get(ct) == nil {
		return fmt.Errorf("%s answered %d with Content-Type %q: described as %v", op, status, ct, mediaTypes(res.Content))
	}
	return nil
}

func mediaTypes(c openapi3.Content) []string {
	var types []string
	for t := range c {
		types = append(types, t)
	}
	return types
}

// checkUndescribed checks the answer to a request for a path or method that the description
// does not have (and so the router does not route): a JSON Error with 404 or 405.
func (d *apiDescription) checkUndescribed(req *http.Request, status int, header http.Header, body []byte) error {
	what := req.Method + " " + req.URL.Path + " (not described)"
	if status != http.StatusNotFound && status != http.StatusMethodNotAllowed && status != http.StatusUnauthorized {
		return fmt.Errorf("%s answered %d: want 401, 404 or 405", what, status)
	}
	if !isJSONMedia(header.Get("Content-Type")) || body == nil {
		return fmt.Errorf("%s answered %d with %q: want a JSON Error", what, status, header.Get("Content-Type"))
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("%s answered %d: %w", what, status, err)
	}
	schema := d.doc.Components.Schemas["Error"].Value
	if err := schema.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsResponse()); err != nil {
		return fmt.Errorf("%s answered %d: response body doesn't match schema Error: %w", what, status, err)
	}
	return nil
}

// validatingHandler wraps the server under test so that every answer to an /api/v1 request or
// /healthz is checked against the description, whichever client made it (the harness, a
// hand-made http.Client, or Chromium in the browser tests). A mismatch fails the test. A JSON
// answer is held back until it is checked; any other answer (an attachment, CSV, an event
// stream) is checked for status and Content-Type as its header goes out, and streams on.
// Benchmarks are not checked, so that they measure the server alone, and nor is anything while
// skip is set (see harness.skipAPIChecks).
func validatingHandler(t testing.TB, next http.Handler, skip *atomic.Bool) http.Handler {
	if _, ok := t.(*testing.B); ok {
		return next
	}
	return checkingHandler(mustLoadAPIDescription(t), next, skip, reporter(t))
}

// checkingHandler is validatingHandler with the report of a mismatch in report's hands.
func checkingHandler(d *apiDescription, next http.Handler, skip *atomic.Bool, report func(string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if skip.Load() || !strings.HasPrefix(r.URL.Path, "/api/v1/") && r.URL.Path != "/healthz" {
			next.ServeHTTP(w, r)
			return
		}
		// The router runs on a copy: the handler may consume or replace the request.
		req := r.Clone(context.WithoutCancel(r.Context()))
		vw := &validatingWriter{ResponseWriter: w, check: func(status int, header http.Header, body []byte) {
			if err := d.checkResponse(req, status, header, body); err != nil {
				report(err.Error())
			}
		}}
		next.ServeHTTP(vw, r)
		vw.finish()
	})
}

// reporter fails t with a message from any goroutine. A fuzz target must not call its F, so a
// fuzz test collects the messages and fails once its inputs are done.
func reporter(t testing.TB) func(string) {
	f, ok := t.(*testing.F)
	if !ok {
		return func(msg string) { t.Errorf("answer does not match openapi.json: %s", msg) }
	}
	var mu sync.Mutex
	var msgs []string
	f.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range msgs {
			f.Errorf("answer does not match openapi.json: %s", m)
		}
	})
	return func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		msgs = append(msgs, msg)
	}
}

// validatingWriter holds back a JSON answer until finish checks it, and checks any other
// answer as its header is written.
type validatingWriter struct {
	http.ResponseWriter
	check  func(status int, header http.Header, body []byte)
	status int
	hold   bool // a JSON answer, buffered in body
	body   bytes.Buffer
}

func (w *validatingWriter) WriteHeader(status int) {
	if w.status != 0 {
		return
	}
	w.status = status
	if isJSONMedia(w.Header().Get("Content-Type")) {
		w.hold = true
		return
	}
	w.check(status, w.Header(), nil)
	w.ResponseWriter.WriteHeader(status)
}

func (w *validatingWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.hold {
		return w.body.Write(p)
	}
	return w.ResponseWriter.Write(p)
}

// Flush passes a streaming answer on; a held JSON answer waits for finish.
func (w *validatingWriter) Flush() {
	if w.hold {
		return
	}
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the server's writer.
func (w *validatingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish checks and sends a held JSON answer, or checks an answer that wrote nothing at all.
func (w *validatingWriter) finish() {
	switch {
	case w.status == 0:
		w.check(http.StatusOK, w.Header(), nil)
	case w.hold:
		w.check(w.status, w.Header(), w.body.Bytes())
		w.ResponseWriter.WriteHeader(w.status)
		_, _ = w.ResponseWriter.Write(w.body.Bytes())
	}
}

// skipAPIChecks stops checking the answers of h's server against openapi.json from now on: for
// a test that measures the server under load, where the checks' own cost would be measured too.
// Everything the test did before is checked.
func (h *harness) skipAPIChecks() { h.apiChecksOff.Store(true) }

// validClaimJSON is a claim as the server sends it, as a map to break in the tests below.
func validClaimJSON(t *testing.T) map[string]any {
	t.Helper()
	b, err := json.Marshal(citecheck.Claim{ID: 7, DocumentID: 1, Start: 0, End: 5, Quote: "Talks", Refs: []int{30},
		Status: citecheck.StatusSupported, Review: citecheck.ReviewPending, Version: 1, Checks: []citecheck.Check{}, Evidence: []citecheck.Evidence{},
		Revision: 1, Anchor: "exact", AnchorScore: 1})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func encodeJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAPICheckRefusesAnswersTheDescriptionDoesNotAllow feeds the checker the harness uses
// answers that the server must never give, and one that it gives: each wrong one is refused
// with its operation, status and what is wrong.
func TestAPICheckRefusesAnswersTheDescriptionDoesNotAllow(t *testing.T) {
	d := mustLoadAPIDescription(t)
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	without := func(field string) []byte {
		m := validClaimJSON(t)
		delete(m, field)
		return encodeJSON(t, m)
	}
	with := func(field string, v any) []byte {
		m := validClaimJSON(t)
		m[field] = v
		return encodeJSON(t, m)
	}
	cases := []struct {
		name   string
		method string
		path   string
		status int
		header http.Header
		body   []byte
		want   []string // in the error; none means the answer is accepted
	}{
		{"a claim as sent", "GET", "/api/v1/claims/7", 200, jsonHeader, encodeJSON(t, validClaimJSON(t)), nil},
		{"a claim without id", "GET", "/api/v1/claims/7", 200, jsonHeader, without("id"), []string{"getClaim", "200", `property "id" is missing`}},
		{"a claim without its checks", "POST", "/api/v1/documents/1/claims", 201, jsonHeader, without("checks"), []string{"createClaim", `property "checks" is missing`}},
		{"a claim whose start is text", "GET", "/api/v1/claims/7", 200, jsonHeader, with("start", "0"), []string{"/start", "integer"}},
		{"a claim with an unknown status", "GET", "/api/v1/claims/7", 200, jsonHeader, with("status", "true-ish"), []string{"/status"}},
		{"null refs", "GET", "/api/v1/claims/7", 200, jsonHeader, with("refs", nil), []string{"/refs"}},
		{"a stale version without the claim", "PATCH", "/api/v1/claims/7", 409, jsonHeader,
			[]byte(`{"error":{"code":"conflict","message":"stale"}}`), []string{"updateClaim", "409", `property "claim" is missing`}},
		{"an error without its message", "GET", "/api/v1/claims/7", 404, jsonHeader,
			[]byte(`{"error":{"code":"not-found"}}`), []string{"404", `property "message" is missing`}},
		{"an error as sent", "GET", "/api/v1/claims/7", 404, jsonHeader,
			[]byte(`{"error":{"code":"not-found","message":"claim 7 not found"}}`), nil},
		{"a status not described", "GET", "/api/v1/claims/7", http.StatusTeapot, jsonHeader,
			[]byte(`{"error":{"code":"x","message":"y"}}`), []string{"418", "status is not supported"}},
		{"JSON where HTML came", "GET", "/api/v1/claims/7", 200, http.Header{"Content-Type": {"text/html"}}, nil,
			[]string{"getClaim", "text/html"}},
		{"a W3C export without its page", "GET", "/api/v1/documents/1/export?format=w3c", 200,
			http.Header{"Content-Type": {"application/ld+json; charset=utf-8"}},
			[]byte(`{"@context":[],"id":"x","type":"AnnotationCollection","label":"l","total":0}`), []string{"exportDocument", `doesn't match any schema from "anyOf"`}},
		{"an export as CSV", "GET", "/api/v1/documents/1/export?format=csv", 200,
			http.Header{"Content-Type": {"text/csv; charset=utf-8"}}, nil, nil},
		{"a 204 with a body type", "DELETE", "/api/v1/claims/7", 204, http.Header{}, nil, nil},
		{"an undescribed path answered 200", "GET", "/api/v1/nowhere", 200, jsonHeader, []byte(`{}`), []string{"not described", "200"}},
		{"an undescribed path answered 404", "GET", "/api/v1/nowhere", 404, jsonHeader,
			[]byte(`{"error":{"code":"not-found","message":"Not Found"}}`), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			err := d.checkResponse(req, tc.status, tc.header, tc.body)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("refused an answer the server gives: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestAPICheckHoldsBackAndReportsAWrongAnswer runs a handler that answers a claim without its
// id through the hook every harness puts in front of its server: the mismatch is reported, and
// the answer still reaches the client whole.
func TestAPICheckHoldsBackAndReportsAWrongAnswer(t *testing.T) {
	d := mustLoadAPIDescription(t)
	m := validClaimJSON(t)
	delete(m, "id")
	body := encodeJSON(t, m)
	wrong := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:10])
		_, _ = w.Write(body[10:])
	})
	var reports []string
	var skip atomic.Bool
	h := checkingHandler(d, wrong, &skip, func(msg string) { reports = append(reports, msg) })

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/claims/7", nil))
	if len(reports) != 1 || !strings.Contains(reports[0], "getClaim") || !strings.Contains(reports[0], `property "id" is missing`) {
		t.Fatalf("reports: %q", reports)
	}
	if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), body) {
		t.Fatalf("the client got %d %s", rec.Code, rec.Body.Bytes())
	}

	skip.Store(true)
	reports = nil
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/v1/claims/7", nil))
	if len(reports) != 0 {
		t.Fatalf("checked while skipped: %q", reports)
	}
}
