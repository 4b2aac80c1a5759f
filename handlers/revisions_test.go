package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/anchor"
	"github.com/citecheck/citecheck/formats"
)

const (
	revText1 = "Alpha beta gamma is a claim about the sea. [1] The second claim tells of mountains and rivers. [2] A short one. [3]"
	// A sentence comes first (the sea claim moves), one word of the mountains claim changes
	// (fuzzy), the short one is gone (orphaned).
	revText2 = "A brand new opening sentence. Alpha beta gamma is a claim about the sea. [1] The second claim tells of mountains and lakes. [2] Closing."
)

// revisionDoc makes a document with the three claims of revText1 (the mountains one approved)
// and returns it with the claims by a short name.
func revisionDoc(t *testing.T, h *harness) (citecheck.Document, map[string]citecheck.Claim) {
	t.Helper()
	doc := h.createDocument("rita", "Revised", revText1)
	claims := map[string]citecheck.Claim{}
	for name, quote := range map[string]string{"sea": "Alpha beta gamma is a claim about the sea.",
		"mountains": "The second claim tells of mountains and rivers.", "short": "A short one."} {
		s, e := runeSpan(t, revText1, quote)
		var cl citecheck.Claim
		r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", map[string]any{"start": s, "end": e, "refs": []int{1}})
		if r.status != http.StatusCreated {
			t.Fatalf("claim %s: %d %s", name, r.status, r.body)
		}
		r.json(t, &cl)
		claims[name] = cl
	}
	m := claims["mountains"]
	r := h.do("POST", fmt.Sprintf("/api/v1/claims/%d/review", m.ID), "ed", map[string]any{"decision": "approved", "version": m.Version, "override": true})
	if r.status != http.StatusOK {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	r.json(t, &m)
	claims["mountains"] = m
	return doc, claims
}

func getClaimAPI(t *testing.T, h *harness, id int64) citecheck.Claim {
	t.Helper()
	var cl citecheck.Claim
	r := h.do("GET", fmt.Sprintf("/api/v1/claims/%d", id), "rita", nil)
	if r.status != http.StatusOK {
		t.Fatalf("claim %d: %d %s", id, r.status, r.body)
	}
	r.json(t, &cl)
	return cl
}

func TestRevisionAPI(t *testing.T) {
	h := newHarness(t, Config{MaxTextBytes: 4096})
	doc, claims := revisionDoc(t, h)
	path := fmt.Sprintf("/api/v1/documents/%d/revisions", doc.ID)

	for _, tc := range []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"same text", map[string]any{"text": revText1}, 422, citecheck.ECodeSameText},
		{"empty", map[string]any{"text": "  "}, 422, citecheck.ECodeEmptyText},
		{"missing", map[string]any{}, 422, citecheck.ECodeEmptyText},
		{"control character", map[string]any{"text": "a\x01b"}, 422, citecheck.ECodeControlChar},
		{"too large", map[string]any{"text": strings.Repeat("x", 5000)}, 413, citecheck.ECodeTextTooLarge},
		{"malformed", `{"text": `, 400, citecheck.ECodeMalformed},
	} {
		r := h.do("POST", path, "rita", tc.body)
		if r.status != tc.status || (tc.code != "" && r.errorCode(t) != tc.code) {
			t.Errorf("%s: %d %s, want %d %s", tc.name, r.status, r.body, tc.status, tc.code)
		}
	}
	if r := h.do("POST", "/api/v1/documents/999/revisions", "rita", map[string]any{"text": revText2}); r.status != 404 {
		t.Errorf("unknown document: %d %s", r.status, r.body)
	}

	r := h.do("POST", path, "rita", map[string]any{"text": revText2})
	if r.status != http.StatusCreated {
		t.Fatalf("revise: %d %s", r.status, r.body)
	}
	var res struct {
		Revision int                    `json:"revision"`
		Counts   citecheck.AnchorCounts `json:"counts"`
	}
	r.json(t, &res)
	if res.Revision != 2 || res.Counts != (citecheck.AnchorCounts{Moved: 1, Fuzzy: 1, Orphaned: 1}) {
		t.Fatalf("revise answered %+v", res)
	}

	var d citecheck.Document
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d", doc.ID), "rita", nil).json(t, &d)
	if d.Revision != 2 || d.Text != revText2 {
		t.Fatalf("document after revise: revision %d text %q", d.Revision, d.Text)
	}
	sea := getClaimAPI(t, h, claims["sea"].ID)
	if sea.Anchor != "moved" || sea.Revision != 2 || citecheck.NewText(revText2).Slice(sea.Start, sea.End) != claims["sea"].Quote {
		t.Errorf("moved claim: %+v", sea)
	}
	m := getClaimAPI(t, h, claims["mountains"].ID)
	if m.Anchor != "fuzzy" || m.Review != citecheck.ReviewPending || m.OldQuote != claims["mountains"].Quote ||
		m.Quote != "The second claim tells of mountains and lakes." || m.ReviewedBy != nil {
		t.Errorf("fuzzy claim: %+v", m)
	}
	orphan := getClaimAPI(t, h, claims["short"].ID)
	if orphan.Anchor != "orphaned" || orphan.Revision != 1 || orphan.Quote != "A short one." || len(orphan.Checks) != 0 {
		t.Errorf("orphan: %+v", orphan)
	}

	// An orphan cannot be approved until it is re-anchored.
	if r := h.do("POST", fmt.Sprintf("/api/v1/claims/%d/review", orphan.ID), "ed", map[string]any{"decision": "approved"}); r.status != 422 {
		t.Errorf("approving an orphan: %d %s", r.status, r.body)
	}

	// The claims list has the orphan, flagged; the check leaves it out; the export carries it
	// last, without a position.
	var list struct{ Claims []citecheck.Claim }
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", nil).json(t, &list)
	if len(list.Claims) != 3 {
		t.Fatalf("claims list: %d", len(list.Claims))
	}
	var check citecheck.SourcesCheck
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/check", doc.ID), "rita", nil).json(t, &check)
	if len(check.Claims) != 2 {
		t.Errorf("check covers %d claims, want the 2 anchored", len(check.Claims))
	}
	var ex formats.Export
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export", doc.ID), "rita", nil).json(t, &ex)
	if len(ex.Claims) != 3 || ex.Claims[2].ID != orphan.ID || ex.Claims[2].Anchor != "orphaned" || ex.Claims[2].Start != 0 {
		t.Errorf("export holds %+v, want the 2 anchored and the orphan last", ex.Claims)
	}

	// The revisions, and revision 1 with its claims as they were.
	var revs struct{ Revisions []citecheck.RevisionSummary }
	h.do("GET", path, "rita", nil).json(t, &revs)
	if len(revs.Revisions) != 2 || revs.Revisions[1].Anchors.Fuzzy != 1 || revs.Revisions[0].Number != 1 {
		t.Errorf("revisions: %+v", revs)
	}
	var old struct {
		Number  int
		Text    string
		Current bool
		Claims  []citecheck.Claim
	}
	r = h.do("GET", path+"/1", "rita", nil)
	r.json(t, &old)
	if r.status != 200 || old.Number != 1 || old.Text != revText1 || old.Current || len(old.Claims) != 3 {
		t.Fatalf("revision 1: %d %+v", r.status, old)
	}
	for _, c := range old.Claims {
		if c.ID == claims["mountains"].ID && (c.Review != citecheck.ReviewApproved || c.Quote != claims["mountains"].Quote) {
			t.Errorf("revision 1 shows the mountains claim as %+v", c)
		}
	}
	h.do("GET", path+"/2", "rita", nil).json(t, &old)
	if !old.Current || len(old.Claims) != 2 {
		t.Errorf("revision 2: %+v", old)
	}
	for _, p := range []string{path + "/3", path + "/x", "/api/v1/documents/999/revisions", "/api/v1/documents/999/revisions/1"} {
		if r := h.do("GET", p, "rita", nil); r.status != 404 {
			t.Errorf("GET %s: %d", p, r.status)
		}
	}

	// An orphan's note changes without a span; a half span is refused; a full one anchors it.
	r = h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", orphan.ID), "rita", map[string]any{"version": orphan.Version, "note": "find it"})
	r.json(t, &orphan)
	if r.status != 200 || orphan.Note != "find it" || orphan.Revision != 1 || orphan.Quote != "A short one." {
		t.Fatalf("note of an orphan: %d %+v", r.status, orphan)
	}
	if r := h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", orphan.ID), "rita", map[string]any{"version": orphan.Version, "start": 0}); r.status != 422 {
		t.Errorf("orphan with only start: %d %s", r.status, r.body)
	}
	s, e := runeSpan(t, revText2, "Closing.")
	r = h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", orphan.ID), "rita", map[string]any{"version": orphan.Version, "start": s, "end": e})
	orphan = citecheck.Claim{} // old_quote is omitted when empty
	r.json(t, &orphan)
	if r.status != 200 || orphan.Revision != 2 || orphan.Anchor != "exact" || orphan.Quote != "Closing." || orphan.OldQuote != "" ||
		orphan.Review != citecheck.ReviewPending || orphan.Checks == nil {
		t.Fatalf("orphan placed by hand: %d %+v", r.status, orphan)
	}
	events, _ := h.st.ClaimHistory(context.Background(), orphan.ID)
	last := events[len(events)-1]
	if last.Action != citecheck.ActionUpdated || last.Changes["anchor"].To != "exact" || last.Changes["revision"].To != 2 {
		t.Errorf("history of the placement: %+v", last)
	}
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/check", doc.ID), "rita", nil).json(t, &check)
	if len(check.Claims) != 3 {
		t.Errorf("check covers %d claims after the placement, want 3", len(check.Claims))
	}
}

