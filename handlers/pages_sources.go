package handlers

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/views"
)

// maxPanelItems bounds each list of the Sources panel: the document page of a large text must
// stay light, and the panel says how many more there are.
const maxPanelItems = 50

// maxUncitedItems bounds the uncited statements the panel lists: each carries a claim form, and
// the whole panel travels in a save's answer when its lists change, which must stay small.
const maxUncitedItems = 10

// sourcesView shapes a document's check for the Sources panel; claims carry their checks.
func sourcesView(d *loadedDocument, check citecheck.SourcesCheck, claims []citecheck.Claim) views.SourcesView {
	v := views.SourcesView{Markers: check.Markers, Covered: check.Covered, Problems: check.Problems,
		References: check.References}
	if d.src.List != nil {
		v.HasList, v.Heading = true, d.src.List.Heading
	}
	for i, m := range check.Uncovered {
		if i == maxPanelItems {
			v.UncoveredMore = len(check.Uncovered) - i
			break
		}
		v.Uncovered = append(v.Uncovered, views.UncoveredMarker{Start: m.Start,
			Marker: d.text.Slice(m.Start, m.End), Before: textBefore(d.text, m.Start, 40)})
	}
	for i := range claims {
		if len(claims[i].Checks) == 0 {
			continue
		}
		if len(v.ProblemClaims) == maxPanelItems {
			v.ProblemMore++
			continue
		}
		v.ProblemClaims = append(v.ProblemClaims, views.ProblemClaim{ID: claims[i].ID,
			Quote: claims[i].Quote, Checks: claims[i].Checks})
	}
	return v
}

// uncitedItems shapes the first maxPanelItems uncited sentences for the panel, each with the
// claim that covers it, if any, and says how many more there are.
func uncitedItems(d *loadedDocument, uncited []citecheck.UncitedSentence, claims []citecheck.Claim) ([]views.UncitedItem, int) {
	var items []views.UncitedItem
	for i, u := range uncited {
		if i == maxUncitedItems {
			return items, len(uncited) - i
		}
		it := views.UncitedItem{Start: u.Start, End: u.End, Quote: d.text.Slice(u.Start, u.End), Reason: u.Reason}
		for k := range claims {
			if claims[k].Start <= u.Start && u.End <= claims[k].End {
				it.ClaimID = claims[k].ID
				break
			}
		}
		items = append(items, it)
	}
	return items, 0
}

// addEvidencePanel puts into the panel the uncited statements of the text, each with the claim
// that covers it, and the document's archived sources, each under its entry of the reference
// list or, for a number the list lacks, among the others.
func (s *Server) addEvidencePanel(c echo.Context, d *loadedDocument, claims []citecheck.Claim, v *views.SourcesView) error {
	v.Uncited, v.UncitedMore = uncitedItems(d, s.uncitedOf(d), claims)
	caps, err := s.store.Captures(c.Request().Context(), d.doc.ID)
	if err != nil {
		return err
	}
	v.Archive = views.SourceArchive{ByRef: map[int][]citecheck.Capture{}, CanFetch: s.fetcher.Enabled()}
	for _, cp := range caps {
		if _, listed := d.src.List.Entry(cp.Ref); listed {
			v.Archive.ByRef[cp.Ref] = append(v.Archive.ByRef[cp.Ref], cp)
		} else {
			v.Archive.Unlisted = append(v.Archive.Unlisted, cp)
		}
	}
	return nil
}

// createSourcePage takes the archive form of the Sources panel: an uploaded file, else pasted
// text, else the URL for the server to fetch; then returns to the panel.
func (s *Server) createSourcePage(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	ref, err := strconv.Atoi(strings.TrimSpace(c.FormValue("number")))
	if err != nil || ref <= 0 {
		return s.formError(c, d.doc.ID, citecheck.FieldErrorf(citecheck.ECodeInvalid, "number", "the reference number must be a positive whole number"))
	}
	in := captureInput{title: c.FormValue("title"), url: c.FormValue("url")}
	if fh, ferr := c.FormFile("file"); ferr == nil && fh.Size > 0 {
		if in, err = s.captureRequestInput(c); err != nil {
			return s.formError(c, d.doc.ID, err)
		}
	} else if text := c.FormValue("text"); strings.TrimSpace(text) != "" {
		in.text = &text
	}
	cp, err := s.captureSource(c, d, ref, in)
	if err != nil {
		if citecheck.ErrorCode(err) == citecheck.ECodeNotFound { // the entry, not the document
			status, detail := s.toDetail(c, err)
			return s.renderDocument(c, status, detail.Message)
		}
		return s.formError(c, d.doc.ID, err)
	}
	msg := fmt.Sprintf("Source #%d archived for [%d]: %s.", cp.ID, cp.Ref, cp.Title)
	return redirectWithFlash(c, docURL(d.doc.ID)+"#source-"+strconv.FormatInt(cp.ID, 10), msg, false)
}

