package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/views"
)

// fragmentHeader is how app.js asks a page form for a fragment to apply in place instead of a
// redirect: "document" for the parts of the document page that a claim's change touches,
// "queue" for the review queue's row. A form posted without it is answered as before.
const fragmentHeader = "X-Citecheck-Fragment"

// wantsFragment names the fragment the request asks for, "" for none.
func wantsFragment(c echo.Context) string {
	return c.Request().Header.Get(fragmentHeader)
}

// fragmentPage is the frame a fragment needs: who asks and the CSRF token for its forms. It
// leaves the session's one-shot messages for the next full page.
func (s *Server) fragmentPage(c echo.Context) views.Page {
	return views.Page{User: currentUser(c), CSRF: csrfToken(c)}
}

// fragmentError answers a refused change made in place as the API does: JSON with the code, so
// the script can say what went wrong where the user is; internal errors go on as they are.
func (s *Server) fragmentError(c echo.Context, err error) error {
	if citecheck.ErrorCode(err) == "internal" {
		return err
	}
	status, detail := s.toDetail(c, err)
	return c.JSON(status, errorBody{Error: detail})
}

// documentFragment answers what a change to claim id changed on the document page, for the
// script to swap in by id: the summary, the blocks over each span (where the claim was and
// is), the claim's panel entry when the panel page the script shows (its panel and status
// query) holds it, else its removal, the panel's count and pager, and the Sources panel.
func (s *Server) documentFragment(c echo.Context, status int, d *loadedDocument, id int64, spans ...[2]int) error {
	st, err := s.docState(c, d)
	if err != nil {
		return err
	}
	v := st.view(c.QueryParam("status"))
	v.Sources = sourcesView(d, st.check, st.claims)
	if err := fillPanel(c, &v, st.claims); err != nil {
		return err
	}
	var item []views.ClaimItem
	for _, it := range v.Claims {
		if it.Claim.ID == id {
			item = append(item, it)
		}
	}
	v.Claims = item
	cuts := blockCuts(d.text)
	all := buildBlocks(buildRuns(d, st.claims), cuts, d.text.Len())
	seen := map[int]bool{}
	for _, sp := range spans {
		lo, hi := blocksOver(cuts, sp[0], sp[1])
		for i := lo; i <= hi; i++ {
			if !seen[i] {
				seen[i] = true
				v.Blocks = append(v.Blocks, all[i])
			}
		}
	}
	return s.render(c, status, views.DocumentFragment(s.fragmentPage(c), views.DocumentFragmentView{View: v, ClaimID: id}))
}

// claimSpan is where a claim sits in the text, for the blocks a fragment sends again.
func claimSpan(cl *citecheck.Claim) [2]int { return [2]int{cl.Start, cl.End} }