func TestRevisionPages(t *testing.T) {
	h := newHarness(t, Config{})
	doc, claims := revisionDoc(t, h)
	b := h.newBrowser()
	b.login("rita")
	page := b.get(fmt.Sprintf("/documents/%d", doc.ID))
	mustContain(t, "document page", page.body, "Upload a new revision", fmt.Sprintf(`action="/documents/%d/revisions"`, doc.ID), "revision 1")

	// The same text is refused on the page, with the document shown again.
	r := b.postForm(fmt.Sprintf("/documents/%d/revisions", doc.ID), map[string][]string{"text": {revText1}}, true)
	if r.status != 422 || !strings.Contains(string(r.body), "the same as revision 1") {
		t.Fatalf("same text on the page: %d %.300s", r.status, r.body)
	}

	r = b.upload(fmt.Sprintf("/documents/%d/revisions", doc.ID), "v2.txt", []byte(revText2), true)
	if loc := r.header.Get("Location"); loc != fmt.Sprintf("/documents/%d/revisions/2", doc.ID) {
		t.Fatalf("after upload: %d %s", r.status, loc)
	}
	rev := b.follow(r)
	mustContain(t, "revision page", rev.body, "Revision 2 saved: 0 exact, 1 moved, 1 fuzzy, 1 orphaned.",
		`data-kind="moved"><strong>1</strong>`, `data-kind="orphaned"><strong>1</strong>`,
		`class="diff-ins`, `class="diff-del`, "anchor-fuzzy", "was: <del>The second claim tells of mountains and rivers.</del>",
		`id="orphans"`, fmt.Sprintf(`href="/documents/%d?reanchor=%d#doc-text"`, doc.ID, claims["short"].ID))

	// The document page: two highlights, the orphan in its tray.
	page = b.get(fmt.Sprintf("/documents/%d", doc.ID))
	mustContain(t, "document page", page.body, `id="orphans"`, fmt.Sprintf(`id="orphan-%d"`, claims["short"].ID), "1 orphaned")
	if n := strings.Count(string(page.body), `data-claims="`); n != 2 {
		t.Errorf("%d highlighted runs, want the 2 anchored claims", n)
	}
	page = b.get(fmt.Sprintf("/documents/%d?reanchor=%d", doc.ID, claims["short"].ID))
	mustContain(t, "re-anchor mode", page.body, "Select the new text for claim #",
		fmt.Sprintf(`data-reanchor="%d"`, claims["short"].ID), `data-version="`)

	// Revision 1 is readable, read-only.
	old := b.get(fmt.Sprintf("/documents/%d/revisions/1", doc.ID))
	mustContain(t, "revision 1", old.body, "superseded", "A short one.")
	if r := b.get(fmt.Sprintf("/documents/%d/revisions/9", doc.ID)); r.status != 404 {
		t.Errorf("revision 9: %d", r.status)
	}
}

