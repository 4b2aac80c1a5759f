package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/anchor"
	"github.com/citecheck/citecheck/store"
)

type reviseRequest struct {
	Text *string `json:"text"`
}

// RevisionResult is the answer to a new revision: its number and how the claims of the one
// before came into it.
type RevisionResult struct {
	Revision int                    `json:"revision"`
	Counts   citecheck.AnchorCounts `json:"counts"`
}

// ReviseDocument makes raw the new current revision of document id, by the user by: the text is
// normalised and refused like a new document's (and refused when it is the current text), its
// markers and reference list are parsed, and every claim anchored in the current revision is
// re-anchored into it (claims orphaned earlier stay as they are); then the store commits it all
// in one transaction. A claim changed meanwhile makes the store refuse with a conflict: the
// work is then done once more from the fresh state. The command line uses it too.
func ReviseDocument(ctx context.Context, st *store.Store, id int64, raw string, maxBytes int, by int64) (*RevisionResult, error) {
	text, err := citecheck.NormalizeText(raw, maxBytes)
	if err != nil {
		return nil, err
	}
	t := citecheck.NewText(text)
	src := citecheck.NewSources(text)
	next := &citecheck.Document{Text: text, TextSHA256: citecheck.TextSHA256(text), Length: t.Len(),
		Citations: src.Citations, References: src.List}
	for attempt := 0; ; attempt++ {
		res, err := reviseOnce(ctx, st, id, next, t, by)
		if citecheck.ErrorCode(err) == citecheck.ECodeConflict && attempt < 2 {
			continue
		}
		return res, err
	}
}

func reviseOnce(ctx context.Context, st *store.Store, id int64, next *citecheck.Document, t *citecheck.Text, by int64) (*RevisionResult, error) {
	doc, err := st.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	if doc.TextSHA256 == next.TextSHA256 && doc.Text == next.Text {
		return nil, citecheck.FieldErrorf(citecheck.ECodeSameText, "text",
			"the text is the same as revision %d's; nothing to revise", doc.Revision)
	}
	all, err := st.Claims(ctx, id, citecheck.ClaimFilter{})
	if err != nil {
		return nil, err
	}
	before, _ := citecheck.AnchoredIn(doc.Revision, all)
	anchors := anchor.Reanchor(doc.Text, next.Text, before)
	after := citecheck.ReviseClaims(t, doc.Revision+1, before, anchors)
	var counts citecheck.AnchorCounts
	for _, a := range anchors {
		counts.Add(a.Kind)
	}
	restoredBefore, restoredAfter, err := restoredOrphans(ctx, st, id, doc.Revision, all, next.Text, t)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out, err := st.ReviseDocument(ctx, &store.Revise{DocumentID: id, Base: doc.Revision, Doc: next,
		Before: before, After: after, Counts: counts, By: by,
		RestoredBefore: restoredBefore, RestoredAfter: restoredAfter})
	if err != nil {
		return nil, err
	}
	return &RevisionResult{Revision: out.Revision, Counts: counts}, nil
}

// revise makes a new revision of the document of the path and refreshes the cache.
func (s *Server) revise(c echo.Context, raw string) (*RevisionResult, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	// The next request loads the new revision: its row's stamp is only known by reading it.
	defer s.docs.forget(id)
	return ReviseDocument(c.Request().Context(), s.store, id, raw, s.cfg.MaxTextBytes, currentUser(c).ID)
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
	ans := &revisionAnswer{Revision: rev, Current: n == d.doc.Revision}
	if ans.Current {
		all, err := s.store.Claims(ctx, d.doc.ID, citecheck.ClaimFilter{})
		if err != nil {
			return nil, nil, err
		}
		ans.Claims, _ = citecheck.AnchoredIn(n, all)
		citecheck.FillChecksIn(d.text, d.src, ans.Claims)
		return ans, d, nil
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
