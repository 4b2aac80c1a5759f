package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestJSONThatWouldNotRoundTripIsRefused sends, through the real router, bodies that
// encoding/json used to accept and store differently from what was sent: a member given twice
// (the last won) and an escaped lone surrogate (stored as U+FFFD). Each is 400 malformed with a
// message saying which, and nothing is stored.
func TestJSONThatWouldNotRoundTripIsRefused(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "t", "Talks began. [1] A committee formed. [2]")
	claims := fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID)
	if r := h.do("POST", claims, "rita", map[string]any{"start": 0, "end": 12, "refs": []int{1}}); r.status != http.StatusCreated {
		t.Fatalf("claim: %d %s", r.status, r.body)
	}
	r := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export", doc.ID), "rita", nil)
	export := string(r.body)
	w3c := string(h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export?format=w3c", doc.ID), "rita", nil).body)
	for _, tc := range []struct {
		name, method, path, body, want string
	}{
		{"duplicate start", "POST", claims, `{"start":0,"start":3,"end":12,"refs":[1]}`, `"start" is given twice`},
		{"duplicate note", "POST", claims, `{"start":0,"end":12,"refs":[1],"note":"a","note":"b"}`, `"note" is given twice`},
		{"lone surrogate in a note", "POST", claims, `{"start":0,"end":12,"refs":[1],"note":"\ud800"}`, "lone surrogate"},
		{"lone surrogate in a title", "POST", "/api/v1/documents", `{"title":"x\udfff","text":"A text."}`, "lone surrogate"},
		{"duplicate text", "POST", "/api/v1/documents", `{"text":"A text.","text":"Another."}`, `"text" is given twice`},
		{"unknown field", "POST", "/api/v1/documents", `{"text":"a","txet":"b"}`, `unknown field "txet"`},
		{"wrong type", "POST", claims, `{"start":"0","end":12}`, `"start" must be an integer`},
		{"trailing data", "POST", "/api/v1/documents", `{"text":"a"} {"text":"b"}`, "data after the object"},
		{"native import with a duplicate", "POST", "/api/v1/import", strings.Replace(export, `"format":`, `"format": "x", "format":`, 1), `"format" is given twice`},
		{"native import with a lone surrogate", "POST", "/api/v1/import", strings.Replace(export, `"title": "t"`, `"title": "\ud800"`, 1), "lone surrogate"},
		{"W3C import with a duplicate", "POST", fmt.Sprintf("/api/v1/documents/%d/import?format=w3c", doc.ID), replaceLast(w3c, `"type":`, `"type": "x", "type":`), "given twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.body == export || tc.body == w3c {
				t.Fatal("the test's replacement did not apply")
			}
			r := h.do(tc.method, tc.path, "rita", tc.body)
			var e errorBody
			r.json(t, &e)
			if r.status != http.StatusBadRequest || e.Error.Code != "malformed" || !strings.Contains(e.Error.Message, tc.want) {
				t.Fatalf("%d %s, want 400 malformed with %q", r.status, r.body, tc.want)
			}
		})
	}
	if docs, claims := dbCounts(t, h); docs != 1 || claims != 1 {
		t.Fatalf("refused bodies stored %d documents and %d claims", docs, claims)
	}
}

func replaceLast(s, old, new string) string {
	i := strings.LastIndex(s, old)
	if i < 0 {
		return s
	}
	return s[:i] + new + s[i+len(old):]
}
