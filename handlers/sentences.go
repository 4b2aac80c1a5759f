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
	open, _, err := s.suggestions(ctx, d)
	return open, err
}

// suggestions splits the cited sentences of a document that no claim has exactly into those
// still open and those somebody dismissed, which can be restored.
func (s *Server) suggestions(ctx context.Context, d *loadedDocument) (open, dismissed []citecheck.CitedSentence, err error) {
	st, err := s.documentState(ctx, d)
	if err != nil {
		return nil, nil, err
	}
	claims := st.claims
	spans, err := s.store.DismissedSuggestions(ctx, d.doc.ID)
	if err != nil {
		return nil, nil, err
	}
	claimed := map[citecheck.Span]bool{}
	for i := range claims {
		cl := &claims[i]
		claimed[citecheck.Span{Start: cl.Start, End: cl.End}] = true
	}
	isDismissed := map[citecheck.Span]bool{}
	for _, sp := range spans {
		isDismissed[sp] = true
	}
	open, dismissed = []citecheck.CitedSentence{}, []citecheck.CitedSentence{}
	for _, cs := range citecheck.CitedSentences(d.text, d.src) {
		switch sp := (citecheck.Span{Start: cs.Start, End: cs.End}); {
		case claimed[sp]:
		case isDismissed[sp]:
			dismissed = append(dismissed, cs)
		default:
			open = append(open, cs)
		}
	}
	return open, dismissed, nil
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

// listDismissedSuggestions lists the cited sentences somebody dismissed and no claim has: what
// a restore can bring back.
func (s *Server) listDismissedSuggestions(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	_, dismissed, err := s.suggestions(c.Request().Context(), d)
	if err != nil {
		return err
	}
	p, err := paginate(c, len(dismissed))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listAnswer("suggestions", dismissed[p.lo:p.hi], p))
}

// restoreSuggestions takes back dismissals, so the sentences are proposed again. A span that
// was not dismissed is not an error, as dismissing one twice is not.
func (s *Server) restoreSuggestions(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	var req dismissRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if _, err := s.restore(c, d, req.Spans); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// dismiss records dismissed suggestions after checking every span is inside the text.
func (s *Server) dismiss(c echo.Context, d *loadedDocument, spans []citecheck.Span) error {
	if err := checkSuggestionSpans(d, spans, "dismiss"); err != nil {
		return err
	}
	return s.store.DismissSuggestions(c.Request().Context(), d.doc.ID, spans)
}

// restore removes dismissals after checking every span is inside the text, and says how many
// it removed.
func (s *Server) restore(c echo.Context, d *loadedDocument, spans []citecheck.Span) (int, error) {
	if err := checkSuggestionSpans(d, spans, "restore"); err != nil {
		return 0, err
	}
	return s.store.RestoreSuggestions(c.Request().Context(), d.doc.ID, spans)
}

// checkSuggestionSpans refuses an empty list or a span outside the text of d.
func checkSuggestionSpans(d *loadedDocument, spans []citecheck.Span, verb string) error {
	if len(spans) == 0 {
		return citecheck.FieldErrorf(citecheck.ECodeInvalid, "spans", "no spans to %s", verb)
	}
	for _, sp := range spans {
		if sp.Start < 0 || sp.End <= sp.Start || sp.End > d.text.Len() {
			return citecheck.FieldErrorf(citecheck.ECodeOffsetOutOfRange, "spans", "span %d..%d is not inside the text of %d characters", sp.Start, sp.End, d.text.Len())
		}
	}
	return nil
}
