package views

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
	"golang.org/x/net/html"
)

// sampleView is a small document: a sentence with quotes and markup in it, a marker, and two
// claims that overlap on "Kurds".
func sampleView() DocumentView {
	runs := []Run{
		{Start: 0, Text: `He said "<script>alert('x')</script>" & `},
		{Start: 40, Text: "the ", Claims: []ClaimRef{{ID: 3, Status: citecheck.StatusSupported, Review: citecheck.ReviewApproved}}, Anchors: []int64{3}},
		{Start: 44, Text: "Kurds", Claims: []ClaimRef{
			{ID: 3, Status: citecheck.StatusSupported, Review: citecheck.ReviewApproved},
			{ID: 7, Status: citecheck.StatusContradicted, Review: citecheck.ReviewPending},
		}, Anchors: []int64{7, 8}},
		{Start: 49, Text: "[46]", MarkerRefs: "46"},
		{Start: 53, Text: "\n\n😀 done.\n"},
	}
	claim := citecheck.Claim{ID: 3, DocumentID: 1, Start: 40, End: 49, Quote: `the <b>Kurds</b>`,
		Refs: []int{46}, Status: citecheck.StatusSupported, Review: citecheck.ReviewApproved,
		Note: `note with "quotes" <i>`, CreatedBy: "alice", Version: 2,
		Checks: []citecheck.Check{{Code: citecheck.CheckUnknownRef, Refs: []int{9}, Message: "no marker carries [9]"}}}
	var length int
	for _, r := range runs {
		length += len([]rune(r.Text))
	}
	return DocumentView{
		Doc: &citecheck.Document{ID: 1, Title: "A <title>", Length: length, CreatedBy: "alice", CreatedAt: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)},
		// Two blocks, the second from the marker on, so the tests see the text cut in blocks.
		Blocks: []Block{{Index: 0, Start: 0, Lines: 1, Runs: runs[:3]}, {Index: 1, Start: 49, Lines: 3, Runs: runs[3:]}},
		Claims: []ClaimItem{{Claim: claim}},
		Panel:  PanelView{Page: 1, Pages: 1, Total: 1, PageSize: 100},
		Summary: citecheck.Counts{Claims: 2, ByStatus: map[citecheck.Status]int{
			citecheck.StatusSupported: 1, citecheck.StatusContradicted: 1}},
		Markers: 1, Covered: 1,
	}
}

