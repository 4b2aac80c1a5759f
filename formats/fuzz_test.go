package formats

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/citecheck/citecheck"
)

// importSeedText is the text the import seeds are made on: markers, a reference list, emoji,
// combining marks and Arabic, so offsets in code points, bytes and UTF-16 all differ.
const importSeedText = "Talks began. [30] A “committee” formed [31] 🚀 and cafe\u0301 closed.\n\n" +
	"قال المتحدث «إن الهدنة صامدة» [32] أمس.\n\nReferences\n30. First source https://example.org/a\n" +
	"31. Second source\n32. Third source\n"

// seedExport builds a native export of text with a few claims the way the server writes it.
func seedExport(tb testing.TB, text string) (*Export, []byte) {
	tb.Helper()
	norm, err := citecheck.NormalizeText(text, 0)
	if err != nil {
		tb.Fatal(err)
	}
	src := citecheck.NewSources(norm)
	doc := &citecheck.Document{ID: 7, Title: "Seed “doc” 🚀", Text: norm, TextSHA256: citecheck.TextSHA256(norm),
		Length: utf8.RuneCountInString(norm), Citations: src.Citations, References: src.List}
	t := citecheck.NewText(norm)
	var claims []citecheck.Claim
	for i, q := range []string{"Talks began.", "A “committee” formed", "«إن الهدنة صامدة»"} {
		s, e := spanOf(tb, norm, q)
		c := citecheck.Claim{ID: int64(100 + i), DocumentID: 7, Start: s, End: e, Refs: []int{30 + i},
			Status: citecheck.Statuses[i%len(citecheck.Statuses)], Review: citecheck.ReviewPending, Note: "note <b>" + q + "</b>",
			CreatedBy: "rita", CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Version: 1}
		c.UpdatedBy, c.UpdatedAt = c.CreatedBy, c.CreatedAt
		citecheck.FillQuote(t, &c)
		claims = append(claims, c)
	}
	ex := BuildExport(doc, claims, time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC))
	b, err := json.Marshal(ex)
	if err != nil {
		tb.Fatal(err)
	}
	return ex, b
}

// spanOf returns the code point span of the first occurrence of sub in text.
func spanOf(t testing.TB, text, sub string) (int, int) {
	t.Helper()
	b := strings.Index(text, sub)
	if b < 0 {
		t.Fatalf("%q not in text", sub)
	}
	return citecheck.ByteToCodePoint(text, b), citecheck.ByteToCodePoint(text, b+len(sub))
}

// FuzzDecodeImport feeds arbitrary files to the native import: DecodeExport and PrepareImport
// never panic; an accepted import has the file's text, in stored form, and every claim's quote
// is exactly the text of its span; and what is accepted exports and imports again unchanged.
func FuzzDecodeImport(f *testing.F) {
	ex, good := seedExport(f, importSeedText)
	f.Add(good)
	// Variations that must be refused, each for one reason.
	mutate := func(m func(e *Export)) []byte {
		b, _ := json.Marshal(ex)
		var c Export
		_ = json.Unmarshal(b, &c)
		m(&c)
		out, _ := json.Marshal(&c)
		return out
	}
	f.Add(mutate(func(e *Export) { e.Document.TextSHA256 = strings.Repeat("0", 64) }))
	f.Add(mutate(func(e *Export) { e.Claims[0].Quote = "Talks began!" }))
	f.Add(mutate(func(e *Export) { e.Claims[1].ID = e.Claims[0].ID }))
	f.Add(mutate(func(e *Export) { e.Claims[2].End = e.Document.Length + 5 }))
	f.Add(mutate(func(e *Export) { e.Claims[0].Refs = []int{3, 3} }))
	f.Add(mutate(func(e *Export) { e.OffsetUnit = "utf16" }))
	f.Add(mutate(func(e *Export) { e.Claims = nil; e.References = nil }))
	f.Add(append(append([]byte{}, good...), []byte(` {}`)...))
	f.Add([]byte(`{"format":"citecheck/v1","offset_unit":"codepoint","document":{"title":"t","text":"x [1]","text_sha256":""},"claims":[]}`))
	f.Add([]byte(`{"format":"citecheck/v1","bogus":1}`))
	f.Add([]byte("\xff{}"))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"claims":[{"start":-1,"end":9223372036854775807}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ex, err := DecodeExport(data)
		if err != nil {
			if citecheck.ErrorCode(err) == "" || citecheck.ErrorCode(err) == "internal" {
				t.Fatalf("DecodeExport error without a code: %v", err)
			}
			return
		}
		doc, claims, err := PrepareImport(ex, 0)
		if err != nil {
			if c := citecheck.ErrorCode(err); c == "" || c == "internal" {
				t.Fatalf("PrepareImport error without a code: %v", err)
			}
			return
		}
		if doc.Text != ex.Document.Text {
			t.Fatal("the accepted text differs from the file's")
		}
		if again, err := citecheck.NormalizeText(doc.Text, 0); err != nil || again != doc.Text {
			t.Fatalf("an accepted text is not in stored form (%v)", err)
		}
		if doc.TextSHA256 != citecheck.TextSHA256(doc.Text) || doc.Length != utf8.RuneCountInString(doc.Text) {
			t.Fatal("hash or length of the accepted document is wrong")
		}
		if doc.Title == "" {
			t.Fatal("empty title accepted")
		}
		txt := citecheck.NewText(doc.Text)
		if len(claims) != len(ex.Claims) {
			t.Fatalf("%d claims in the file, %d prepared", len(ex.Claims), len(claims))
		}
		for i, c := range claims {
			if c.Start < 0 || c.Start >= c.End || c.End > txt.Len() {
				t.Fatalf("claim %d span %d..%d outside the text of %d", i, c.Start, c.End, txt.Len())
			}
			if c.Quote != txt.Slice(c.Start, c.End) || c.Quote != ex.Claims[i].Quote {
				t.Fatalf("claim %d quote %q is not the text %q", i, c.Quote, txt.Slice(c.Start, c.End))
			}
			if c.Prefix+c.Quote+c.Suffix != txt.Slice(c.Start-citecheck.ContextLen, c.End+citecheck.ContextLen) {
				t.Fatalf("claim %d prefix, quote and suffix do not join up", i)
			}
			if !slices.IsSorted(c.Refs) {
				t.Fatalf("claim %d refs %v not sorted", i, c.Refs)
			}
			if _, err := citecheck.ParseStatus(string(c.Status)); err != nil {
				t.Fatalf("claim %d status %q accepted: %v", i, c.Status, err)
			}
		}
		// Round trip: what was accepted, exported again, is accepted again with the same claims.
		doc.ID = 1
		out, err := json.Marshal(BuildExport(doc, claims, time.Unix(0, 0)))
		if err != nil {
			t.Fatal(err)
		}
		ex2, err := DecodeExport(out)
		if err != nil {
			t.Fatalf("re-export does not decode: %v", err)
		}
		doc2, claims2, err := PrepareImport(ex2, 0)
		if err != nil {
			t.Fatalf("re-export refused: %v", err)
		}
		if doc2.Text != doc.Text || doc2.Title != doc.Title || len(claims2) != len(claims) {
			t.Fatal("re-export imports differently")
		}
		for i := range claims {
			a, b := claims[i], claims2[i]
			if a.Start != b.Start || a.End != b.End || a.Quote != b.Quote || !slices.Equal(a.Refs, b.Refs) ||
				a.Status != b.Status || a.Note != b.Note || a.Review != b.Review {
				t.Fatalf("claim %d changes in a round trip: %+v vs %+v", i, a, b)
			}
		}
	})
}

