package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

func manyRefs(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// editedExport is the native export of doc with edit applied to its decoded JSON.
func editedExport(t *testing.T, h *harness, docID int64, edit func(ex map[string]any)) []byte {
	t.Helper()
	var ex map[string]any
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export", docID), "rita", nil).json(t, &ex)
	edit(ex)
	b, err := json.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEveryDoorRefusesInputPastItsBound sends, through the real router, each kind of input
// past its bound through each door that takes it: 422 with the bound's code and field, and
// nothing stored or changed.
func TestEveryDoorRefusesInputPastItsBound(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "t", "Talks began. [1] A committee formed. [2]\n\nReferences\n1. First\n2. Second\n")
	claims := fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID)
	r := h.do("POST", claims, "rita", map[string]any{"start": 0, "end": 12, "refs": []int{1}})
	if r.status != http.StatusCreated {
		t.Fatalf("claim: %d %s", r.status, r.body)
	}
	var claim citecheck.Claim
	r.json(t, &claim)
	long := func(n int) string { return strings.Repeat("ü", n) }
	withClaim := func(key string, v any) []byte {
		return editedExport(t, h, doc.ID, func(ex map[string]any) { ex["claims"].([]any)[0].(map[string]any)[key] = v })
	}
	manyEntries := make([]map[string]any, citecheck.MaxReferenceEntries+1)
	for i := range manyEntries {
		manyEntries[i] = map[string]any{"number": i + 1, "text": "Entry"}
	}
	native := "/api/v1/import"
	for _, tc := range []struct {
		name, method, path, user string
		body                     any
		code, field              string
	}{
		{"201 refs", "POST", claims, "rita", map[string]any{"start": 0, "end": 12, "refs": manyRefs(citecheck.MaxRefsPerClaim + 1)}, citecheck.ECodeTooManyRefs, "refs"},
		{"100,000 refs", "POST", claims, "rita", map[string]any{"start": 0, "end": 12, "refs": manyRefs(100_000)}, citecheck.ECodeTooManyRefs, "refs"},
		{"ref number past the bound", "POST", claims, "rita", map[string]any{"start": 0, "end": 12, "refs": []int{citecheck.MaxRefNumber + 1}}, citecheck.ECodeRefOutOfRange, "refs"},
		{"long note", "POST", claims, "rita", map[string]any{"start": 0, "end": 12, "refs": []int{1}, "note": long(citecheck.MaxNoteLen + 1)}, citecheck.ECodeTooLong, "note"},
		{"edit to 201 refs", "PATCH", fmt.Sprintf("/api/v1/claims/%d", claim.ID), "rita", map[string]any{"version": claim.Version, "refs": manyRefs(citecheck.MaxRefsPerClaim + 1)}, citecheck.ECodeTooManyRefs, "refs"},
		{"edit to a long note", "PATCH", fmt.Sprintf("/api/v1/claims/%d", claim.ID), "rita", map[string]any{"version": claim.Version, "note": long(citecheck.MaxNoteLen + 1)}, citecheck.ECodeTooLong, "note"},
		{"long title", "POST", "/api/v1/documents", "rita", map[string]string{"title": long(citecheck.MaxTitleLen + 1), "text": "A text."}, citecheck.ECodeTooLong, "title"},
		{"long review comment", "POST", fmt.Sprintf("/api/v1/claims/%d/review", claim.ID), "ed", map[string]any{"decision": "rejected", "comment": long(citecheck.MaxCommentLen + 1)}, citecheck.ECodeTooLong, "comment"},
		{"long reference entry", "POST", fmt.Sprintf("/api/v1/documents/%d/references", doc.ID), "rita", map[string]any{"number": 3, "text": long(citecheck.MaxReferenceTextLen + 1)}, citecheck.ECodeTooLong, "text"},
		{"long reference URL", "PUT", fmt.Sprintf("/api/v1/documents/%d/references/1", doc.ID), "rita", map[string]any{"text": "First", "url": "https://example.org/" + strings.Repeat("a", citecheck.MaxURLLen)}, citecheck.ECodeTooLong, "url"},
		{"reference number past the bound", "POST", fmt.Sprintf("/api/v1/documents/%d/references", doc.ID), "rita", map[string]any{"number": citecheck.MaxRefNumber + 1, "text": "x"}, citecheck.ECodeRefOutOfRange, "number"},
		{"import: a claim with 201 refs", "POST", native, "rita", withClaim("refs", manyRefs(citecheck.MaxRefsPerClaim+1)), citecheck.ECodeTooManyRefs, "claims[0].refs"},
		{"import: a long note", "POST", native, "rita", withClaim("note", long(citecheck.MaxNoteLen+1)), citecheck.ECodeTooLong, "claims[0].note"},
		{"import: a long review comment", "POST", native, "rita", withClaim("review_comment", long(citecheck.MaxCommentLen+1)), citecheck.ECodeTooLong, "claims[0].review_comment"},
		{"import: a long title", "POST", native, "rita", editedExport(t, h, doc.ID, func(ex map[string]any) {
			ex["document"].(map[string]any)["title"] = long(citecheck.MaxTitleLen + 1)
		}), citecheck.ECodeTooLong, "document.title"},
		{"import: too many references", "POST", native, "rita", editedExport(t, h, doc.ID, func(ex map[string]any) {
			ex["references"].(map[string]any)["entries"] = manyEntries
		}), citecheck.ECodeTooManyReferences, "references"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do(tc.method, tc.path, tc.user, tc.body)
			var e errorBody
			r.json(t, &e)
			if r.status != http.StatusUnprocessableEntity || (tc.code != "" && e.Error.Code != tc.code) || e.Error.Field != tc.field {
				t.Fatalf("%d %+v, want 422 %s about %s", r.status, e.Error, tc.code, tc.field)
			}
		})
	}
	if docs, n := dbCounts(t, h); docs != 1 || n != 1 {
		t.Fatalf("refused requests stored: %d documents, %d claims", docs, n)
	}
	var now citecheck.Claim
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d", claim.ID), "rita", nil).json(t, &now)
	if now.Version != claim.Version {
		t.Fatalf("refused edits changed the claim: version %d", now.Version)
	}
}

