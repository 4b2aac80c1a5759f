package formats

import (
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

// jsonLDKeywords are the keywords of JSON-LD 1.1 that may appear as keys of a document.
var jsonLDKeywords = map[string]bool{"@context": true, "@id": true, "@type": true, "@value": true,
	"@language": true, "@direction": true, "@list": true, "@set": true, "@graph": true,
	"@index": true, "@reverse": true, "@included": true, "@nest": true, "@json": true}

// w3cRichSample is a W3C export of a document with every kind of claim: refs, notes, an approved
// claim with its reviewer and comment, a rejected one, one without refs, and an orphan.
func w3cRichSample(t *testing.T) *W3CCollection {
	t.Helper()
	text := "The cat sat. [1] The cat ran 😀 far. [2, 3] Émile said “yes”.[4] The cat sat.\n\nReferences\n1. A\n2. B\n3. C\n4. D\n"
	src := citecheck.NewSources(text)
	doc := &citecheck.Document{ID: 3, Title: "Cats <&> “quoted”", Text: text, TextSHA256: citecheck.TextSHA256(text),
		Length: citecheck.NewText(text).Len(), Citations: src.Citations, References: src.List, Revision: 2}
	tx := citecheck.NewText(text)
	at := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	ed := "ed"
	claims := []citecheck.Claim{
		{ID: 1, Start: 0, End: 12, Refs: []int{1}, Status: citecheck.StatusSupported, Review: citecheck.ReviewApproved,
			ReviewedBy: &ed, ReviewedAt: &at, ReviewComment: "fine", CreatedBy: "rita", CreatedAt: at, UpdatedAt: at, Revision: 2},
		{ID: 2, Start: 17, End: 35, Refs: []int{2, 3}, Status: citecheck.StatusContradicted, Review: citecheck.ReviewRejected,
			ReviewedBy: &ed, ReviewedAt: &at, ReviewComment: "wrong", Note: "see p. 2", CreatedBy: "rita", CreatedAt: at, UpdatedAt: at, Revision: 2},
		{ID: 3, Start: 44, End: 61, Refs: []int{}, Status: citecheck.StatusCitationNeeded, Review: citecheck.ReviewPending,
			CreatedBy: "rita", CreatedAt: at, UpdatedAt: at, Revision: 2},
		{ID: 4, Quote: "a dog barked", Prefix: "and ", Suffix: " loudly", OldQuote: "a dog barked", Anchor: "orphaned",
			Refs: []int{4}, Status: citecheck.StatusSupported, Review: citecheck.ReviewPending, CreatedBy: "rita", CreatedAt: at, UpdatedAt: at, Revision: 1},
	}
	for i := range claims[:3] {
		citecheck.FillQuote(tx, &claims[i])
	}
	ex := BuildExport(doc, claims, at)
	ex.Sources, ex.Claims[0].Evidence, ex.Claims[1].Evidence = w3cEvidenceSample(t, at)
	coll := BuildW3C(ex)
	if len(coll.First.Items) != 4 {
		t.Fatalf("%d annotations, want 4", len(coll.First.Items))
	}
	return coll
}

// annoContext loads the copy of the official Web Annotation context (testdata/anno.jsonld,
// http://www.w3.org/ns/anno.jsonld as published).
func annoContext(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile("testdata/anno.jsonld")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Context map[string]any `json:"@context"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Context) < 100 || doc.Context["TextQuoteSelector"] != "oa:TextQuoteSelector" {
		t.Fatalf("testdata/anno.jsonld is not the annotation context: %d terms", len(doc.Context))
	}
	return doc.Context
}

// TestW3CExportKeysAllExpand walks every key of a W3C export and checks that each one expands
// to an IRI through the export's own @context: a JSON-LD keyword, a term of anno.jsonld, a term
// of the export's local context, or a compact IRI whose prefix one of them declares. An
// undeclared prefix (as "citecheck:" once was) would make a JSON-LD processor read it as an IRI
// of an unknown scheme. Every "type" value must be a term of anno.jsonld too.
func TestW3CExportKeysAllExpand(t *testing.T) {
	anno := annoContext(t)
	b, err := json.Marshal(w3cRichSample(t))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	// The terms in scope: anno.jsonld's when the export names it, and those of every object of
	// its @context.
	ctx, _ := doc["@context"].([]any)
	terms := map[string]any{}
	for _, c := range ctx {
		switch c := c.(type) {
		case string:
			if c != AnnoContext {
				t.Fatalf("@context names %q, which this test does not know", c)
			}
			for k, v := range anno {
				terms[k] = v
			}
		case map[string]any:
			for k, v := range c {
				terms[k] = v
			}
		}
	}
	if len(ctx) == 0 || ctx[0] != AnnoContext {
		t.Errorf("@context %v does not start with %q", doc["@context"], AnnoContext)
	}
	if !strings.HasPrefix(W3CVocab, "https://") || !strings.HasSuffix(W3CVocab, "#") {
		t.Errorf("W3CVocab %q is not an absolute IRI that can serve as a prefix", W3CVocab)
	}
	seen := map[string]bool{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case []any:
			for _, it := range v {
				walk(path+"[]", it)
			}
		case map[string]any:
			for k, val := range v {
				if k == "@context" {
					continue
				}
				seen[k] = true
				if !expands(k, terms) {
					t.Errorf("%s.%s does not expand through the export's @context", path, k)
				}
				if k == "type" {
					if s, _ := val.(string); anno[s] == nil {
						t.Errorf("%s.type %v is not a term of anno.jsonld", path, val)
					}
				}
				walk(path+"."+k, val)
			}
		}
	}
	walk("$", doc)
	// The walk must have met what the export carries, or it proves nothing.
	for _, k := range []string{"id", "type", "first", "items", "body", "purpose", "target", "selector",
		"exact", "prefix", "start", "creator", "partOf", "citecheck:source", "citecheck:textSha256",
		"state", "cached", "sourceDate", "label", "citecheck:stance", "citecheck:note", "citecheck:anchor"} {
		if !seen[k] {
			t.Errorf("the export has no key %q", k)
		}
	}
	if t.Failed() {
		keys := make([]string, 0, len(seen))
		for k := range seen {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		t.Logf("keys: %v", keys)
	}
}

// expands reports whether key expands to an IRI through terms: a keyword, a term, or a compact
// IRI prefix:suffix whose prefix is a term mapped to an absolute IRI.
func expands(key string, terms map[string]any) bool {
	if jsonLDKeywords[key] || terms[key] != nil {
		return true
	}
	prefix, suffix, ok := strings.Cut(key, ":")
	if !ok || suffix == "" || strings.HasPrefix(suffix, "//") {
		return false
	}
	iri, _ := terms[prefix].(string)
	return strings.HasPrefix(iri, "http://") || strings.HasPrefix(iri, "https://")
}

// TestW3CExportPagesHaveAnID: the embedded first page has an id of its own (the Web Annotation
// test suite's page-id assertion), names its collection and starts at item 0.
func TestW3CExportPagesHaveAnID(t *testing.T) {
	coll := w3cRichSample(t)
	b, _ := json.Marshal(coll)
	var doc struct {
		ID    string         `json:"id"`
		First map[string]any `json:"first"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if id, _ := doc.First["id"].(string); id != doc.ID+"#page1" || !isIRI(id) {
		t.Fatalf("first page id %v, want %q", doc.First["id"], doc.ID+"#page1")
	}
	if doc.First["partOf"] != doc.ID || doc.First["startIndex"] != float64(0) {
		t.Fatalf("first page partOf %v startIndex %v", doc.First["partOf"], doc.First["startIndex"])
	}
}

// TestW3CImportReadsExportsBeforeAndAfterThePageID: a collection written before its page had an
// id and the citecheck prefix was declared (testdata/w3c-before-page-id.jsonld) imports to the
// same claims as one written now.
func TestW3CImportReadsExportsBeforeAndAfterThePageID(t *testing.T) {
	tx, _, coll := w3cSample(t)
	old, err := os.ReadFile("testdata/w3c-before-page-id.jsonld")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(old), "#page1") || strings.Contains(string(old), W3CVocab) {
		t.Fatal("the old export already has the page id or the prefix")
	}
	now, _ := json.Marshal(coll)
	var got [2][]citecheck.Claim
	for i, data := range [][]byte{old, now} {
		anns, err := ParseW3C(data)
		if err != nil {
			t.Fatal(err)
		}
		claims, failures := AnchorW3C(tx, anns)
		if len(failures) != 0 || len(claims) != 3 {
			t.Fatalf("export %d: %d claims, failures %+v", i, len(claims), failures)
		}
		got[i] = claims
	}
	if !reflect.DeepEqual(got[0], got[1]) {
		t.Fatalf("the old export imports as %+v, the new one as %+v", got[0], got[1])
	}
}
