package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/views"
)

func claimURL(id int64) string { return fmt.Sprintf("/claims/%d", id) }

// mayDecide tells whether u may approve or reject cl, by the rules the decision is recorded
// under (citecheck.MayReview).
func mayDecide(u *citecheck.User, cl *citecheck.Claim) bool {
	return citecheck.MayReview(u, cl)
}

func (s *Server) claimPage(c echo.Context) error {
	return s.renderClaim(c, http.StatusOK, "")
}

// claimFormError shows the claim page again with a refused form's message, or passes on an
// internal error and an unknown claim.
func (s *Server) claimFormError(c echo.Context, err error) error {
	if citecheck.ErrorCode(err) == "internal" {
		return err
	}
	status, detail := s.toDetail(c, err)
	if detail.Code == citecheck.ECodeNotFound {
		return err
	}
	return s.renderClaim(c, status, detail.Message)
}

// renderClaim shows the claim of the path with its history; errMsg reports a refused form.
func (s *Server) renderClaim(c echo.Context, status int, errMsg string) error {
	cl, d, err := s.claimFromPath(c)
	if err != nil {
		return err
	}
	withChecks(d, cl)
	events, err := s.store.ClaimHistory(c.Request().Context(), cl.ID)
	if err != nil && citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		return err
	}
	caps, err := s.documentCaptures(c.Request().Context(), d.doc.ID)
	if err != nil {
		return err
	}
	comments, err := s.store.Comments(c.Request().Context(), cl.ID)
	if err != nil {
		return err
	}
	v := views.ClaimView{
		Comments:  comments,
		Claim:     *cl,
		DocTitle:  d.doc.Title,
		Refs:      refMarkers(d, cl),
		RefsText:  joinInts(cl.Refs, ", "),
		CanDecide: mayDecide(currentUser(c), cl),
		CanUndo:   citecheck.MayUndo(currentUser(c), cl),
		Evidence:  evidenceItems(cl, caps),
		History:   historyEntries(events),
		Orphan:    citecheck.OrphanReason(cl, d.doc.Revision),
	}
	if cl.Review == citecheck.ReviewPending {
		v.Rejection = citecheck.LastRejection(events)
	}
	p := s.page(c, fmt.Sprintf("Claim #%d", cl.ID))
	if errMsg != "" {
		p.Error = errMsg
	}
	return s.render(c, status, views.ClaimPage(p, v))
}

// refMarkers pairs each ref of a claim with the text of a marker that carries it: one attached
// to the claim if there is one, else the first in the document. Refs carried by the same marker
// show it once.
func refMarkers(d *loadedDocument, cl *citecheck.Claim) []views.RefMarker {
	attached := citecheck.AttachedCitations(d.text, d.doc.Citations, cl.Start, cl.End)
	out := make([]views.RefMarker, 0, len(cl.Refs))
	seen := map[[2]int]bool{}
	for _, ref := range cl.Refs {
		m, ok := markerCarrying(attached, ref)
		if !ok {
			m, ok = markerCarrying(d.doc.Citations, ref)
		}
		if !ok {
			out = append(out, views.RefMarker{Ref: ref, Marker: fmt.Sprintf("[%d]", ref)})
			continue
		}
		key := [2]int{m.Start, m.End}
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, views.RefMarker{Ref: ref, Marker: d.text.Slice(m.Start, m.End), Known: true})
	}
	return out
}

func markerCarrying(cits []citecheck.Citation, ref int) (citecheck.Citation, bool) {
	for _, m := range cits {
		if slices.Contains(m.Refs, ref) {
			return m, true
		}
	}
	return citecheck.Citation{}, false
}

// historyFieldOrder lists a claim's recorded fields in the order people read them.
var historyFieldOrder = []string{"quote", "start", "end", "refs", "status", "note", "review", "review_comment"}

// historyEntries writes each event's changed values for people, fields in a stable order.
func historyEntries(events []citecheck.ClaimEvent) []views.HistoryEntry {
	out := make([]views.HistoryEntry, len(events))
	for i, e := range events {
		fields := make([]string, 0, len(e.Changes))
		for f := range e.Changes {
			fields = append(fields, f)
		}
		slices.SortFunc(fields, func(a, b string) int {
			ia, ib := slices.Index(historyFieldOrder, a), slices.Index(historyFieldOrder, b)
			if ia != ib {
				if ia < 0 {
					return 1
				}
				if ib < 0 {
					return -1
				}
				return ia - ib
			}
			return strings.Compare(a, b)
		})
		out[i].Event = e
		for _, f := range fields {
			ch := e.Changes[f]
			text := views.FieldChangeText{Field: strings.ReplaceAll(f, "_", " ")}
			switch {
			case ch.From == nil && ch.To != nil: // created: the first values
				text.Value = historyValue(ch.To)
			case ch.To == nil && ch.From != nil: // deleted: the last values
				text.Value = historyValue(ch.From)
			default:
				text.From, text.To = historyValue(ch.From), historyValue(ch.To)
			}
			if text.Value == "—" {
				continue // an empty note or comment at creation says nothing
			}
			out[i].Changes = append(out[i].Changes, text)
		}
	}
	return out
}