// claimUncitedPage takes the button of an uncited statement: it makes the sentence a
// citation-needed claim, if it is still an uncited sentence of the text with the same quote and
// no claim covers it yet (a second click, another tab).
func (s *Server) claimUncitedPage(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	start, err1 := strconv.Atoi(c.FormValue("start"))
	end, err2 := strconv.Atoi(c.FormValue("end"))
	open := false
	for _, u := range s.uncitedOf(d) {
		open = open || err1 == nil && err2 == nil && u.Start == start && u.End == end
	}
	if !open {
		return s.formError(c, d.doc.ID, citecheck.FieldErrorf(citecheck.ECodeInvalid, "start",
			"that sentence is no longer an uncited statement of the text; reload the page"))
	}
	st, err := s.documentState(c.Request().Context(), d)
	if err != nil {
		return err
	}
	if items, _ := uncitedItems(d, []citecheck.UncitedSentence{{Start: start, End: end}}, st.claims); items[0].ClaimID != 0 {
		return redirectWithFlash(c, views.ClaimInTextURL(d.doc.ID, items[0].ClaimID),
			fmt.Sprintf("Nothing created: claim #%d already covers that sentence.", items[0].ClaimID), true)
	}
	quote := strings.ReplaceAll(c.FormValue("quote"), "\r\n", "\n")
	cl, err := buildClaim(d, claimInput{start: start, end: end, quote: &quote, refs: []int{},
		status: string(citecheck.StatusCitationNeeded)}, currentUser(c).ID)
	if err == nil {
		cl, err = s.store.CreateClaim(c.Request().Context(), cl)
	}
	if err != nil {
		return s.formError(c, d.doc.ID, err)
	}
	return redirectWithFlash(c, views.ClaimInTextURL(d.doc.ID, cl.ID),
		fmt.Sprintf("Claim #%d created: citation needed.", cl.ID), false)
}

// textBefore is up to n code points of the text before cp, within its line, starting at a
// word and marked with "…" where it was cut.
func textBefore(t *citecheck.Text, cp, n int) string {
	from := max(0, cp-n)
	s := t.Slice(from, cp)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[i+1:])
	}
	if from > 0 {
		if i := strings.IndexByte(s, ' '); i >= 0 {
			s = s[i+1:]
		}
		return "…" + strings.TrimSpace(s)
	}
	return strings.TrimSpace(s)
}

// claimSentenceBeforePage takes the button of an uncovered marker: it claims the sentence that
// the marker backs, with the marker's refs, and shows the new claim in the text.
func (s *Server) claimSentenceBeforePage(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	marker := bodyMarkerAt(d, c.FormValue("start"))
	if marker == nil {
		return s.formError(c, d.doc.ID, citecheck.FieldErrorf(citecheck.ECodeInvalid, "start", "no citation marker of the text starts at %q", c.FormValue("start")))
	}
	sp := citecheck.SentenceAt(d.text, d.src.Citations, marker.Start)
	// The sentence's whole marker run, not only the clicked marker: a claim over "talks. [30]
	// [31]" that listed 30 alone would be flagged marker-not-attached at once.
	refs := citecheck.SuggestRefs(d.text, d.src.Citations, sp.Start, sp.End)
	for _, r := range marker.Refs {
		if !slices.Contains(refs, r) {
			refs = append(refs, r)
		}
	}
	cl, err := buildClaim(d, claimInput{start: sp.Start, end: sp.End, refs: refs, status: string(citecheck.StatusUnverified)}, currentUser(c).ID)
	if err == nil {
		cl, err = s.store.CreateClaim(c.Request().Context(), cl)
	}
	if err != nil {
		return s.formError(c, d.doc.ID, err)
	}
	msg := fmt.Sprintf("Claim #%d created over the sentence before %s.", cl.ID, d.text.Slice(marker.Start, marker.End))
	return redirectWithFlash(c, views.ClaimInTextURL(d.doc.ID, cl.ID), msg, false)
}

