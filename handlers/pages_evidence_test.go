package handlers

import (
	"fmt"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

// evidencePageSource is a source whose title, text and note hold markup, to show that the
// pages escape them.
const evidencePageSource = "Before <b>bold</b>. Talks began in Vienna on Monday. After <script>alert(1)</script>."

// pageEvidenceFixture is a document with a source of entry 1 (titled and with a URL) and a
// supported claim of rita's resting on one passage of it, with a note.
type pageEvidenceFixture struct {
	doc    citecheck.Document
	source citecheck.Capture
	claim  citecheck.Claim
	ev     citecheck.Evidence
}

func newPageEvidenceFixture(t *testing.T, h *harness) pageEvidenceFixture {
	t.Helper()
	var f pageEvidenceFixture
	f.doc = h.createDocument("rita", "talks", sourcesDocText)
	r := h.do("POST", sourcesPath(f.doc.ID, 1), "rita", map[string]any{"text": evidencePageSource,
		"title": "Reuters <i>wire</i>", "url": "https://example.org/r?a=1&b=2"})
	if r.status != 201 {
		t.Fatalf("capture: %d %s", r.status, r.body)
	}
	r.json(t, &f.source)
	start, end := cpSpan(t, sourcesDocText, "Talks began in Vienna.")
	r = h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", f.doc.ID), "rita",
		map[string]any{"start": start, "end": end, "refs": []int{1}, "status": "supported"})
	if r.status != 201 {
		t.Fatalf("claim: %d %s", r.status, r.body)
	}
	r.json(t, &f.claim)
	es, ee := cpSpan(t, evidencePageSource, "Talks began in Vienna")
	r = h.do("POST", fmt.Sprintf("/api/v1/claims/%d/evidence", f.claim.ID), "rita", map[string]any{
		"source_id": f.source.ID, "start": es, "end": ee, "stance": "supports", "note": "wire says <so>"})
	if r.status != 201 {
		t.Fatalf("evidence: %d %s", r.status, r.body)
	}
	r.json(t, &f.ev)
	return f
}

// evidenceWants is what a page listing the fixture's evidence must hold: stance, quote in its
// context, the note and the source, all escaped, and the link to the passage.
func (f pageEvidenceFixture) evidenceWants() []string {
	return []string{
		fmt.Sprintf(`id="ev-%d"`, f.ev.ID),
		`<span class="badge stance stance-supports">supports</span>`,
		`<mark class="q">Talks began in Vienna</mark>`,
		`Before &lt;b&gt;bold&lt;/b&gt;. `,
		`<p class="note">wire says &lt;so&gt;</p>`,
		`<span class="source-title">Reuters &lt;i&gt;wire&lt;/i&gt;</span>`,
		`href="https://example.org/r?a=1&amp;b=2" rel="noopener noreferrer"`,
		fmt.Sprintf(`<time datetime="%s">`, f.source.CapturedAt.UTC().Format("2006-01-02T15:04:05Z")),
		fmt.Sprintf(`href="/sources/%d?start=%d&amp;end=%d#p-%d-%d"`, f.source.ID, f.ev.Start, f.ev.End, f.ev.Start, f.ev.End),
	}
}

func TestClaimPageListsItsEvidenceWithStanceAndSource(t *testing.T) {
	h := newHarness(t, Config{})
	f := newPageEvidenceFixture(t, h)
	rita := h.newBrowser()
	rita.login("rita")
	r := rita.get(fmt.Sprintf("/claims/%d", f.claim.ID))
	if r.status != 200 {
		t.Fatalf("claim page: %d", r.status)
	}
	page := string(r.body)
	for _, want := range f.evidenceWants() {
		if !strings.Contains(page, want) {
			t.Errorf("claim page lacks %q", want)
		}
	}
	for _, bad := range []string{"<b>bold", "<i>wire", "<so>"} {
		if strings.Contains(page, bad) {
			t.Errorf("claim page holds unescaped %q", bad)
		}
	}
}

func TestClaimPageWithoutEvidenceSaysSo(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Doc", reviewText)
	cl := h.claimAt("rita", doc.ID, reviewText, "Ministers agreed to start talks.", []int{30}, "unverified")
	rita := h.newBrowser()
	rita.login("rita")
	if page := string(rita.get(fmt.Sprintf("/claims/%d", cl.ID)).body); !strings.Contains(page, "No passage of a source is attached yet.") {
		t.Errorf("a claim without evidence does not say so")
	}
}

