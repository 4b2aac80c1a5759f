package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

// matrixEvidence gives the role matrix a source of document doc (for ref 2) and evidence of
// ralph's on a second claim of his, so the claim the other cases change stays at version 1.
func matrixEvidence(t *testing.T, h *harness, doc, ralph int64) (source, evidence int64) {
	t.Helper()
	ctx := context.Background()
	cp, err := citecheck.NewCapture("Ralph's source: more text.", "", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	cp.DocumentID, cp.Ref, cp.Method, cp.CapturedByID = doc, 2, citecheck.CapturePaste, ralph
	src, err := h.st.CreateCapture(ctx, cp)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := h.st.CreateClaim(ctx, &citecheck.Claim{DocumentID: doc, Start: 19, End: 28, Quote: "More text",
		Refs: []int{2}, CreatedByID: ralph})
	if err != nil {
		t.Fatal(err)
	}
	e, err := citecheck.NewEvidence(cl, src, citecheck.NewText(src.Text),
		citecheck.EvidenceInput{Start: 0, End: 7, Stance: "supports"}, ralph)
	if err != nil {
		t.Fatal(err)
	}
	if e, _, err = h.st.AddEvidence(ctx, e); err != nil {
		t.Fatal(err)
	}
	return src.ID, e.ID
}

// evidenceSource is the text of a source with emoji, Arabic and combining marks.
const evidenceSource = "Family 👨‍👩‍👧‍👦 and flags 🇸🇾🇯🇴 said so.\n\nقال المتحدث إن المفاوضات مستمرة.\n\nZ͑͒a̐l̢go café: talks began in Vienna."

// evidenceFixture is a document, a source of its entry 1 and a supported claim of rita's.
type evidenceFixture struct {
	doc    citecheck.Document
	source citecheck.Capture
	claim  citecheck.Claim
}

func newEvidenceFixture(t *testing.T, h *harness) evidenceFixture {
	t.Helper()
	var f evidenceFixture
	f.doc = h.createDocument("rita", "talks", sourcesDocText)
	r := h.do("POST", sourcesPath(f.doc.ID, 1), "rita", map[string]any{"text": evidenceSource})
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
	return f
}

// cpSpan is the code point span of the first sub in text.
func cpSpan(t *testing.T, text, sub string) (int, int) {
	t.Helper()
	b := strings.Index(text, sub)
	if b < 0 {
		t.Fatalf("%q not in %q", sub, text)
	}
	return citecheck.ByteToCodePoint(text, b), citecheck.ByteToCodePoint(text, b+len(sub))
}

func (f evidenceFixture) evidencePath() string {
	return fmt.Sprintf("/api/v1/claims/%d/evidence", f.claim.ID)
}

func (f evidenceFixture) reload(t *testing.T, h *harness) citecheck.Claim {
	t.Helper()
	var cl citecheck.Claim
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d", f.claim.ID), "rita", nil).json(t, &cl)
	return cl
}

// readTestdata reads a fixture of the module's testdata folder.
func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAddEvidenceOverEmojiArabicAndCombiningMarks(t *testing.T) {
	h := newHarness(t, Config{})
	f := newEvidenceFixture(t, h)
	if got := checkCodes(f.claim.Checks); got != citecheck.CheckNoEvidence {
		t.Fatalf("a supported claim without evidence has checks %q", got)
	}
	for _, passage := range []string{"👨‍👩‍👧‍👦 and flags 🇸🇾🇯🇴", "إن المفاوضات مستمرة", "Z͑͒a̐l̢go café", "talks began in Vienna."} {
		start, end := cpSpan(t, evidenceSource, passage)
		r := h.do("POST", f.evidencePath(), "ralph", map[string]any{"source_id": f.source.ID, "start": start, "end": end,
			"quote": passage, "stance": "supports", "note": "§ 2"})
		if r.status != http.StatusCreated {
			t.Fatalf("%q: %d %s", passage, r.status, r.body)
		}
		var e citecheck.Evidence
		r.json(t, &e)
		if e.Quote != passage || e.Start != start || e.End != end || e.Ref != 1 || e.SourceID != f.source.ID ||
			e.ClaimID != f.claim.ID || e.CreatedBy != "ralph" || e.Note != "§ 2" || e.Stance != citecheck.StanceSupports {
			t.Errorf("evidence %+v", e)
		}
		if !strings.HasSuffix(evidenceSource[:strings.Index(evidenceSource, passage)], e.Prefix) ||
			!strings.HasPrefix(evidenceSource[strings.Index(evidenceSource, passage)+len(passage):], e.Suffix) {
			t.Errorf("context %q / %q", e.Prefix, e.Suffix)
		}
	}
	cl := f.reload(t, h)
	if len(cl.Evidence) != 4 || cl.Evidence[0].Quote != "👨‍👩‍👧‍👦 and flags 🇸🇾🇯🇴" || len(cl.Checks) != 0 {
		t.Errorf("claim evidence %+v, checks %+v", cl.Evidence, cl.Checks)
	}
	var list struct{ Claims []citecheck.Claim }
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims", f.doc.ID), "rita", nil).json(t, &list)
	if len(list.Claims) != 1 || len(list.Claims[0].Evidence) != 4 {
		t.Errorf("listed claims %+v", list.Claims)
	}
}

func TestEvidenceRefusalsChangeNothing(t *testing.T) {
	h := newHarness(t, Config{})
	f := newEvidenceFixture(t, h)
	other := h.createDocument("rita", "other", "Another text. [1]")
	var foreign citecheck.Capture
	h.do("POST", sourcesPath(other.ID, 1), "rita", map[string]any{"text": "Foreign source."}).json(t, &foreign)
	n := len([]rune(evidenceSource))
	start, end := cpSpan(t, evidenceSource, "Z͑͒a̐l̢go")
	tests := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"a quote of other text", map[string]any{"source_id": f.source.ID, "start": start, "end": end, "quote": "Zalgo", "stance": "supports"}, 422, citecheck.ECodeQuoteMismatch},
		{"a quote counted in UTF-16", map[string]any{"source_id": f.source.ID, "start": 7, "end": 18, "quote": "👨‍👩‍👧‍👦", "stance": "supports"}, 422, citecheck.ECodeQuoteMismatch},
		{"past the end of the source", map[string]any{"source_id": f.source.ID, "start": n - 1, "end": n + 1, "stance": "supports"}, 422, citecheck.ECodeOffsetOutOfRange},
		{"only white space", map[string]any{"source_id": f.source.ID, "start": 6, "end": 7, "stance": "supports"}, 422, citecheck.ECodeEmptySpan},
		{"no stance", map[string]any{"source_id": f.source.ID, "start": 0, "end": 6}, 422, citecheck.ECodeInvalidStance},
		{"an unknown stance", map[string]any{"source_id": f.source.ID, "start": 0, "end": 6, "stance": "agrees"}, 422, citecheck.ECodeInvalidStance},
		{"a source of another document", map[string]any{"source_id": foreign.ID, "start": 0, "end": 7, "stance": "supports"}, 422, citecheck.ECodeInvalid},
		{"an unknown source", map[string]any{"source_id": 999, "start": 0, "end": 6, "stance": "supports"}, 422, citecheck.ECodeInvalid},
		{"no source", map[string]any{"start": 0, "end": 6, "stance": "supports"}, 422, citecheck.ECodeInvalid},
		{"no start", map[string]any{"source_id": f.source.ID, "end": 6, "stance": "supports"}, 422, citecheck.ECodeOffsetOutOfRange},
		{"a control character in the note", map[string]any{"source_id": f.source.ID, "start": 0, "end": 6, "stance": "supports", "note": "a\u0007"}, 422, citecheck.ECodeControlChar},
		{"a string offset", map[string]any{"source_id": f.source.ID, "start": "0", "end": 6, "stance": "supports"}, 400, citecheck.ECodeMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do("POST", f.evidencePath(), "ralph", tt.body)
			if r.status != tt.status || r.errorCode(t) != tt.code {
				t.Errorf("%d %s, want %d %s", r.status, r.body, tt.status, tt.code)
			}
		})
	}
	if r := h.do("POST", "/api/v1/claims/999/evidence", "ralph", map[string]any{"source_id": f.source.ID, "start": 0, "end": 6, "stance": "supports"}); r.status != 404 {
		t.Errorf("an unknown claim: %d %s", r.status, r.body)
	}
	cl := f.reload(t, h)
	if len(cl.Evidence) != 0 || cl.Version != f.claim.Version {
		t.Errorf("a refused request changed the claim: %+v", cl)
	}
}

