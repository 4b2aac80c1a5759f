package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/views"
)

// searchResultJSON is one result as the API answers it: the snippet in plain text.
type searchResultJSON struct {
	Kind       citecheck.SearchKind `json:"kind"`
	ID         int64                `json:"id"`
	DocumentID int64                `json:"document_id"`
	Title      string               `json:"title"`
	Snippet    string               `json:"snippet"`
	Start      *int                 `json:"start,omitempty"`
	End        *int                 `json:"end,omitempty"`
	Score      float64              `json:"score"`
}

// parseSearch reads a search from the query string, the same for the API and the page: q (see
// citecheck.ParseSearchTerms), kind, status, review, checker, document_id, limit and cursor.
// A document_id that names no document is not found.
func (s *Server) parseSearch(c echo.Context) (citecheck.SearchQuery, error) {
	var q citecheck.SearchQuery
	var err error
	if q.Terms, q.Prefix, err = citecheck.ParseSearchTerms(c.QueryParam("q")); err != nil {
		return q, err
	}
	if q.Kind, err = citecheck.ParseSearchKind(c.QueryParam("kind")); err != nil {
		return q, err
	}
	if v := c.QueryParam("status"); v != "" {
		if q.Status, err = citecheck.ParseStatus(v); err != nil {
			return q, err
		}
	}
	if v := c.QueryParam("review"); v != "" {
		if q.Review, err = citecheck.ParseReview(v); err != nil {
			return q, err
		}
	}
	q.Checker = strings.TrimSpace(c.QueryParam("checker"))
	if v := c.QueryParam("document_id"); v != "" {
		if q.DocumentID, err = strconv.ParseInt(v, 10, 64); err != nil || q.DocumentID <= 0 {
			return q, citecheck.FieldErrorf(citecheck.ECodeInvalid, "document_id", "document_id must be a positive whole number, not %q", v)
		}
		if _, err := s.store.DocumentStamp(c.Request().Context(), q.DocumentID); err != nil {
			return q, err
		}
	}
	q.Limit = citecheck.DefaultSearchLimit
	if v := c.QueryParam("limit"); v != "" {
		if q.Limit, err = strconv.Atoi(v); err != nil || q.Limit < 1 || q.Limit > citecheck.MaxSearchLimit {
			return q, citecheck.FieldErrorf(citecheck.ECodeInvalid, "limit", "limit must be between 1 and %d, not %q", citecheck.MaxSearchLimit, v)
		}
	}
	if v := c.QueryParam("cursor"); v != "" {
		if q.After, err = citecheck.ParseSearchCursor(v); err != nil {
			return q, err
		}
	}
	return q, nil
}

// search answers GET /api/v1/search: the results best first, with next_cursor when more follow.
// Whoever may sign in may read every document, so every signed-in user may search them all.
func (s *Server) search(c echo.Context) error {
	q, err := s.parseSearch(c)
	if err != nil {
		return err
	}
	res, next, err := s.store.Search(c.Request().Context(), q)
	if err != nil {
		return err
	}
	out := make([]searchResultJSON, len(res))
	for i, r := range res {
		out[i] = searchResultJSON{Kind: r.Kind, ID: r.ID, DocumentID: r.DocumentID, Title: r.Title,
			Snippet: citecheck.PlainSnippet(r.Snippet), Start: r.Start, End: r.End, Score: r.Score}
	}
	answer := map[string]any{"results": out}
	if next != nil {
		answer["next_cursor"] = next.Encode()
	}
	return c.JSON(http.StatusOK, answer)
}

// searchPage answers GET /search: the form with what was asked, and its results with the
// matching words marked. Without q it shows the form alone.
func (s *Server) searchPage(c echo.Context) error {
	v := views.SearchView{Q: c.QueryParam("q"), Kind: c.QueryParam("kind"), Status: c.QueryParam("status"),
		Review: c.QueryParam("review"), Checker: c.QueryParam("checker"), DocumentID: c.QueryParam("document_id")}
	if strings.TrimSpace(v.Q) != "" {
		q, err := s.parseSearch(c)
		if err != nil {
			return err
		}
		res, next, err := s.store.Search(c.Request().Context(), q)
		if err != nil {
			return err
		}
		v.Searched, v.Results, v.After = true, res, q.After != nil
		if next != nil {
			v.Next = searchPageURL(c.QueryParams(), next.Encode())
		}
	}
	title := "Search"
	if v.Searched {
		title = "Search: " + v.Q
	}
	return s.render(c, http.StatusOK, views.SearchPage(s.page(c, title), v))
}

// searchPageURL is the page's own URL with the cursor of the next page.
func searchPageURL(query url.Values, cursor string) string {
	next := url.Values{}
	for k, vs := range query {
		if k != "cursor" && len(vs) > 0 && vs[0] != "" {
			next.Set(k, vs[0])
		}
	}
	next.Set("cursor", cursor)
	return "/search?" + next.Encode()
}
