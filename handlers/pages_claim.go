package handlers

import (
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
	v := views.ClaimView{
		Claim:     *cl,
		DocTitle:  d.doc.Title,
		Refs:      refMarkers(d, cl),
		RefsText:  joinInts(cl.Refs, ", "),
		Orphan:    isOrphan(d, cl),
		CanDecide: mayDecide(currentUser(c), cl),
		Evidence:  evidenceItems(cl, caps),
		History:   historyEntries(events),
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
	if err == nil {
		_, err = s.decide(c, doc, cl, d, req.Version)
	}
	if err != nil && wantsFragment(c) != "" {
		return s.fragmentError(c, err)
	}
	if err != nil {
		if citecheck.ErrorCode(err) == "internal" {
			return err
		}
		_, detail := s.toDetail(c, err)
		msg := fmt.Sprintf("Claim #%d: %s", cl.ID, detail.Message)
		if detail.Code == citecheck.ECodeUnresolvedChecks {
			msg = fmt.Sprintf("Claim #%d has citation problems; tick “Approve despite …” to approve it anyway, or reject it. (%s)", cl.ID, detail.Message)
		}
		if detail.Code == citecheck.ECodeConflict {
			msg = fmt.Sprintf("Claim #%d was changed since you loaded the page; look at it again before deciding.", cl.ID)
		}
		return redirectWithFlash(c, back, msg, true)
	}
	switch wantsFragment(c) {
	case "document":
		return s.documentFragment(c, http.StatusOK, doc, cl, cl)
	case "queue":
		return s.queueFragment(c, cl.ID, d.Review)
	}
	return redirectWithFlash(c, back, fmt.Sprintf("Claim #%d %s.", cl.ID, d.Review), false)
}

// localBack keeps a form's return address on this site; anything else gives fallback.
func localBack(back, fallback string) string {
	if strings.HasPrefix(back, "/") && !strings.HasPrefix(back, "//") && !strings.HasPrefix(back, "/\\") {
		return back
	}
	return fallback
}
