package views

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
	"golang.org/x/net/html"
)

func TestMarkerRunsCarryTheirIDBesideClaimAnchors(t *testing.T) {
	v := sampleView()
	v.Blocks[1].Runs[0] = Run{Start: 49, Text: "[46]", MarkerRefs: "46", MarkerHead: true, Anchors: []int64{9},
		Claims: []ClaimRef{{ID: 9, Status: citecheck.StatusUnverified}}}
	dt := parseDocText(t, renderDocument(t, v))
	// title only on overlaps (TestDocumentTextMarksOverlapsMarkersAndAnchors), naming their verdicts.
	allowed := map[string]bool{"data-o": true, "class": true, "data-refs": true, "data-claims": true, "id": true, "title": true}
	var marker *html.Node
	for _, c := range runNodes(t, dt) {
		for _, a := range c.Attr {
			if !allowed[a.Key] {
				t.Errorf("a run carries the attribute %q", a.Key)
			}
		}
		if o, _ := attr(c, "data-o"); o == "49" {
			marker = c
		}
	}
	if id, _ := attr(marker, "id"); id != "m-49" {
		t.Errorf("marker run id = %q, want m-49", id)
	}
	if id, _ := attr(marker.PrevSibling, "id"); id != "c-9" {
		t.Errorf("the claim starting on the marker has anchor %q, want c-9", id)
	}
	// A focusable run would be a tab stop per claim, and Chromium starts no selection on a
	// forward drag from its first character (issue 13): the text is one tab stop instead.
	if _, ok := attr(marker, "tabindex"); ok {
		t.Errorf("a claim's first run is focusable")
	}
}

func TestSourcesPanelEscapesEntriesAndLinksOnlyWebAddresses(t *testing.T) {
	v := sampleView()
	v.Sources = SourcesView{Markers: 4, Covered: 1, HasList: true, Heading: "Notes <i>",
		Uncovered: []UncoveredMarker{{Start: 49, Marker: "[46]", Before: "…not <b>Kurds</b>"}},
		Problems:  []citecheck.Check{{Code: citecheck.CheckEntryNeverCited, Refs: []int{3}, Message: "reference list entry 3 is never cited in the text"}},
		References: []citecheck.ReferenceUse{
			{Reference: citecheck.Reference{Number: 1, Text: "Reuters <script>x</script>", URL: "https://example.org/a?b=1&c=<d>"}, Claims: []int64{3}, CitedBy: 2},
			{Reference: citecheck.Reference{Number: 2, Text: "Evil", URL: "javascript:alert(1)"}, Claims: []int64{}},
		}}
	page := renderDocument(t, v)
	for _, want := range []string{
		`<strong>1 / 4</strong> markers covered`, `<meter min="0" max="4"`, `value="1"`,
		`href="#m-49"`, `name="start" value="49"`, `…not &lt;b&gt;Kurds&lt;/b&gt;`, "“Notes &lt;i&gt;”",
		"Reuters &lt;script&gt;x&lt;/script&gt;", `href="https://example.org/a?b=1&amp;c=&lt;d&gt;" rel="noopener noreferrer nofollow"`,
		"cited by 2 markers", `href="#claim-3"`, "entry-never-cited", `action="/documents/1/references/2/delete"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("panel lacks %q", want)
		}
	}
	if strings.Contains(page, `href="javascript:`) || strings.Contains(page, "<script>x") {
		t.Error("the panel lets a script through")
	}
}

func TestApproveFormAsksForTheOverrideOnlyWithProblems(t *testing.T) {
	render := func(checks []citecheck.Check) string {
		var buf bytes.Buffer
		c := citecheck.Claim{ID: 5, DocumentID: 1, Review: citecheck.ReviewPending, Checks: checks}
		if err := reviewForms(Page{CSRF: "tok"}, c, "/review").Render(context.Background(), &buf); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	with := render([]citecheck.Check{{Code: "unknown-ref"}, {Code: "no-refs"}})
	if !strings.Contains(with, `<input type="hidden" name="override" value="true"><p class="override-note">This claim still has 2 open citation problems (unknown-ref, no-refs)`) ||
		!strings.Contains(with, `>Approve anyway</button>`) {
		t.Errorf("no Approve anyway: %s", with)
	}
	if strings.Contains(render(nil), "override") {
		t.Error("a clean claim asks for an override")
	}
}
