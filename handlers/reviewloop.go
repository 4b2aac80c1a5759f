package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/views"
)

// lastRejections answers the rejection that still stands (citecheck.LastRejection) for each
// pending claim of claims that has one, by claim id, from one read of their reviews.
func (s *Server) lastRejections(ctx context.Context, claims []citecheck.Claim) (map[int64]*citecheck.Rejection, error) {
	var ids []int64
	for i := range claims {
		if claims[i].Review == citecheck.ReviewPending {
			ids = append(ids, claims[i].ID)
		}
	}
	events, err := s.store.ReviewEvents(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*citecheck.Rejection, len(events))
	for id, evs := range events {
		if r := citecheck.LastRejection(evs); r != nil {
			out[id] = r
		}
	}
	return out, nil
}

// fillRejections sets the standing rejection of each pending claim of a page of the panel.
func (s *Server) fillRejections(c echo.Context, items []views.ClaimItem) error {
	claims := make([]citecheck.Claim, len(items))
	for i := range items {
		claims[i] = items[i].Claim
	}
	rejections, err := s.lastRejections(c.Request().Context(), claims)
	if err != nil {
		return err
	}
	for i := range items {
		items[i].Rejection = rejections[items[i].Claim.ID]
	}
	return nil
}

// myRejectedPage lists the signed-in user's claims that stand rejected, with the editors'
// comments: what a fact-checker has to fix.
func (s *Server) myRejectedPage(c echo.Context) error {
	items, err := s.store.RejectedClaimsOf(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.MyRejectedPage(s.page(c, "My rejected claims"), views.MyRejectedView{Items: items}))
}

// reportContext is how many code points of text the report shows either side of a passage.
const reportContext = 40

// reportPage is the printable report of a document: its facts and coverage, every claim in text
// order with its review and evidence, the open problems and the orphans.
func (s *Server) reportPage(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	st, err := s.docState(c, d)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	caps, err := s.documentCaptures(ctx, d.doc.ID)
	if err != nil {
		return err
	}
	rejections, err := s.lastRejections(ctx, st.exported)
	if err != nil {
		return err
	}
	u := currentUser(c)
	v := views.ReportView{Doc: d.doc, GeneratedAt: s.store.Now(), GeneratedBy: u.Name, Summary: st.summary,
		Markers: st.check.Markers, Covered: st.check.Covered, Problems: st.check.Problems}
	item := func(cl citecheck.Claim) views.ReportClaim {
		return views.ReportClaim{Claim: cl, Evidence: evidenceItems(&cl, caps),
			Orphan: citecheck.OrphanReason(&cl, d.doc.Revision), Rejection: rejections[cl.ID]}
	}
	for _, cl := range st.claims {
		v.Claims = append(v.Claims, item(cl))
		if len(cl.Checks) > 0 {
			v.WithChecks++
		}
	}
	for _, cl := range st.orphans {
		v.Orphans = append(v.Orphans, item(cl))
	}
	for _, m := range st.check.Uncovered {
		v.Uncovered = append(v.Uncovered, reportSpan(d.text, m.Start, m.End, ""))
	}
	for _, us := range s.uncitedOf(d) {
		v.Uncited = append(v.Uncited, reportSpan(d.text, us.Start, us.End, us.Reason))
	}
	return s.render(c, http.StatusOK, views.ReportPage(s.page(c, "Report: "+d.doc.Title), v))
}

// reportSpan is the passage start..end of t with reportContext code points either side.
func reportSpan(t *citecheck.Text, start, end int, reason string) views.ReportSpan {
	return views.ReportSpan{Start: start, End: end, Reason: reason,
		Before: t.Slice(max(0, start-reportContext), start), Text: t.Slice(start, end),
		After: t.Slice(end, min(t.Len(), end+reportContext))}
}
