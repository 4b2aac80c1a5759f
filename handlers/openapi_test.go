package handlers

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestOpenAPIDescribesEveryRoute checks /api/v1/openapi.json against the router: every API
// route is described with its method, and nothing described is missing from the router.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	h := newHarness(t, Config{})
	r := h.do("GET", "/api/v1/openapi.json", "rita", nil)
	if r.status != 200 {
		t.Fatalf("openapi.json: %d", r.status)
	}
	var spec struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	r.json(t, &spec)
	if !strings.HasPrefix(spec.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", spec.OpenAPI)
	}
	described := map[string]bool{}
	for path, ops := range spec.Paths {
		for method := range ops {
			if method != "parameters" {
				described[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	registered := map[string]bool{}
	for _, rt := range h.routes {
		method, path, _ := strings.Cut(rt, " ")
		if !strings.HasPrefix(path, "/api/") && path != "/healthz" {
			continue
		}
		parts := strings.Split(path, "/")
		for i, p := range parts {
			if strings.HasPrefix(p, ":") {
				parts[i] = "{" + p[1:] + "}"
			}
		}
		registered[method+" "+strings.Join(parts, "/")] = true
	}
	var problems []string
	for k := range registered {
		if !described[k] {
			problems = append(problems, "not described: "+k)
		}
	}
	for k := range described {
		if !registered[k] {
			problems = append(problems, "described but not routed: "+k)
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// TestOpenAPIDescriptionIsValid loads openapi.json with kin-openapi and validates it as
// OpenAPI 3: every $ref resolves, every schema is well formed, and operation ids are unique.
func TestOpenAPIDescriptionIsValid(t *testing.T) {
	if _, err := loadAPIDescription(); err != nil {
		t.Fatal(err)
	}
}

// TestOpenAPIOperationsHaveUniqueIDs keeps every operation named, for clients generated from
// the description, and each name its own.
func TestOpenAPIOperationsHaveUniqueIDs(t *testing.T) {
	d := mustLoadAPIDescription(t)
	seen := map[string]string{}
	for path, item := range d.doc.Paths.Map() {
		for method, op := range item.Operations() {
			where := method + " " + path
			if op.OperationID == "" {
				t.Errorf("%s has no operationId", where)
				continue
			}
			if other, ok := seen[op.OperationID]; ok {
				t.Errorf("%s and %s share operationId %q", where, other, op.OperationID)
			}
			seen[op.OperationID] = where
		}
	}
}

// TestOpenAPIResponseSchemasRequireTheirFields holds every object schema that an answer uses to
// naming what the server always sends in it: without required, any object at all would pass
// the response checks.
func TestOpenAPIResponseSchemasRequireTheirFields(t *testing.T) {
	d := mustLoadAPIDescription(t)
	seen := map[*openapi3.Schema]bool{}
	var visit func(where string, ref *openapi3.SchemaRef)
	visit = func(where string, ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		if ref.Ref != "" {
			where = ref.Ref
		}
		s := ref.Value
		seen[s] = true
		if len(s.Properties) > 0 && len(s.Required) == 0 {
			t.Errorf("%s: an object with properties and nothing required", where)
		}
		for name, p := range s.Properties {
			visit(where+"."+name, p)
		}
		for i, sub := range s.AllOf {
			visit(fmt.Sprintf("%s.allOf[%d]", where, i), sub)
		}
		visit(where+"[]", s.Items)
		if s.AdditionalProperties.Schema != nil {
			visit(where+"{}", s.AdditionalProperties.Schema)
		}
	}
	for path, item := range d.doc.Paths.Map() {
		for method, op := range item.Operations() {
			for status, res := range op.Responses.Map() {
				for media, mt := range res.Value.Content {
					visit(fmt.Sprintf("%s %s %s %s", method, path, status, media), mt.Schema)
				}
			}
		}
	}
}