func TestReviewQueueListsEachClaimsEvidence(t *testing.T) {
	h := newHarness(t, Config{})
	f := newPageEvidenceFixture(t, h)
	other := h.claimAt("rita", f.doc.ID, sourcesDocText, "Observers doubted 40% of it.", []int{2}, "unverified")
	ed := h.newBrowser()
	ed.login("ed")
	r := ed.get("/review")
	if r.status != 200 {
		t.Fatalf("queue: %d", r.status)
	}
	page := string(r.body)
	item := queueItemHTML(t, page, f.claim.ID)
	for _, want := range f.evidenceWants() {
		if !strings.Contains(item, want) {
			t.Errorf("the queue's item of claim %d lacks %q", f.claim.ID, want)
		}
	}
	// An evidence item is <li id="ev-N">: a bare "ev-" could be in a random CSRF token.
	if o := queueItemHTML(t, page, other.ID); !strings.Contains(o, "No passage of a source is attached yet.") || strings.Contains(o, `id="ev-`) {
		t.Errorf("the queue's item of a claim without evidence shows some or does not say so")
	}
}

// queueItemHTML cuts the queue item of claim id out of the page.
func queueItemHTML(t *testing.T, page string, id int64) string {
	t.Helper()
	i := strings.Index(page, fmt.Sprintf(`<li id="q-%d"`, id))
	if i < 0 {
		t.Fatalf("no queue item for claim %d", id)
	}
	rest := page[i+1:]
	if j := strings.Index(rest, `<li id="q-`); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

func TestSourcePageHighlightsThePassageAndEscapesTheText(t *testing.T) {
	h := newHarness(t, Config{})
	f := newPageEvidenceFixture(t, h)
	rita := h.newBrowser()
	rita.login("rita")
	frag := fmt.Sprintf("p-%d-%d", f.ev.Start, f.ev.End)
	r := rita.get(fmt.Sprintf("/sources/%d?start=%d&end=%d", f.source.ID, f.ev.Start, f.ev.End))
	if r.status != 200 {
		t.Fatalf("source page: %d %s", r.status, r.body)
	}
	page := string(r.body)
	for _, want := range []string{
		`<div class="source-text">Before &lt;b&gt;bold&lt;/b&gt;. <mark id="` + frag + `" class="passage">Talks began in Vienna</mark> on Monday. After &lt;script&gt;alert(1)&lt;/script&gt;.</div>`,
		`<a href="#` + frag + `">Go to it</a>`,
		`<h1>Reuters &lt;i&gt;wire&lt;/i&gt;</h1>`,
		`href="https://example.org/r?a=1&amp;b=2" rel="noopener noreferrer"`,
		fmt.Sprintf(`<a href="/documents/%d">talks</a>`, f.doc.ID),
		// The form that asks for a passage by its offsets, without a script, filled with this one.
		fmt.Sprintf(`<form method="get" action="/sources/%d"`, f.source.ID),
		fmt.Sprintf(`name="start" min="0" max="%d" value="%d" required>`, f.source.Length, f.ev.Start),
		fmt.Sprintf(`name="end" min="0" max="%d" value="%d" required>`, f.source.Length, f.ev.End),
	} {
		if !strings.Contains(page, want) {
			t.Errorf("source page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>alert", "<b>bold", "<i>wire"} {
		if strings.Contains(page, bad) {
			t.Errorf("source page holds unescaped %q", bad)
		}
	}

	// Without a passage: the whole text, nothing highlighted.
	page = string(rita.get(fmt.Sprintf("/sources/%d", f.source.ID)).body)
	if strings.Contains(page, `class="passage"`) || !strings.Contains(page, `<div class="source-text">Before &lt;b&gt;`) {
		t.Errorf("source page without a passage: highlights one or lacks the text")
	}
}

func TestSourcePageRefusesOffsetsThatAreNotAPassage(t *testing.T) {
	h := newHarness(t, Config{})
	f := newPageEvidenceFixture(t, h)
	rita := h.newBrowser()
	rita.login("rita")
	n := len([]rune(evidencePageSource))
	for _, tc := range []struct {
		name, query string
		status      int
		text        string
	}{
		{"start only", "?start=3", 422, "End must be a whole number"},
		{"not a number", "?start=a&end=5", 422, "Start must be a whole number"},
		{"past the end", fmt.Sprintf("?start=0&end=%d", n+1), 422, "past the end of the text"},
		{"empty", "?start=5&end=5", 422, "must be greater than start"},
		{"negative", "?start=-1&end=5", 422, "outside the text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rita.get(fmt.Sprintf("/sources/%d%s", f.source.ID, tc.query))
			if r.status != tc.status || !strings.Contains(string(r.body), tc.text) {
				t.Errorf("status %d (want %d), body lacks %q", r.status, tc.status, tc.text)
			}
		})
	}
	if r := rita.get("/sources/999999"); r.status != 404 {
		t.Errorf("unknown source: %d, want 404", r.status)
	}
}