func TestEvidenceSendsAReviewedClaimBackToPending(t *testing.T) {
	h := newHarness(t, Config{})
	f := newEvidenceFixture(t, h)
	start, end := cpSpan(t, evidenceSource, "talks began in Vienna.")
	add := func(user string) citecheck.Evidence {
		t.Helper()
		r := h.do("POST", f.evidencePath(), user, map[string]any{"source_id": f.source.ID, "start": start, "end": end, "stance": "supports"})
		if r.status != 201 {
			t.Fatalf("add evidence: %d %s", r.status, r.body)
		}
		var e citecheck.Evidence
		r.json(t, &e)
		return e
	}
	approve := func() {
		t.Helper()
		cl := f.reload(t, h)
		r := h.do("POST", fmt.Sprintf("/api/v1/claims/%d/review", f.claim.ID), "ed", map[string]any{"decision": "approved", "version": cl.Version})
		if r.status != 200 {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
	}
	add("rita")
	approve()
	second := add("ralph")
	cl := f.reload(t, h)
	if cl.Review != citecheck.ReviewPending || cl.ReviewedBy != nil || cl.UpdatedBy != "ralph" {
		t.Errorf("after adding evidence to an approved claim: %+v", cl)
	}
	approve()
	if r := h.do("DELETE", fmt.Sprintf("/api/v1/evidence/%d", second.ID), "rita", nil); r.status != 403 || r.errorCode(t) != citecheck.ECodeForbidden {
		t.Errorf("a reviewer who did not add it: %d %s", r.status, r.body)
	}
	if cl := f.reload(t, h); cl.Review != citecheck.ReviewApproved || len(cl.Evidence) != 2 {
		t.Errorf("a refused removal changed the claim: %+v", cl)
	}
	if r := h.do("DELETE", fmt.Sprintf("/api/v1/evidence/%d", second.ID), "ralph", nil); r.status != 204 {
		t.Errorf("its creator: %d %s", r.status, r.body)
	}
	if r := h.do("DELETE", fmt.Sprintf("/api/v1/evidence/%d", second.ID), "ed", nil); r.status != 404 {
		t.Errorf("removed twice: %d %s", r.status, r.body)
	}
	cl = f.reload(t, h)
	if cl.Review != citecheck.ReviewPending || len(cl.Evidence) != 1 {
		t.Errorf("after removing evidence: %+v", cl)
	}
	var hist struct{ Events []citecheck.ClaimEvent }
	h.do("GET", fmt.Sprintf("/api/v1/claims/%d/history", f.claim.ID), "rita", nil).json(t, &hist)
	var actions []string
	for _, e := range hist.Events {
		actions = append(actions, e.Action)
	}
	want := "created,evidence-added,reviewed,evidence-added,reviewed,evidence-removed"
	if got := strings.Join(actions, ","); got != want {
		t.Errorf("history %s, want %s", got, want)
	}
}

func TestEvidenceChecksInClaimsAndTheDocumentCheck(t *testing.T) {
	h := newHarness(t, Config{})
	f := newEvidenceFixture(t, h)
	// Approving a supported claim without evidence needs an override, as any citation problem does.
	r := h.do("POST", fmt.Sprintf("/api/v1/claims/%d/review", f.claim.ID), "ed", map[string]any{"decision": "approved", "version": f.claim.Version})
	if r.status != 422 || r.errorCode(t) != citecheck.ECodeUnresolvedChecks {
		t.Errorf("approve without evidence: %d %s", r.status, r.body)
	}
	var other citecheck.Capture
	h.do("POST", sourcesPath(f.doc.ID, 2), "rita", map[string]any{"text": "AP: the talks collapsed."}).json(t, &other)
	h.do("POST", f.evidencePath(), "rita", map[string]any{"source_id": other.ID, "start": 4, "end": 24, "stance": "contradicts"})
	cl := f.reload(t, h)
	if got := checkCodes(cl.Checks); got != citecheck.CheckEvidenceRefNotCited+", "+citecheck.CheckStanceConflict {
		t.Errorf("claim checks %q", got)
	}
	var check struct {
		Claims  []citecheck.ClaimCheck      `json:"claims"`
		Uncited []citecheck.UncitedSentence `json:"uncited"`
	}
	r = h.do("GET", fmt.Sprintf("/api/v1/documents/%d/check", f.doc.ID), "rita", nil)
	r.json(t, &check)
	if len(check.Claims) != 1 || checkCodes(check.Claims[0].Checks) != checkCodes(cl.Checks) {
		t.Errorf("document check claims %+v", check.Claims)
	}
	if !strings.Contains(string(r.body), `"uncited":[]`) {
		t.Errorf("every body sentence of the fixture is cited: %s", r.body)
	}
	sample := h.createDocument("rita", "sample", readTestdata(t, "user-sample.txt"))
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/check", sample.ID), "rita", nil).json(t, &check)
	found := map[string]string{}
	for _, u := range check.Uncited {
		found[citecheck.NewText(sample.Text).Slice(u.Start, u.End)] = u.Reason
	}
	for sub, reason := range map[string]string{"33 per cent of Daraa governorate respondents said": "number", "On 14 May, these new troops": "date"} {
		ok := false
		for s, got := range found {
			ok = ok || strings.Contains(s, sub) && got == reason
		}
		if !ok {
			t.Errorf("uncited %v lacks %q (%s)", found, sub, reason)
		}
	}
}

func TestUncitedStatementBecomesACitationNeededClaim(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "sample", readTestdata(t, "user-sample.txt"))
	b := h.newBrowser()
	b.login("rita")
	page := b.get(fmt.Sprintf("/documents/%d", doc.ID))
	if page.status != 200 || !strings.Contains(string(page.body), "Uncited statements") || !strings.Contains(string(page.body), "Mark citation needed") {
		t.Fatalf("the Sources panel lists no uncited statement: %d", page.status)
	}
	sentence := "On 14 May, these new troops drove civilians from their homes on the outskirts of the suburb of Daraa Al-Balad and threatened violent shelling in various areas."
	start, end := cpSpan(t, doc.Text, sentence)
	form := url.Values{"start": {fmt.Sprint(start)}, "end": {fmt.Sprint(end)}, "quote": {sentence}}
	r := b.postForm(fmt.Sprintf("/documents/%d/uncited/claim", doc.ID), form, true)
	if r.status != http.StatusSeeOther {
		t.Fatalf("claim the sentence: %d %s", r.status, r.body)
	}
	var list struct{ Claims []citecheck.Claim }
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", nil).json(t, &list)
	if len(list.Claims) != 1 || list.Claims[0].Status != citecheck.StatusCitationNeeded || list.Claims[0].Quote != sentence ||
		len(list.Claims[0].Refs) != 0 || len(list.Claims[0].Checks) != 0 {
		t.Fatalf("claims %+v", list.Claims)
	}
	page = b.get(fmt.Sprintf("/documents/%d", doc.ID))
	if !strings.Contains(string(page.body), fmt.Sprintf(`href="#claim-%d">claim #%d</a>`, list.Claims[0].ID, list.Claims[0].ID)) {
		t.Error("the panel does not name the new claim beside its sentence")
	}
	// A second click, and a sentence that is cited, make nothing.
	b.postForm(fmt.Sprintf("/documents/%d/uncited/claim", doc.ID), form, true)
	cited := "Ministers agreed that the Syrian government and the opposition should start political talks."
	cs, ce := cpSpan(t, doc.Text, cited)
	if r := b.postForm(fmt.Sprintf("/documents/%d/uncited/claim", doc.ID), url.Values{"start": {fmt.Sprint(cs)}, "end": {fmt.Sprint(ce)}, "quote": {cited}}, true); r.status != 422 {
		t.Errorf("a cited sentence: %d", r.status)
	}
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", nil).json(t, &list)
	if len(list.Claims) != 1 {
		t.Errorf("claims after a second click: %d", len(list.Claims))
	}
}

