package handlers

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/views"
)

// panelPageSize is how many claims the side panel shows at a time: enough to read along a few
// screens of text, few enough that the page stays light with thousands of claims.
const panelPageSize = 100

// panelAsk is which page of the panel a request names: panel=N (from 1), at=OFFSET (the page
// with the first claim that starts at or after that code point, where the reader is) or
// claim=ID (the page that holds that claim). Nothing asked means the first page.
type panelAsk struct {
	page  int
	at    int
	claim int64
}

// parsePanelAsk reads panel, at and claim from the query; a value that is not a number is
// refused, one out of range is clamped when the page is picked.
func parsePanelAsk(c echo.Context) (panelAsk, error) {
	ask := panelAsk{at: -1}
	for _, f := range []struct {
		name string
		set  func(int64)
	}{
		{"panel", func(n int64) { ask.page = int(n) }},
		{"at", func(n int64) { ask.at = int(n) }},
		{"claim", func(n int64) { ask.claim = n }},
	} {
		raw := strings.TrimSpace(c.QueryParam(f.name))
		if raw == "" {
			continue
		}
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 0 || n > 1<<40 {
			return ask, citecheck.FieldErrorf(citecheck.ECodeInvalid, f.name, "%s must be a whole number, not %q", f.name, raw)
		}
		f.set(n)
	}
	return ask, nil
}

// pickPanelPage answers the page of claims (in text order, already filtered) that ask names.
func pickPanelPage(claims []citecheck.Claim, ask panelAsk) views.PanelView {
	pv := views.PanelView{Total: len(claims), PageSize: panelPageSize, Page: 1}
	pv.Pages = max(1, (len(claims)+panelPageSize-1)/panelPageSize)
	switch {
	case ask.claim > 0:
		for i := range claims {
			if claims[i].ID == ask.claim {
				pv.Page = i/panelPageSize + 1
				break
			}
		}
	case ask.at >= 0:
		i := sort.Search(len(claims), func(i int) bool { return claims[i].Start >= ask.at })
		pv.Page = min(i, len(claims)-1)/panelPageSize + 1
	case ask.page > 0:
		pv.Page = ask.page
	}
	pv.Page = min(max(pv.Page, 1), pv.Pages)
	pv.First = (pv.Page - 1) * panelPageSize
	return pv
}

// filterByStatus keeps the claims with the status named by filter; "" keeps all.
func filterByStatus(claims []citecheck.Claim, filter string) []citecheck.Claim {
	if filter == "" {
		return claims
	}
	out := make([]citecheck.Claim, 0, len(claims))
	for _, cl := range claims {
		if string(cl.Status) == filter {
			out = append(out, cl)
		}
	}
	return out
}

// fillPanel puts the page of claims that the request asks for into v, each with whether the
// viewer may decide it here; claims are the anchored claims in text order with their checks.
func (s *Server) fillPanel(c echo.Context, v *views.DocumentView, claims []citecheck.Claim) error {
	ask, err := parsePanelAsk(c)
	if err != nil {
		return err
	}
	shown := filterByStatus(claims, v.StatusFilter)
	v.Panel = pickPanelPage(shown, ask)
	u := currentUser(c)
	v.Claims = nil
	for i := v.Panel.First; i < min(v.Panel.First+panelPageSize, len(shown)); i++ {
		v.Claims = append(v.Claims, views.ClaimItem{Claim: shown[i], CanDecide: mayDecide(u, &shown[i]),
			CanUndo: citecheck.MayUndo(u, &shown[i])})
	}
	if err := s.fillRejections(c, v.Claims); err != nil {
		return err
	}
	return s.fillCommentCounts(c, v.Claims)
}

// panelFragment answers one page of the side panel as an HTML fragment (the #claims-list
// element), for the script that follows the reading position and turns the panel's pages.
func (s *Server) panelFragment(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	st, err := s.docState(c, d)
	if err != nil {
		return err
	}
	v := views.DocumentView{Doc: st.d.doc, StatusFilter: c.QueryParam("status"), Summary: st.summary}
	if err := s.fillPanel(c, &v, st.claims); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.PanelFragment(s.fragmentPage(c), v))
}
