package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/views"
)

// documentCaptures indexes the sources of a document by id, for the evidence lists of its
// claims: one query per document, however many passages the claims have.
func (s *Server) documentCaptures(ctx context.Context, docID int64) (map[int64]*citecheck.Capture, error) {
	caps, err := s.store.Captures(ctx, docID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*citecheck.Capture, len(caps))
	for i := range caps {
		out[caps[i].ID] = &caps[i]
	}
	return out, nil
}

// evidenceItems pairs each passage of a claim with its source from caps.
func evidenceItems(cl *citecheck.Claim, caps map[int64]*citecheck.Capture) []views.EvidenceItem {
	out := make([]views.EvidenceItem, len(cl.Evidence))
	for i, e := range cl.Evidence {
		out[i] = views.EvidenceItem{Evidence: e, Source: caps[e.SourceID]}
	}
	return out
}

// sourcePage shows one archived source with its text; start and end in the query, code points
// of that text, name the passage to highlight, which the link's fragment scrolls to. Offsets
// that are not a passage of the text are refused as the API refuses them.
func (s *Server) sourcePage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cp, err := s.store.Capture(ctx, id)
	if err != nil {
		return err
	}
	doc, err := s.store.Document(ctx, cp.DocumentID)
	if err != nil {
		return err
	}
	v := views.SourceView{Source: *cp, DocTitle: doc.Title}
	if err := markPassage(c, &v); err != nil {
		return err
	}
	p := s.page(c, fmt.Sprintf("Source #%d · %s", cp.ID, cp.Title))
	return s.render(c, http.StatusOK, views.SourcePage(p, v))
}

// markPassage reads start and end from the query, both or neither, checks them against the
// source's text (citecheck.ValidateSpan) and splits the text around the passage.
func markPassage(c echo.Context, v *views.SourceView) error {
	rawStart, rawEnd := strings.TrimSpace(c.QueryParam("start")), strings.TrimSpace(c.QueryParam("end"))
	if rawStart == "" && rawEnd == "" {
		return nil
	}
	start, err := strconv.Atoi(rawStart)
	if err != nil {
		return citecheck.FieldErrorf(citecheck.ECodeInvalid, "start", "start must be a whole number of code points, not %q", rawStart)
	}
	end, err := strconv.Atoi(rawEnd)
	if err != nil {
		return citecheck.FieldErrorf(citecheck.ECodeInvalid, "end", "end must be a whole number of code points, not %q", rawEnd)
	}
	t := citecheck.NewText(v.Source.Text)
	if err := citecheck.ValidateSpan(t, start, end); err != nil {
		return err
	}
	v.Marked, v.Start, v.End = true, start, end
	v.Before, v.Passage, v.After = t.Slice(0, start), t.Slice(start, end), t.Slice(end, t.Len())
	return nil
}
