package formats

import (
	"bytes"
	"encoding/json"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

// legacyExport encodes an export as the server did before it streamed: encoding/json, two
// spaces of indentation, no HTML escaping, an orphan's start and end null.
func legacyExport(t *testing.T, ex *Export) []byte {
	t.Helper()
	type plain citecheck.Claim
	type orphan struct {
		*plain
		Start *int `json:"start"`
		End   *int `json:"end"`
	}
	claims := make([]any, len(ex.Claims))
	for i := range ex.Claims {
		claims[i] = (*plain)(&ex.Claims[i])
		if ex.Claims[i].Anchor == string(citecheck.AnchorOrphaned) {
			claims[i] = orphan{plain: (*plain)(&ex.Claims[i])}
		}
	}
	sources := ex.Sources
	if sources == nil {
		sources = []citecheck.Capture{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(struct {
		Format     string                   `json:"format"`
		ExportedAt time.Time                `json:"exported_at"`
		OffsetUnit string                   `json:"offset_unit"`
		Document   ExportDocument           `json:"document"`
		Citations  []citecheck.Citation     `json:"citations"`
		References *citecheck.ReferenceList `json:"references"`
		Claims     []any                    `json:"claims"`
		Sources    []citecheck.Capture      `json:"sources"`
		Summary    ExportSummary            `json:"summary"`
	}{ex.Format, ex.ExportedAt, ex.OffsetUnit, ex.Document, ex.Citations, ex.References, claims, sources, ex.Summary})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWriteExportWritesTheBytesItAlwaysHas: the streamed export is byte for byte what the
// buffered one was (indentation, key order, no HTML escaping, null positions of an orphan,
// provenance), so that files and diffs of old and new exports agree.
func TestWriteExportWritesTheBytesItAlwaysHas(t *testing.T) {
	ex := importSample(t)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ex.Claims[0].Note = "a <b>bold</b> & “curly” note\twith a tab"
	ex.Claims[1].Imported = &citecheck.Provenance{FromFormat: citecheck.FromW3C, SourceID: "urn:x", Review: citecheck.ReviewApproved,
		CreatedAt: &at, ImportedBy: "ed", ImportedAt: at}
	ex.Claims = append(ex.Claims, citecheck.Claim{ID: 13, Quote: "gone", Prefix: "was ", Suffix: " here", OldQuote: "gone",
		Anchor: "orphaned", Refs: []int{1}, Status: citecheck.StatusSupported, Review: citecheck.ReviewPending, Checks: []citecheck.Check{}})
	ex.Summary.Claims = len(ex.Claims)
	ex.Sources = []citecheck.Capture{{ID: 3, Ref: 1, Title: "T", Text: "x", Method: citecheck.CapturePaste}}
	var got bytes.Buffer
	if err := WriteExport(&got, ex); err != nil {
		t.Fatal(err)
	}
	want := legacyExport(t, ex)
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("streamed export differs from the buffered one:\n%s\nwant\n%s", got.Bytes(), want)
	}
	for _, s := range []string{`"note": "a <b>bold</b> & “curly” note\twith a tab"`, `"start": null`, `"by_status": {`} {
		if !strings.Contains(got.String(), s) {
			t.Errorf("export lacks %s", s)
		}
	}
	if b, _ := json.Marshal(ex); !json.Valid(b) || !bytes.Contains(b, []byte(`"start":null`)) {
		t.Errorf("encoding/json of an Export: %.200s", b)
	}
}

// countingWriter counts what is written and keeps none of it, as a network connection does.
type countingWriter struct{ n int }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// TestWriteExportStreams: writing the export of a 1 MB text with 5,000 claims allocates well
// under the size of its output: it is encoded into a bounded buffer and written as it goes,
// never held whole (the buffered export allocated several times its size).
func TestWriteExportStreams(t *testing.T) {
	var sb strings.Builder
	for sb.Len() < 1<<20 {
		sb.WriteString("A claim that the “committee” met on 3 May, said Émile. [1] Another one [2]. ")
	}
	text := sb.String()
	doc := &citecheck.Document{ID: 1, Title: "Big", Text: text, TextSHA256: citecheck.TextSHA256(text), Revision: 1}
	tx := citecheck.NewText(text)
	doc.Length = tx.Len()
	doc.Citations = citecheck.ParseCitations(text)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	claims := make([]citecheck.Claim, 5000)
	step := doc.Length / len(claims)
	for i := range claims {
		claims[i] = citecheck.Claim{ID: int64(i + 1), Start: i * step, End: i*step + step/2, Refs: []int{1 + i%2},
			Status: citecheck.Statuses[i%len(citecheck.Statuses)], Review: citecheck.ReviewPending, Note: "note <b>",
			CreatedBy: "rita", CreatedAt: at, UpdatedBy: "rita", UpdatedAt: at, Version: 1, Revision: 1}
		citecheck.FillQuote(tx, &claims[i])
	}
	ex := BuildExportIn(tx, doc, claims, at)
	var w countingWriter
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if err := WriteExport(&w, ex); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	if w.n < 3<<20 || alloc > uint64(w.n)/2 {
		t.Fatalf("wrote %d bytes allocating %d: want under half the output", w.n, alloc)
	}
}

// TestBuildExportFillsEachClaimsChecks: each anchored claim carries the checks the document
// check finds for it (computed once for all), in export order; an orphan carries none.
func TestBuildExportFillsEachClaimsChecks(t *testing.T) {
	text := "Talks began. [1] A committee formed [2]. Nobody said so.\n"
	doc := &citecheck.Document{ID: 1, Title: "t", Text: text, TextSHA256: citecheck.TextSHA256(text),
		Length: citecheck.NewText(text).Len(), Citations: citecheck.ParseCitations(text), Revision: 2}
	tx := citecheck.NewText(text)
	claims := []citecheck.Claim{
		{ID: 1, Quote: "gone", Anchor: "orphaned", Refs: []int{9}, Status: citecheck.StatusSupported, Revision: 1},
		{ID: 2, Start: 0, End: 12, Refs: []int{1}, Status: citecheck.StatusUnsupported, Revision: 2},
		{ID: 3, Start: 17, End: 35, Refs: []int{7}, Status: citecheck.StatusUnsupported, Revision: 2},
		{ID: 4, Start: 41, End: 56, Refs: []int{}, Status: citecheck.StatusUnsupported, Revision: 2},
	}
	for i := range claims[1:] {
		citecheck.FillQuote(tx, &claims[i+1])
	}
	ex := BuildExport(doc, claims, time.Unix(0, 0))
	wantCodes := map[int64][]string{1: {}, 2: {}, 3: {citecheck.CheckUnknownRef, citecheck.CheckMarkerNotAttached}, 4: {citecheck.CheckNoRefs}}
	order := []int64{}
	for _, c := range ex.Claims {
		order = append(order, c.ID)
		codes := []string{}
		for _, ch := range c.Checks {
			codes = append(codes, ch.Code)
		}
		if c.Checks == nil || strings.Join(codes, " ") != strings.Join(wantCodes[c.ID], " ") {
			t.Errorf("claim %d checks %v, want %v", c.ID, codes, wantCodes[c.ID])
		}
	}
	if len(order) != 4 || order[0] != 2 || order[3] != 1 {
		t.Fatalf("export order %v: want the orphan last", order)
	}
	if ex.Summary.Markers != 2 || ex.Summary.Covered != 1 || ex.Summary.Claims != 4 {
		t.Fatalf("summary %+v", ex.Summary)
	}
}

// TestExportETagFollowsWhatTheBodyIsMadeFrom: the tag is the same for the same document and
// claims whatever the time, and changes with anything an export shows.
func TestExportETagFollowsWhatTheBodyIsMadeFrom(t *testing.T) {
	base := func() (*citecheck.Document, []citecheck.Claim) {
		ex := importSample(t)
		doc := &citecheck.Document{ID: ex.Document.ID, Title: ex.Document.Title, TextSHA256: ex.Document.TextSHA256,
			Length: ex.Document.Length, References: ex.References, Revision: 1}
		return doc, ex.Claims
	}
	doc, claims := base()
	tag := ExportETag("native", doc, claims)
	if again := ExportETag("native", doc, claims); again != tag || !strings.HasPrefix(tag, `W/"native-`) {
		t.Fatalf("tag %s, then %s", tag, again)
	}
	for _, tc := range []struct {
		name string
		edit func(d *citecheck.Document, c []citecheck.Claim) []citecheck.Claim
	}{
		{"another document", func(d *citecheck.Document, c []citecheck.Claim) []citecheck.Claim { d.ID++; return c }},
		{"a new revision", func(d *citecheck.Document, c []citecheck.Claim) []citecheck.Claim { d.Revision++; return c }},
		{"another title", func(d *citecheck.Document, c []citecheck.Claim) []citecheck.Claim { d.Title += "!"; return c }},
		{"another text", func(d *citecheck.Document, c []citecheck.Claim) []citecheck.Claim { d.TextSHA256 = "00"; return c }},
		{"an edited reference", func(d *citecheck.Document, c []citecheck.Claim) []citecheck.Claim {
			l := *d.References
			l.Entries = append([]citecheck.Reference{}, l.Entries...)
			l.Entries[0].Text += "x"
			d.References = &l
			return c
		}},
		{"no reference list", func(d *citecheck.Document, c []citecheck.Claim) []citecheck.Claim { d.References = nil; return c }},
		{"a changed claim", func(d *citecheck.Document, c []citecheck.Claim) []citecheck.Claim { c[0].Version++; return c }},
		{"a restored review", func(d *citecheck.Document, c []citecheck.Claim) []citecheck.Claim {
			c[0].Review = citecheck.ReviewApproved
			return c
		}},
		{"a deleted claim", func(d *citecheck.Document, c []citecheck.Claim) []citecheck.Claim { return c[1:] }},
		{"another order", func(d *citecheck.Document, c []citecheck.Claim) []citecheck.Claim {
			return []citecheck.Claim{c[1], c[0]}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, c := base()
			c = tc.edit(d, c)
			if got := ExportETag("native", d, c); got == tag {
				t.Fatalf("tag unchanged: %s", got)
			}
		})
	}
	if ExportETag("csv", doc, claims) == tag || ExportETag("native", doc, claims, "org") == tag {
		t.Fatal("the format and the extra inputs do not change the tag")
	}
}

// TestWriteExportOfNoClaimsWritesTheBytesItAlwaysHas: the claims list that WriteExportWith
// writes between the document and the summary is "[]" when empty, as the encoder wrote it.
func TestWriteExportOfNoClaimsWritesTheBytesItAlwaysHas(t *testing.T) {
	ex := importSample(t)
	ex.Claims = []citecheck.Claim{}
	ex.Summary.Claims = 0
	var got bytes.Buffer
	if err := WriteExport(&got, ex); err != nil {
		t.Fatal(err)
	}
	if want := legacyExport(t, ex); !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("export without claims:\n%s\nwant\n%s", got.Bytes(), want)
	}
}

// TestWriteExportPartsWithKeptPartsWritesTheExport: an export written from parts a caller kept
// (the head after its time, from ExportHeadRest of an export made at another time, and the
// claims as AppendExportClaim appends them) is byte for byte WriteExport's, at times with and
// without fractions of a second, with claims and without.
func TestWriteExportPartsWithKeptPartsWritesTheExport(t *testing.T) {
	for _, noClaims := range []bool{false, true} {
		ex := sourcesSample(t)
		if noClaims {
			ex.Claims, ex.Summary.Claims = []citecheck.Claim{}, 0
		}
		kept := *ex
		kept.ExportedAt = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)
		rest, err := ExportHeadRest(&kept)
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range []time.Time{time.Date(2026, 12, 1, 18, 30, 0, 0, time.UTC), time.Date(2026, 12, 1, 18, 30, 1, 123456789, time.UTC)} {
			ex.ExportedAt = at
			var want, got bytes.Buffer
			if err := WriteExport(&want, ex); err != nil {
				t.Fatal(err)
			}
			err := WriteExportParts(&got, ex, func(w io.Writer) error {
				_, err := w.Write(rest)
				return err
			}, func(w io.Writer) error {
				var b []byte
				for i := range ex.Claims {
					js, err := ExportClaimJSON(&ex.Claims[i])
					if err != nil {
						return err
					}
					if i > 0 {
						b = append(b, ExportClaimSeparator)
					}
					b = AppendExportClaim(b, js)
				}
				_, err := w.Write(b)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("no claims %v, at %v: from parts\n%s\nwant\n%s", noClaims, at, got.Bytes(), want.Bytes())
			}
		}
	}
}