// historyValue writes one recorded value: refs as markers, nothing and empty text as a dash.
func historyValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "—"
	case string:
		if v == "" {
			return "—"
		}
		return v
	case int:
		return strconv.Itoa(v)
	case []int:
		if len(v) == 0 {
			return "none"
		}
		return "[" + joinInts(v, ", ") + "]"
	case map[string]any:
		return evidenceHistoryValue(v)
	default:
		return fmt.Sprint(v)
	}
}

// evidenceHistoryValue reads the record of an evidence-added or evidence-removed event as a
// person would: its stance, its quote, and which source and passage it is.
func evidenceHistoryValue(m map[string]any) string {
	str := func(k string) string {
		if v, ok := m[k]; ok && v != nil {
			return fmt.Sprint(v)
		}
		return ""
	}
	out := str("stance")
	if q := str("quote"); q != "" {
		out += " “" + q + "”"
	}
	var where []string
	if r := str("ref"); r != "" {
		where = append(where, "ref ["+r+"]")
	}
	if id := str("source_id"); id != "" {
		where = append(where, "source #"+id)
	}
	if st, en := str("start"), str("end"); st != "" && en != "" {
		where = append(where, "code points "+st+"–"+en)
	}
	if len(where) > 0 {
		out += " (" + strings.Join(where, ", ") + ")"
	}
	if strings.TrimSpace(out) == "" {
		return fmt.Sprint(m)
	}
	return strings.TrimSpace(out)
}

// reviewClaimPage takes an editor's approve or reject form from the queue, the document page
// or the claim page, and returns to the page named by back with what happened.
func (s *Server) reviewClaimPage(c echo.Context) error {
	cl, doc, err := s.claimFromPath(c)
	if err != nil {
		return err
	}
	if err := citecheck.RequireReviewer(*currentUser(c)); err != nil {
		return err
	}
	back := localBack(c.FormValue("back"), "/review")
	req := reviewRequest{Decision: c.FormValue("decision"), Comment: c.FormValue("comment"),
		Override: c.FormValue("override") == "true"}
	if v := strings.TrimSpace(c.FormValue("version")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return redirectWithFlash(c, back, "The form's version is not a number; reload the page and try again.", true)
		}
		req.Version = &n
	}
	d, err := citecheck.ParseDecision(req.Decision, req.Comment, req.Override)
	var updated *citecheck.Claim
	if err == nil {
		updated, err = s.decide(c, doc, cl, d, req.Version)
	}
	if err != nil {
		if citecheck.ErrorCode(err) == "internal" {
			return err
		}
		err = reviewPageError(doc, cl, err)
		if wantsFragment(c) != "" {
			return s.fragmentError(c, err)
		}
		_, detail := s.toDetail(c, err)
		return redirectWithFlash(c, back, detail.Message, true)
	}
	switch wantsFragment(c) {
	case "document":
		return s.documentFragment(c, http.StatusOK, doc, cl, cl)
	case "queue":
		return s.queueFragment(c, doc, updated, back)
	}
	return redirectWithFlash(c, back, decidedMessage(updated), false)
}

// decidedMessage says what a decision made of claim cl.
func decidedMessage(cl *citecheck.Claim) string {
	if cl.Review == citecheck.ReviewPending {
		return fmt.Sprintf("Claim #%d is pending again: the decision was undone.", cl.ID)
	}
	return fmt.Sprintf("Claim #%d %s.", cl.ID, cl.Review)
}

// reviewPageError says a refused decision as the page's reader would have it, keeping its code:
// the API's wording (confirm with "override": true) means nothing to a person at a form.
func reviewPageError(d *loadedDocument, cl *citecheck.Claim, err error) error {
	var e *citecheck.Error
	if !errors.As(err, &e) {
		return err
	}
	msg := fmt.Sprintf("Claim #%d: %s", cl.ID, e.Message)
	switch e.Code {
	case citecheck.ECodeUnresolvedChecks:
		withChecks(d, cl)
		msg = fmt.Sprintf("Claim #%d still has open citation problems (%s). Look at them, then press “Approve anyway” if they do not matter, or reject it.",
			cl.ID, checkList(cl.Checks))
	case citecheck.ECodeConflict:
		msg = fmt.Sprintf("Claim #%d was changed since you loaded the page; look at it again before deciding.", cl.ID)
	}
	return &citecheck.Error{Code: e.Code, Field: e.Field, Message: msg}
}

// checkList names the codes of checks for a message.
func checkList(checks []citecheck.Check) string {
	codes := make([]string, len(checks))
	for i, ch := range checks {
		codes[i] = ch.Code
	}
	return strings.Join(codes, ", ")
}

// localBack keeps a form's return address on this site; anything else gives fallback.
func localBack(back, fallback string) string {
	if strings.HasPrefix(back, "/") && !strings.HasPrefix(back, "//") && !strings.HasPrefix(back, "/\\") {
		return back
	}
	return fallback
}
