package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/desk"
)

type reviseRequest struct {
	Text *string `json:"text"`
}

// revise makes raw the new revision of the document of the path, by the signed-in user, with
// the one workflow the command line uses too (desk.Revise). The cache would see the new row's
// stamp by itself; dropping the entry at once frees the old text's index.
func (s *Server) revise(c echo.Context, raw string) (*desk.RevisionResult, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	defer s.docs.forget(id)
	return desk.Revise(c.Request().Context(), s.store, desk.AsUser(currentUser(c)), id, raw, s.cfg.MaxTextBytes)
}

func (s *Server) createRevision(c echo.Context) error {
	var req reviseRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Text == nil {
		if _, err := s.documentFromPath(c); err != nil {
			return err
		}
		return citecheck.FieldErrorf(citecheck.ECodeEmptyText, "text", "text is required")
	}
	res, err := s.revise(c, *req.Text)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, res)
}

func (s *Server) listRevisions(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	revs, err := s.store.Revisions(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"revisions": revs})
}

// revisionAnswer is one revision with its text and its claims: as they were when it was
// superseded, or, for the current revision, the claims anchored in it now.
type revisionAnswer struct {
	*citecheck.Revision
	Current bool              `json:"current"`
	Claims  []citecheck.Claim `json:"claims"`
}

// loadRevision returns revision n (from the path) of the document of the path, with its
// claims, their checks filled against that revision's text, and the document as it now stands.
func (s *Server) loadRevision(c echo.Context) (*revisionAnswer, *loadedDocument, error) {
	d, err := s.documentFromPath(c)
	if err != nil {
		return nil, nil, err
	}
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n <= 0 {
		return nil, nil, citecheck.Errorf(citecheck.ECodeNotFound, "revision %q not found", c.Param("n"))
	}
	ctx := c.Request().Context()
	rev, err := s.store.Revision(ctx, d.doc.ID, n)
	if err != nil {
		return nil, nil, err
	}
	ans := &revisionAnswer{Revision: rev}
	if n == d.doc.Revision {
		// The current revision's claims, with their checks, are the shared view's: read by
		// every reader of this state, copied by none.
		st, err := s.documentState(ctx, d)
		if err != nil {
			return nil, nil, err
		}
		if d = st.d; n == d.doc.Revision {
			ans.Current, ans.Claims = true, st.claims
			return ans, d, nil
		}
	}
	if ans.Claims, err = s.store.RevisionClaims(ctx, d.doc.ID, n); err != nil {
		return nil, nil, err
	}
	old := rev.Document(d.doc)
	citecheck.FillChecksIn(citecheck.NewText(old.Text), citecheck.DocumentSources(old), ans.Claims)
	return ans, d, nil
}

func (s *Server) getRevision(c echo.Context) error {
	ans, _, err := s.loadRevision(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ans)
}

// anchored splits claims into those anchored in the current text of d and the orphans of
// earlier revisions, which keep the offsets of their own revision.
func anchored(d *loadedDocument, claims []citecheck.Claim) (in, orphans []citecheck.Claim) {
	return citecheck.AnchoredIn(d.doc.Revision, claims)
}

// fillChecks fills the citation checks of claims against the current text of d; an orphan,
// whose span is in an earlier revision, has none.
func fillChecks(d *loadedDocument, claims []citecheck.Claim) {
	var idx []int
	var in []citecheck.Claim
	for i := range claims {
		if isOrphan(d, &claims[i]) {
			claims[i].Checks = []citecheck.Check{}
			continue
		}
		idx = append(idx, i)
		in = append(in, claims[i])
	}
	if len(in) == 0 {
		return
	}
	citecheck.FillChecksIn(d.text, d.src, in)
	for k, i := range idx {
		claims[i].Checks = in[k].Checks
	}
}

// isOrphan reports whether cl has no place in d's current text: anchored in an earlier
// revision, or imported as an orphan.
func isOrphan(d *loadedDocument, cl *citecheck.Claim) bool {
	return cl.IsOrphan(d.doc.Revision)
}
