package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
)

// openSuggestions are the cited sentences of a document that no claim has exactly and nobody
// dismissed: what "claim every cited sentence" proposes.
func (s *Server) openSuggestions(ctx context.Context, d *loadedDocument) ([]citecheck.CitedSentence, error) {
	claims, err := s.store.Claims(ctx, d.doc.ID, citecheck.ClaimFilter{})
	if err != nil {
		return nil, err
	}
	claims, _ = anchored(d, claims)
	dismissed, err := s.store.DismissedSuggestions(ctx, d.doc.ID)
	if err != nil {
		return nil, err
	}
	taken := map[citecheck.Span]bool{}
	for _, cl := range claims {
		taken[citecheck.Span{Start: cl.Start, End: cl.End}] = true
	}
	for _, sp := range dismissed {
		taken[sp] = true
	}
	out := []citecheck.CitedSentence{}
	for _, cs := range citecheck.CitedSentences(d.text, d.src) {
		if !taken[citecheck.Span{Start: cs.Start, End: cs.End}] {
			out = append(out, cs)
		}
	}
	return out, nil
}

func (s *Server) listSuggestions(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	sugs, err := s.openSuggestions(c.Request().Context(), d)
	if err != nil {
		return err
	}
	p, err := paginate(c, len(sugs))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listAnswer("suggestions", sugs[p.lo:p.hi], p))
}

type dismissRequest struct {
	Spans []citecheck.Span `json:"spans"`
}

func (s *Server) dismissSuggestions(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	var req dismissRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.dismiss(c, d, req.Spans); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// dismiss records dismissed suggestions after checking every span is inside the text.
func (s *Server) dismiss(c echo.Context, d *loadedDocument, spans []citecheck.Span) error {
	if len(spans) == 0 {
		return citecheck.FieldErrorf(citecheck.ECodeInvalid, "spans", "no spans to dismiss")
	}
	for _, sp := range spans {
		if sp.Start < 0 || sp.End <= sp.Start || sp.End > d.text.Len() {
			return citecheck.FieldErrorf(citecheck.ECodeOffsetOutOfRange, "spans", "span %d..%d is not inside the text of %d characters", sp.Start, sp.End, d.text.Len())
		}
	}
	return s.store.DismissSuggestions(c.Request().Context(), d.doc.ID, spans)
}
