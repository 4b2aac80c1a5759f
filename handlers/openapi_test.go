package handlers

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
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