func TestWordDiffRunsMarkClaims(t *testing.T) {
	chunks := anchor.WordDiff("one two three", "one 2 three four")
	var got []string
	for _, r := range diffRuns(chunks, []citecheck.Claim{{ID: 1, Start: 0, End: 3, Anchor: "moved"}}, nil) {
		got = append(got, r.Op+":"+r.Text+":"+r.Kind)
	}
	want := "eq:one:moved|eq: :|del:two:|ins:2:|eq: three:|ins: four:"
	if strings.Join(got, "|") != want {
		t.Errorf("runs %q, want %q", strings.Join(got, "|"), want)
	}
}

// BenchmarkRevision1MB5000Claims revises a 1 MB document with 5,000 claims through the API:
// the whole request, re-anchoring and the one transaction included.
func BenchmarkRevision1MB5000Claims(b *testing.B) {
	h := newHarness(b, Config{MaxTextBytes: 4 << 20})
	var sb strings.Builder
	for i := 0; sb.Len() < 1<<20; i++ {
		fmt.Fprintf(&sb, "Sentence number %d tells of event %d in the region, as reported. [%d] ", i, i*7%1000, i%50+1)
		if i%8 == 7 {
			sb.WriteString("\n\n")
		}
	}
	text := sb.String()
	ctx := context.Background()
	rita, _, _ := h.st.UserByName(ctx, "rita")
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		doc := h.createDocument("rita", "big", text)
		t := citecheck.NewText(text)
		claims := make([]citecheck.Claim, 0, 5000)
		step := t.Len() / 5000
		for k := 0; k < 5000; k++ {
			c := citecheck.Claim{Start: k * step, End: k*step + 60, Refs: []int{1}}
			citecheck.FillQuote(t, &c)
			claims = append(claims, c)
		}
		if _, err := h.st.CreateClaims(ctx, doc.ID, claims, rita.ID); err != nil {
			b.Fatal(err)
		}
		// Edits all over: a word changed every 40 sentences, a paragraph moved.
		next := strings.Replace(text, "as reported", "as was reported", 1)
		parts := strings.Split(next, "\n\n")
		parts[3], parts[len(parts)-2] = parts[len(parts)-2], parts[3]
		next = strings.Join(parts, "\n\n")
		for k := 40; k < 5000; k += 40 {
			next = strings.Replace(next, fmt.Sprintf("number %d tells", k), fmt.Sprintf("number %d says", k), 1)
		}
		b.StartTimer()
		start := time.Now()
		r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/revisions", doc.ID), "rita", map[string]any{"text": next})
		if r.status != http.StatusCreated {
			b.Fatalf("revise: %d %.300s", r.status, r.body)
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/5000, "µs/claim")
		if i == 0 {
			b.Logf("%s in %v", r.body, time.Since(start).Round(time.Millisecond))
		}
	}
}