// bodyMarkerAt finds the body marker that starts at the code point offset in field, or nil.
func bodyMarkerAt(d *loadedDocument, field string) *citecheck.Citation {
	start, err := strconv.Atoi(strings.TrimSpace(field))
	if err != nil {
		return nil
	}
	cits := d.src.Citations
	i := sort.Search(len(cits), func(i int) bool { return cits[i].Start >= start })
	if i < len(cits) && cits[i].Start == start {
		return &cits[i]
	}
	return nil
}

// referencePage applies one change of the reference list from a form of the Sources panel and
// returns to the panel; a refusal shows the document page again with its message.
func (s *Server) referencePage(c echo.Context, op string) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	e := citecheck.Reference{Text: c.FormValue("text"), URL: strings.TrimSpace(c.FormValue("url"))}
	if op == "add" {
		e.Manual = true
		if e.Number, err = strconv.Atoi(strings.TrimSpace(c.FormValue("number"))); err != nil {
			return s.formError(c, d.doc.ID, citecheck.FieldErrorf(citecheck.ECodeInvalid, "number", "the reference number must be a whole number"))
		}
	} else if e.Number, err = referenceNumber(c); err != nil {
		return err
	}
	if _, err := s.changeReferences(c, d.doc.ID, referenceChange{op: op, entry: e}); err != nil {
		if citecheck.ErrorCode(err) == citecheck.ECodeNotFound { // the entry, not the document
			status, detail := s.toDetail(c, err)
			return s.renderDocument(c, status, detail.Message)
		}
		return s.formError(c, d.doc.ID, err)
	}
	done := map[string]string{"add": "added", "edit": "saved", "remove": "removed"}[op]
	return redirectWithFlash(c, docURL(d.doc.ID)+"#sources-panel", fmt.Sprintf("Reference [%d] %s.", e.Number, done), false)
}

func (s *Server) addReferencePage(c echo.Context) error    { return s.referencePage(c, "add") }
func (s *Server) editReferencePage(c echo.Context) error   { return s.referencePage(c, "edit") }
func (s *Server) removeReferencePage(c echo.Context) error { return s.referencePage(c, "remove") }

func docURL(id int64) string { return fmt.Sprintf("/documents/%d", id) }

func suggestionsURL(id int64) string { return docURL(id) + "/suggestions" }

// suggestionsPage lists the open suggestions of "claim every cited sentence".
func (s *Server) suggestionsPage(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	items, dismissed, err := s.suggestions(c.Request().Context(), d)
	if err != nil {
		return err
	}
	p := s.page(c, "Suggestions · "+d.doc.Title)
	return s.render(c, http.StatusOK, views.SuggestionsPage(p, views.SuggestionsView{Doc: d.doc, Items: items, Dismissed: dismissed}))
}

// formSpans reads the repeated start and end fields of a suggestions form, in order.
func formSpans(c echo.Context) ([]citecheck.Span, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, citecheck.Errorf(citecheck.ECodeInvalid, "the form could not be read")
	}
	starts, ends := form["start"], form["end"]
	if len(starts) == 0 || len(starts) != len(ends) {
		return nil, citecheck.FieldErrorf(citecheck.ECodeInvalid, "start", "the form holds no sentences")
	}
	spans := make([]citecheck.Span, len(starts))
	for i := range starts {
		a, err1 := strconv.Atoi(starts[i])
		b, err2 := strconv.Atoi(ends[i])
		if err1 != nil || err2 != nil {
			return nil, citecheck.FieldErrorf(citecheck.ECodeInvalid, "start", "offsets must be whole numbers")
		}
		spans[i] = citecheck.Span{Start: a, End: b}
	}
	return spans, nil
}