// TestImportIntoAFullDocumentIsRefusedWhole imports W3C annotations into a document at its bound
// of claims (stood for by its count): 422 too-many-claims, and not one of them is stored.
func TestImportIntoAFullDocumentIsRefusedWhole(t *testing.T) {
	h := newHarness(t, Config{})
	text := "Talks began. [1] A committee formed. [2]"
	src := h.createDocument("rita", "src", text)
	for _, span := range [][2]int{{0, 12}, {17, 36}} {
		if r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", src.ID), "rita", map[string]any{"start": span[0], "end": span[1], "refs": []int{1}}); r.status != http.StatusCreated {
			t.Fatalf("claim: %d %s", r.status, r.body)
		}
	}
	w3c := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export?format=w3c", src.ID), "rita", nil).body
	dst := h.createDocument("rita", "dst", text)
	db := h.rawDB(false)
	if _, err := db.Exec(`INSERT INTO claim_counts (document_id, n) VALUES (?, ?)`, dst.ID, citecheck.MaxClaimsPerDocument-1); err != nil {
		t.Fatal(err)
	}
	r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/import?format=w3c", dst.ID), "rita", w3c)
	if r.status != http.StatusUnprocessableEntity || r.errorCode(t) != citecheck.ECodeTooManyClaims {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if _, n := dbCounts(t, h); n != 2 {
		t.Fatalf("the refused import stored claims: %d in all", n)
	}
}

// TestClaimFormRefusesTooManyRefs sends the no-JavaScript claim form with 201 refs: the page
// comes back with 422 and the bound in its message.
func TestClaimFormRefusesTooManyRefs(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "t", "Talks began. [1] A committee formed. [2]")
	b := h.newBrowser()
	b.login("rita")
	b.get(fmt.Sprintf("/documents/%d", doc.ID))
	refs := make([]string, citecheck.MaxRefsPerClaim+1)
	for i := range refs {
		refs[i] = strconv.Itoa(i + 1)
	}
	r := b.postForm(fmt.Sprintf("/documents/%d/claims", doc.ID), url.Values{"start": {"0"}, "end": {"12"}, "refs": {strings.Join(refs, ", ")}}, true)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), fmt.Sprintf("at most %d refs", citecheck.MaxRefsPerClaim)) {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if _, n := dbCounts(t, h); n != 0 {
		t.Fatalf("the refused form stored %d claims", n)
	}
}
