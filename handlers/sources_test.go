package handlers

import (
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/formats"
)

const withList = "Talks began in Vienna. [1] Two sides met. [2]\n\nReferences\n[1] Reuters, https://example.org/vienna\n[3] AP, never cited"

func TestDocumentWithAReferenceListChecksAgainstIt(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "list", withList)
	if len(doc.Citations) != 2 || doc.References == nil || len(doc.References.Entries) != 2 {
		t.Fatalf("body markers %v, list %+v", doc.Citations, doc.References)
	}
	var cl citecheck.Claim
	h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
		map[string]any{"start": 27, "end": 41, "refs": []int{2}, "status": "unsupported"}).json(t, &cl)
	if len(cl.Checks) != 1 || cl.Checks[0].Code != "unknown-ref" {
		t.Fatalf("ref 2 has no entry: checks %+v", cl.Checks)
	}
	var check citecheck.SourcesCheck
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/check", doc.ID), "rita", nil).json(t, &check)
	codes := map[string]string{}
	for _, p := range check.Problems {
		codes[p.Code] = fmt.Sprint(p.Refs)
	}
	if check.Markers != 2 || codes["ref-not-in-list"] != "[2]" || codes["entry-never-cited"] != "[3]" || len(check.References) != 2 {
		t.Fatalf("document check: %+v", check)
	}

	// Add the missing entry by hand: the claim's check clears.
	path := fmt.Sprintf("/api/v1/documents/%d/references", doc.ID)
	r := h.do("POST", path, "rita", map[string]any{"number": 2, "text": "AFP, https://example.org/met"})
	if r.status != http.StatusCreated {
		t.Fatalf("add entry: %d %s", r.status, r.body)
	}
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "rita", nil).json(t, &cl)
	if len(cl.Checks) != 0 {
		t.Fatalf("checks after adding the entry: %+v", cl.Checks)
	}
	for _, tc := range []struct {
		method, path string
		body         any
		status       int
	}{
		{"POST", path, map[string]any{"number": 2, "text": "again"}, 409},
		{"POST", path, map[string]any{"number": 0, "text": "zero"}, 422},
		{"POST", path, map[string]any{"number": 9, "text": "  "}, 422},
		{"POST", path, map[string]any{"number": 9, "text": "x", "url": "javascript:alert(1)"}, 422},
		{"PUT", path + "/42", map[string]any{"text": "x"}, 404},
		{"DELETE", path + "/42", nil, 404},
		{"PUT", path + "/abc", map[string]any{"text": "x"}, 404},
	} {
		if r := h.do(tc.method, tc.path, "rita", tc.body); r.status != tc.status {
			t.Errorf("%s %s %v: %d %s, want %d", tc.method, tc.path, tc.body, r.status, r.body, tc.status)
		}
	}
	if r := h.do("PUT", path+"/3", "rita", map[string]any{"text": "AP, 3 Nov", "url": "https://example.org/ap"}); r.status != 200 {
		t.Fatalf("edit entry: %d %s", r.status, r.body)
	}
	if r := h.do("DELETE", path+"/1", "rita", nil); r.status != 204 {
		t.Fatalf("remove entry: %d", r.status)
	}
	var got citecheck.Document
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d", doc.ID), "rita", nil).json(t, &got)
	if len(got.References.Entries) != 2 || got.References.Entries[0].Number != 2 || got.References.Entries[1].URL != "https://example.org/ap" {
		t.Fatalf("list after edits: %+v", got.References)
	}
	var ex formats.Export
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export", doc.ID), "rita", nil).json(t, &ex)
	if ex.References == nil || len(ex.References.Entries) != 2 || ex.Summary.Problems == nil {
		t.Fatalf("export lacks the list or problems: %+v %+v", ex.References, ex.Summary)
	}
}

func TestSentenceSuggestionsOnTheSample(t *testing.T) {
	h := newHarness(t, Config{})
	sample, err := os.ReadFile("../testdata/user-sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	doc := h.createDocument("rita", "sample", string(sample))
	if len(doc.Citations) != 10 || doc.References != nil {
		t.Fatalf("sample: %d markers, list %+v", len(doc.Citations), doc.References)
	}
	path := fmt.Sprintf("/api/v1/documents/%d/sentences", doc.ID)
	var sugs struct{ Suggestions []citecheck.CitedSentence }
	h.do("GET", path, "rita", nil).json(t, &sugs)
	if len(sugs.Suggestions) != 8 || fmt.Sprint(sugs.Suggestions[0].Refs) != "[30 31]" {
		t.Fatalf("suggestions: %+v", sugs.Suggestions)
	}
	first, second := sugs.Suggestions[0], sugs.Suggestions[1]
	// Accepting one is creating a claim; dismissing one hides it; neither comes back.
	r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
		map[string]any{"start": first.Start, "end": first.End, "quote": first.Quote, "refs": first.Refs})
	if r.status != 201 {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	var cl citecheck.Claim
	r.json(t, &cl)
	if len(cl.Checks) != 0 {
		t.Fatalf("a claim made from a suggestion has checks: %+v", cl.Checks)
	}
	if r := h.do("POST", path+"/dismiss", "rita", map[string]any{"spans": []citecheck.Span{{Start: second.Start, End: second.End}}}); r.status != 204 {
		t.Fatalf("dismiss: %d %s", r.status, r.body)
	}
	if r := h.do("POST", path+"/dismiss", "rita", map[string]any{"spans": []citecheck.Span{{Start: 5, End: 99999}}}); r.status != 422 {
		t.Fatalf("dismiss out of range: %d", r.status)
	}
	h.do("GET", path, "rita", nil).json(t, &sugs)
	if len(sugs.Suggestions) != 6 || sugs.Suggestions[0].Start == first.Start || sugs.Suggestions[0].Start == second.Start {
		t.Fatalf("after accept and dismiss: %+v", sugs.Suggestions)
	}
	// A selection in a sentence without a marker says so.
	var sug struct {
		Refs          []int
		SentenceCited bool `json:"sentence_cited"`
	}
	start, end := claimAt(doc.Text, "Before the war")
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/suggest?start=%d&end=%d", doc.ID, start, end), "rita", nil).json(t, &sug)
	if len(sug.Refs) != 0 || sug.SentenceCited {
		t.Fatalf("uncited sentence: %+v", sug)
	}
	start, end = claimAt(doc.Text, "Ministers agreed")
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/suggest?start=%d&end=%d", doc.ID, start, end), "rita", nil).json(t, &sug)
	if !sug.SentenceCited {
		t.Fatalf("cited sentence: %+v", sug)
	}
}
