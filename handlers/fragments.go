package handlers

import (
	"cmp"
	"net/http"
	"reflect"
	"slices"

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

// touched is where a change of claims shows on the document page: the spans whose blocks are
// sent again and the refs whose reference list entries are.
type touched struct {
	spans [][2]int
	refs  map[int]bool
}

// touchedBy is what the claims (as they were and are) touch.
func touchedBy(cls ...*citecheck.Claim) touched {
	t := touched{refs: map[int]bool{}}
	for _, cl := range cls {
		if cl == nil {
			continue
		}
		t.spans = append(t.spans, [2]int{cl.Start, cl.End})
		for _, r := range cl.Refs {
			t.refs[r] = true
		}
	}
	return t
}

// sameForChecks tells whether two states of a claim give the same citation checks and
// coverage: a review decision changes neither; evidence added or removed may.
func sameForChecks(a, b *citecheck.Claim) bool {
	return a != nil && b != nil && a.Start == b.Start && a.End == b.End && a.Status == b.Status &&
		a.Revision == b.Revision && slices.Equal(a.Refs, b.Refs) &&
		slices.EqualFunc(a.Evidence, b.Evidence, func(x, y citecheck.Evidence) bool { return x.ID == y.ID })
}

// documentFragment answers what a change to one claim, from before to after (nil when it did
// not or no longer exists), changed on the document page, for the script to swap in by id: the
// summary, the blocks over both spans, the claim's panel entry when the panel page the script
// shows (its panel and status query) holds it, else its removal, the panel's count and pager,
// the document's state with what it misses, and of the Sources panel the reference list
// entries of the claim's refs, with the rest of the panel only when the change altered its lists.
func (s *Server) documentFragment(c echo.Context, status int, d *loadedDocument, before, after *citecheck.Claim) error {
	return s.documentFragmentOver(c, status, d, before, after, nil, false)
}

// documentFragmentOver is documentFragment with the blocks over the spans also sent, and the
// whole Sources panel when allSources is set (a change seen live, whose before is unknown).
func (s *Server) documentFragmentOver(c echo.Context, status int, d *loadedDocument, before, after *citecheck.Claim,
	spans [][2]int, allSources bool) error {
	f, err := s.documentFragmentView(c, d, before, after, spans, allSources)
	if err != nil {
		return err
	}
	return s.render(c, status, views.DocumentFragment(s.fragmentPage(c), f))
}

// documentFragmentView is the view documentFragment renders, for an answer that adds to it.
func (s *Server) documentFragmentView(c echo.Context, d *loadedDocument, before, after *citecheck.Claim,
	spans [][2]int, allSources bool) (views.DocumentFragmentView, error) {
	var f views.DocumentFragmentView
	st, err := s.docState(c, d)
	if err != nil {
		return f, err
	}
	d = st.d
	id := claimID(before, after)
	t := touchedBy(before, after)
	t.spans = append(t.spans, spans...)
	v, err := s.viewWithSources(c, st)
	if err != nil {
		return f, err
	}
	refs := v.Sources.References[:0:0]
	for _, e := range v.Sources.References {
		if t.refs[e.Number] {
			refs = append(refs, e)
		}
	}
	v.Sources.References, v.Sources.Partial = refs, true
	if err := s.fillPanel(c, &v, st.claims); err != nil {
		return f, err
	}
	var item []views.ClaimItem
	for _, it := range v.Claims {
		if it.Claim.ID == id {
			item = append(item, it)
		}
	}
	v.Claims = item
	v.Blocks = touchedBlocks(st, t)
	if v.Desk, err = s.deskPanel(c, st); err != nil {
		return f, err
	}
	return views.DocumentFragmentView{View: v, ClaimID: id,
		SourcesChanged: allSources || (!sameForChecks(before, after) && sourcesDiffer(d, st, v.Sources, id, before))}, nil
}

func claimID(before, after *citecheck.Claim) int64 {
	if after != nil {
		return after.ID
	}
	return before.ID
}

// touchedBlocks picks the blocks of the text over the touched spans, each once.
func touchedBlocks(st *docState, t touched) []views.Block {
	cuts, all := st.cuts, st.blocks
	var out []views.Block
	seen := map[int]bool{}
	for _, sp := range t.spans {
		lo, hi := blocksOver(cuts, sp[0], sp[1])
		for i := lo; i <= hi; i++ {
			if !seen[i] {
				seen[i] = true
				out = append(out, all[i])
			}
		}
	}
	return out
}

// sourcesDiffer tells whether the Sources panel's coverage and lists (all but the reference
// list) now differ from what they were with claim id as before (nil: without it).
func sourcesDiffer(d *loadedDocument, st *docState, now views.SourcesView, id int64, before *citecheck.Claim) bool {
	was := make([]citecheck.Claim, 0, len(st.claims)+1)
	for _, cl := range st.claims {
		if cl.ID != id {
			was = append(was, cl)
		}
	}
	if before != nil && before.Revision == d.doc.Revision {
		was = append(was, *before)
		slices.SortStableFunc(was, func(a, b citecheck.Claim) int {
			return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End), cmp.Compare(a.ID, b.ID))
		})
	}
	check := citecheck.CheckSources(d.text, d.src, was)
	for i := range was {
		was[i].Checks = check.Claims[i].Checks
	}
	old := sourcesView(d, check, was)
	old.References, now.References, now.Partial = nil, nil, false
	return !reflect.DeepEqual(old, now)
}

// liveSources answers what a change to the reference list or a new source (references.changed,
// source.added) changes on the document page: the whole Sources panel, its reference list
// complete, the document's state, and the panel entries of the panel page the script shows
// (their checks follow the list: a ref the list now lacks, say).
func (s *Server) liveSources(c echo.Context, d *loadedDocument) error {
	st, err := s.docState(c, d)
	if err != nil {
		return err
	}
	v, err := s.viewWithSources(c, st)
	if err != nil {
		return err
	}
	if err := s.fillPanel(c, &v, st.claims); err != nil {
		return err
	}
	if v.Desk, err = s.deskPanel(c, st); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.SourcesFragment(s.fragmentPage(c), v))
}

// viewWithSources is the document view of st (its panel filtered by the status query) with the
// whole Sources panel, evidence and archive included, as the fragments start from.
func (s *Server) viewWithSources(c echo.Context, st *docState) (views.DocumentView, error) {
	v := st.view(c.QueryParam("status"))
	v.Sources = sourcesView(st.d, st.check, st.claims)
	err := s.addEvidencePanel(c, st.d, st.claims, &v.Sources)
	return v, err
}