// acceptSuggestionsPage creates the claims of the accepted suggestions, one or all: the
// repeated fields start, end, quote and refs describe each. A sentence claimed or dismissed
// meanwhile (a second click, another tab) is skipped, so nothing is created twice.
func (s *Server) acceptSuggestionsPage(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	back := suggestionsURL(d.doc.ID)
	claims, skipped, err := s.acceptedClaims(c, d)
	if err != nil {
		if citecheck.ErrorCode(err) == "internal" {
			return err
		}
		_, detail := s.toDetail(c, err)
		return redirectWithFlash(c, back, "Nothing created: "+detail.Message, true)
	}
	if len(claims) == 0 {
		return redirectWithFlash(c, back, "Nothing to accept: those sentences already have a claim or were dismissed.", true)
	}
	var msg string
	for i, cl := range claims {
		created, err := s.store.CreateClaim(c.Request().Context(), cl)
		if err != nil {
			return err
		}
		if i == 0 {
			msg = fmt.Sprintf("Claim #%d created.", created.ID)
		}
	}
	if len(claims) > 1 {
		msg = fmt.Sprintf("%d claims created.", len(claims))
	}
	if skipped > 0 {
		msg += fmt.Sprintf(" %s already had a claim or had been dismissed.", plural(skipped, "sentence", "sentences"))
	}
	return redirectWithFlash(c, back, msg, false)
}

// acceptedClaims builds the claims of an accept form, checking each quote against the text,
// and counts the sentences that are no longer open.
func (s *Server) acceptedClaims(c echo.Context, d *loadedDocument) ([]*citecheck.Claim, int, error) {
	spans, err := formSpans(c)
	if err != nil {
		return nil, 0, err
	}
	form, _ := c.FormParams()
	quotes, refs := form["quote"], form["refs"]
	if len(quotes) != len(spans) || len(refs) != len(spans) {
		return nil, 0, citecheck.FieldErrorf(citecheck.ECodeInvalid, "quote", "each sentence needs its quote and refs")
	}
	open, err := s.openSuggestions(c.Request().Context(), d)
	if err != nil {
		return nil, 0, err
	}
	isOpen := make(map[citecheck.Span]bool, len(open))
	for _, o := range open {
		isOpen[citecheck.Span{Start: o.Start, End: o.End}] = true
	}
	var out []*citecheck.Claim
	skipped := 0
	for i, sp := range spans {
		if !isOpen[sp] {
			skipped++
			continue
		}
		isOpen[sp] = false // the same sentence twice in one form makes one claim
		rs, err := parseRefsField(refs[i])
		if err != nil {
			return nil, 0, err
		}
		// Browsers send line breaks in form fields as CRLF; stored texts hold LF only.
		q := strings.ReplaceAll(quotes[i], "\r\n", "\n")
		cl, err := buildClaim(d, claimInput{start: sp.Start, end: sp.End, quote: &q, refs: rs,
			status: string(citecheck.StatusUnverified)}, currentUser(c).ID)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, cl)
	}
	return out, skipped, nil
}

// dismissSuggestionsPage records dismissed suggestions, one or all, and returns to the list.
func (s *Server) dismissSuggestionsPage(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	back := suggestionsURL(d.doc.ID)
	spans, err := formSpans(c)
	if err == nil {
		err = s.dismiss(c, d, spans)
	}
	if err != nil {
		if citecheck.ErrorCode(err) == "internal" {
			return err
		}
		_, detail := s.toDetail(c, err)
		return redirectWithFlash(c, back, "Nothing dismissed: "+detail.Message, true)
	}
	return redirectWithFlash(c, back, plural(len(spans), "suggestion", "suggestions")+" dismissed.", false)
}

// plural writes "1 claim" or "3 claims".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// restoreSuggestionsPage brings dismissed suggestions back, one or all, and returns to the list.
func (s *Server) restoreSuggestionsPage(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	back := suggestionsURL(d.doc.ID)
	spans, err := formSpans(c)
	n := 0
	if err == nil {
		n, err = s.restore(c, d, spans)
	}
	if err != nil {
		if citecheck.ErrorCode(err) == "internal" {
			return err
		}
		_, detail := s.toDetail(c, err)
		return redirectWithFlash(c, back, "Nothing restored: "+detail.Message, true)
	}
	if n == 0 {
		return redirectWithFlash(c, back, "Nothing to restore: those suggestions were not dismissed.", true)
	}
	return redirectWithFlash(c, back, plural(n, "suggestion", "suggestions")+" restored.", false)
}