func renderDocument(t *testing.T, v DocumentView) string {
	t.Helper()
	var buf bytes.Buffer
	p := Page{Title: v.Doc.Title, User: &citecheck.User{Name: "alice", Role: citecheck.RoleReviewer}, CSRF: "tok"}
	if err := DocumentPage(p, v).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func findByID(n *html.Node, id string) *html.Node {
	for _, a := range n.Attr {
		if a.Key == "id" && a.Val == id {
			return n
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findByID(c, id); f != nil {
			return f
		}
	}
	return nil
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func parseDocText(t *testing.T, page string) *html.Node {
	t.Helper()
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	dt := findByID(root, "doc-text")
	if dt == nil {
		t.Fatal("no #doc-text")
	}
	return dt
}

func TestDocumentPageEscapesUserText(t *testing.T) {
	page := renderDocument(t, sampleView())
	for _, bad := range []string{"<script>alert", "<b>Kurds", "A <title>", "<i>"} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds unescaped %q", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert", "&lt;b&gt;Kurds&lt;/b&gt;", "A &lt;title&gt;"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks escaped %q", want)
		}
	}
}

// runNodes lists the children of the blocks of #doc-text in order, after checking that
// #doc-text holds blocks and nothing else.
func runNodes(t *testing.T, dt *html.Node) []*html.Node {
	t.Helper()
	var out []*html.Node
	for b := dt.FirstChild; b != nil; b = b.NextSibling {
		if cls, _ := attr(b, "class"); b.Type != html.ElementNode || b.Data != "div" || cls != "blk" {
			t.Fatalf("#doc-text holds a stray %v node %q (%v)", b.Type, b.Data, b.Attr)
		}
		for c := b.FirstChild; c != nil; c = c.NextSibling {
			out = append(out, c)
		}
	}
	return out
}

func TestDocumentTextHoldsBlocksOfRunSpans(t *testing.T) {
	v := sampleView()
	dt := parseDocText(t, renderDocument(t, v))
	for i, b := 0, dt.FirstChild; b != nil; i, b = i+1, b.NextSibling {
		want := v.Blocks[i]
		if id, _ := attr(b, "id"); id != "b-"+itoa(i) {
			t.Errorf("block %d has id %q", i, id)
		}
		if o, _ := attr(b, "data-b"); o != itoa(want.Start) {
			t.Errorf("block %d: data-b = %s, want %d", i, o, want.Start)
		}
		if first, _ := attr(b.FirstChild, "data-o"); first != itoa(want.Start) {
			t.Errorf("block %d starts with the run at %s, want %d", i, first, want.Start)
		}
		if n, _ := attr(b, "data-lines"); n != itoa(want.Lines) {
			t.Errorf("block %d: data-lines = %s, want %d", i, n, want.Lines)
		}
	}
	var want, got strings.Builder
	for _, b := range v.Blocks {
		for _, r := range b.Runs {
			want.WriteString(r.Text)
		}
	}
	offset := 0
	for _, c := range runNodes(t, dt) {
		if c.Type != html.ElementNode || c.Data != "span" {
			t.Fatalf("#doc-text holds a stray %v node %q", c.Type, c.Data)
		}
		o, ok := attr(c, "data-o")
		if !ok {
			if cls, _ := attr(c, "class"); cls != "anchor" || c.FirstChild != nil {
				t.Fatalf("span without data-o that is not an empty anchor: %v", c.Attr)
			}
			continue
		}
		if o != itoa(offset) {
			t.Errorf("data-o = %s, want %d", o, offset)
		}
		if c.FirstChild == nil || c.FirstChild != c.LastChild || c.FirstChild.Type != html.TextNode {
			t.Fatalf("run at %s does not hold exactly one text node", o)
		}
		got.WriteString(c.FirstChild.Data)
		offset += len([]rune(c.FirstChild.Data))
	}
	if got.String() != want.String() {
		t.Errorf("text of the runs = %q, want %q", got.String(), want.String())
	}
}

func TestDocumentTextMarksOverlapsMarkersAndAnchors(t *testing.T) {
	dt := parseDocText(t, renderDocument(t, sampleView()))
	var kurds, marker, the *html.Node
	for _, c := range runNodes(t, dt) {
		switch o, _ := attr(c, "data-o"); o {
		case "40":
			the = c
		case "44":
			kurds = c
		case "49":
			marker = c
		}
	}
	cls, _ := attr(kurds, "class")
	// The newest claim colours the run; the other verdict gets the second underline.
	if cls != "hl st-contradicted ov2 u2-supported" {
		t.Errorf("overlapping run class = %q", cls)
	}
	if title, _ := attr(kurds, "title"); title != "2 claims: contradicted, supported" {
		t.Errorf("overlapping run title = %q", title)
	}
	if ids, _ := attr(kurds, "data-claims"); ids != "3 7" {
		t.Errorf("data-claims = %q", ids)
	}
	// The tooltip is built by app.js from the side panel; the page does not carry it per run.
	if label, ok := attr(kurds, "data-label"); ok {
		t.Errorf("run carries data-label %q", label)
	}
	if id, _ := attr(kurds, "id"); id != "c-7" {
		t.Errorf("anchored run id = %q", id)
	}
	if id, _ := attr(kurds.PrevSibling, "id"); id != "c-8" {
		t.Errorf("extra anchor id = %q", id)
	}
	if cls, _ := attr(the, "class"); cls != "hl st-supported" {
		t.Errorf("single-claim run class = %q", cls)
	}
	if cls, _ := attr(marker, "class"); cls != "mk" {
		t.Errorf("marker class = %q", cls)
	}
	if refs, _ := attr(marker, "data-refs"); refs != "46" {
		t.Errorf("marker data-refs = %q", refs)
	}
}

func TestDocumentPageShowsSummaryAndClaims(t *testing.T) {
	page := renderDocument(t, sampleView())
	for _, want := range []string{
		`id="doc-summary"`, "2 claims · 1 supported · 1 contradicted · markers covered 1 of 1",
		`id="claim-3"`, `href="#c-3"`, `id="claims-panel"`, `id="claim-form"`,
		`href="/claims/3"`, "no marker carries [9]",
		`href="/api/v1/documents/1/export?format=w3c"`, `<meta name="csrf-token" content="tok">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestPagesRender(t *testing.T) {
	p := Page{Title: "x", CSRF: "tok", Error: "bad <password>"}
	docs := []citecheck.DocumentSummary{{ID: 4, Title: "Doc & co", Length: 10, CreatedBy: "bob",
		Counts: citecheck.Counts{Claims: 1, ByStatus: map[citecheck.Status]int{citecheck.StatusSupported: 1}}}}
	var buf bytes.Buffer
	if err := LoginPage(p, "al\"ice", "/documents/1").Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`action="/login"`, `name="username" value="al&#34;ice"`, "bad &lt;password&gt;"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("login page lacks %q", want)
		}
	}
	buf.Reset()
	p.User = &citecheck.User{Name: "bob", Role: citecheck.RoleEditor}
	desk := DocumentsView{Docs: []citecheck.DeskDocument{{DocumentSummary: docs[0], State: citecheck.StateInProgress}}}
	if err := DocumentsPage(p, desk, NewDocumentForm{Text: "\nkept"}).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`href="/documents/4"`, "Doc &amp; co", "1 supported", `enctype="multipart/form-data"`, "\n\nkept</textarea>", `action="/logout"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("documents page lacks %q", want)
		}
	}
	buf.Reset()
	if err := ErrorPage(p, ErrorView{Status: 404, Message: "no such document"}).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "404 Not Found") {
		t.Errorf("error page lacks its status")
	}
}

func TestDistinctVerdictsNamesEachVerdictOnceNewestFirst(t *testing.T) {
	refs := func(sts ...citecheck.Status) []ClaimRef {
		out := make([]ClaimRef, len(sts))
		for i, st := range sts {
			out[i] = ClaimRef{ID: int64(i + 1), Status: st}
		}
		return out
	}
	s, u, c, p := citecheck.StatusSupported, citecheck.StatusUnsupported, citecheck.StatusContradicted, citecheck.StatusPartlySupported
	for _, tt := range []struct {
		claims []ClaimRef
		want   string
		title  string
	}{
		{refs(s, s), "[supported]", "2 claims: supported"},
		{refs(s, u, c), "[contradicted unsupported supported]", "3 claims: contradicted, unsupported, supported"},
		{refs(p, s, u, c), "[contradicted unsupported supported]", "4 claims: contradicted, unsupported, supported, partly-supported"},
		{refs(u, s, u), "[unsupported supported]", "3 claims: unsupported, supported"},
	} {
		if got := fmt.Sprint(distinctVerdicts(nil, tt.claims, maxUnderlines)); got != tt.want {
			t.Errorf("distinctVerdicts(%v) = %s, want %s", tt.claims, got, tt.want)
		}
		if got := string(appendOverlapTitle(nil, tt.claims)); got != tt.title {
			t.Errorf("appendOverlapTitle(%v) = %q, want %q", tt.claims, got, tt.title)
		}
	}
}