func TestSourcesPanelArchivesAPastedSource(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "talks", sourcesDocText)
	b := h.newBrowser()
	b.login("rita")
	b.get(fmt.Sprintf("/documents/%d", doc.ID))
	r := b.postForm(fmt.Sprintf("/documents/%d/sources", doc.ID), url.Values{"number": {"2"}, "title": {"AP <wire>"},
		"text": {"AP\r\nObservers doubted it."}}, true)
	if r.status != http.StatusSeeOther {
		t.Fatalf("archive: %d %s", r.status, r.body)
	}
	page := string(b.get(fmt.Sprintf("/documents/%d", doc.ID)).body)
	if !strings.Contains(page, "AP &lt;wire&gt;") || strings.Contains(page, "AP <wire>") || !strings.Contains(page, "paste ·") {
		t.Error("the panel does not list the archived source, escaped, with its method")
	}
	if r := b.postForm(fmt.Sprintf("/documents/%d/sources", doc.ID), url.Values{"number": {"2"}, "text": {"x"}}, false); r.status != 403 {
		t.Errorf("without the CSRF token: %d", r.status)
	}
	if r := b.postForm(fmt.Sprintf("/documents/%d/sources", doc.ID), url.Values{"number": {"2"}, "url": {"https://example.org/"}}, true); r.status != 422 ||
		!strings.Contains(string(r.body), "does not fetch") {
		t.Errorf("a fetch on a server that does not fetch: %d", r.status)
	}
	var list struct{ Sources []citecheck.Capture }
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/sources", doc.ID), "rita", nil).json(t, &list)
	if len(list.Sources) != 1 || list.Sources[0].Ref != 2 || list.Sources[0].Title != "AP <wire>" {
		t.Errorf("sources %+v", list.Sources)
	}
}

func TestUncitedFollowsANewRevision(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "t", "Turnout fell to 41% last year. [1]")
	uncited := func() string {
		t.Helper()
		var check struct {
			Uncited []citecheck.UncitedSentence `json:"uncited"`
		}
		h.do("GET", fmt.Sprintf("/api/v1/documents/%d/check", doc.ID), "rita", nil).json(t, &check)
		return fmt.Sprint(check.Uncited)
	}
	if got := uncited(); got != "[]" {
		t.Fatalf("revision 1: %s", got)
	}
	if r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/revisions", doc.ID), "rita",
		map[string]any{"text": "Turnout fell to 41% last year. [1] Some 300 families left."}); r.status != 201 {
		t.Fatalf("revise: %d %s", r.status, r.body)
	}
	if got := uncited(); got != "[{35 58 number}]" {
		t.Errorf("revision 2: %s", got)
	}
}