// FuzzParseW3C reads arbitrary bytes as Web Annotations and anchors them on a fuzzed text:
// never a panic; every annotation becomes a claim or a failure; every claim lies in the text,
// quotes it exactly, and has valid refs and status.
func FuzzParseW3C(f *testing.F) {
	ex, _ := seedExport(f, importSeedText)
	w3c, err := json.Marshal(BuildW3C(ex))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(w3c, importSeedText)
	f.Add(w3c, "A different text entirely [30].")
	f.Add([]byte(`[{"type":"Annotation","bodyValue":"n","target":{"selector":{"type":"TextQuoteSelector","exact":"b","prefix":"a","suffix":"c"}}}]`), "abc abc xbc")
	f.Add([]byte(`{"type":"AnnotationPage","items":[{"body":[{"purpose":"linking","value":"[1–3]"},{"type":"SpecificResource","source":"urn:x#ref-9"},{"purpose":"assessing","value":"supported"}],"target":{"selector":[{"type":"TextPositionSelector","start":0,"end":3},{"type":"TextQuoteSelector","exact":"cafe\u0301"}]}}]}`), "cafe\u0301 [1]")
	f.Add([]byte(`{"type":["Annotation"],"body":"https://x","target":"https://y"}`), "x")
	f.Add([]byte(`{"type":"AnnotationCollection","first":"https://p/1"}`), "x")
	f.Add([]byte(`{"type":"Annotation","target":{"selector":{"type":"TextPositionSelector","start":-1,"end":99999999999}}}`), "x")
	f.Add([]byte(`{"type":"Annotation","body":{"purpose":"assessing","value":"bogus"},"target":{"selector":{"type":"TextQuoteSelector","exact":"\r\n"}}}`), "a\nb")
	f.Add([]byte("\xfe"), "x")
	f.Fuzz(func(t *testing.T, data []byte, raw string) {
		anns, err := ParseW3C(data)
		if err != nil {
			if c := citecheck.ErrorCode(err); c == "" || c == "internal" {
				t.Fatalf("ParseW3C error without a code: %v", err)
			}
			return
		}
		text, err := citecheck.NormalizeText(raw, 0)
		if err != nil {
			text = importSeedText
		}
		txt := citecheck.NewText(text)
		claims, failures := AnchorW3C(txt, anns)
		if len(claims)+len(failures) != len(anns) {
			t.Fatalf("%d annotations became %d claims and %d failures", len(anns), len(claims), len(failures))
		}
		for i, c := range claims {
			if c.Start < 0 || c.Start >= c.End || c.End > txt.Len() {
				t.Fatalf("claim %d span %d..%d outside the text of %d", i, c.Start, c.End, txt.Len())
			}
			if c.Quote != txt.Slice(c.Start, c.End) {
				t.Fatalf("claim %d quote %q is not the text %q", i, c.Quote, txt.Slice(c.Start, c.End))
			}
			if refs, err := citecheck.NormalizeRefs(c.Refs); err != nil || !slices.Equal(refs, c.Refs) {
				t.Fatalf("claim %d refs %v not normal (%v)", i, c.Refs, err)
			}
			if _, err := citecheck.ParseStatus(string(c.Status)); err != nil {
				t.Fatalf("claim %d status %q: %v", i, c.Status, err)
			}
			if err := checkImportedNote(c.Note); err != nil {
				t.Fatalf("claim %d note: %v", i, err)
			}
		}
		for _, fl := range failures {
			if fl.Reason == "" || !utf8.ValidString(fl.Reason) {
				t.Fatalf("failure %q without a readable reason", fl.ID)
			}
		}
	})
}
