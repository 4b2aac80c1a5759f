package handlers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
)

type createClaimRequest struct {
	Start  *int    `json:"start"`
	End    *int    `json:"end"`
	Quote  *string `json:"quote"`
	Refs   []int   `json:"refs"`
	Status string  `json:"status"`
	Note   string  `json:"note"`
}

type updateClaimRequest struct {
	Version *int              `json:"version"`
	Start   *int              `json:"start"`
	End     *int              `json:"end"`
	Refs    *[]int            `json:"refs"`
	Status  *citecheck.Status `json:"status"`
	Note    *string           `json:"note"`
}

// withChecks fills the citation checks of claims against their document.
func withChecks(d *loadedDocument, claims ...*citecheck.Claim) {
	for _, cl := range claims {
		if isOrphan(d, cl) {
			cl.Checks = []citecheck.Check{}
			continue
		}
		cl.Checks = citecheck.ClaimChecksIn(d.text, d.src, cl)
	}
}

func parseClaimFilter(c echo.Context) (citecheck.ClaimFilter, error) {
	var f citecheck.ClaimFilter
	var err error
	if v := c.QueryParam("status"); v != "" {
		if f.Status, err = citecheck.ParseStatus(v); err != nil {
			return f, err
		}
	}
	if v := c.QueryParam("review"); v != "" {
		if f.Review, err = citecheck.ParseReview(v); err != nil {
			return f, err
		}
	}
	if v := c.QueryParam("ref"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return f, citecheck.FieldErrorf(citecheck.ECodeInvalidRefs, "ref", "ref must be a positive integer, not %q", v)
		}
		f.Ref = n
	}
	return f, nil
}

func (s *Server) listClaims(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	f, err := parseClaimFilter(c)
	if err != nil {
		return err
	}
	ask, err := parsePage(c)
	if err != nil {
		return err
	}
	if ask.limit < 0 && ask.offset == 0 {
		// The whole list is the shared view's claims, checked once for every reader: a list
		// of 25,000 claims is not read, copied and checked again per request.
		st, err := s.documentState(c.Request().Context(), d)
		if err != nil {
			return err
		}
		return writeClaimList(c, st, listOrder(st, f), f == citecheck.ClaimFilter{})
	}
	claims, err := s.store.ClaimsPage(c.Request().Context(), d.doc.ID, f, ask.offset, ask.fetch())
	if err != nil {
		return err
	}
	if claims == nil {
		claims = []citecheck.Claim{}
	}
	p := ask.pageOf(len(claims))
	claims = claims[p.lo:p.hi]
	fillChecks(d, claims)
	return writeOwnJSON(c, http.StatusOK, listAnswer("claims", claims, p))
}

// listOrder answers the claims of the view that f keeps, as indexes into st.exported, in the
// order of the store's list (start, end, id), orphans among them by their old offsets.
func listOrder(st *docState, f citecheck.ClaimFilter) []int {
	out := make([]int, 0, len(st.exported))
	in, orphans := 0, len(st.claims)
	for in < len(st.claims) || orphans < len(st.exported) {
		var next int
		if orphans == len(st.exported) || in < len(st.claims) && listsBefore(&st.exported[in], &st.exported[orphans]) {
			next, in = in, in+1
		} else {
			next, orphans = orphans, orphans+1
		}
		if f.Matches(&st.exported[next]) {
			out = append(out, next)
		}
	}
	return out
}

// writeClaimList answers {"claims": [...]} claim by claim through a small buffer: the whole
// list of a big document is tens of MB of JSON, which c.JSON would hold whole per request. The
// whole list gzipped is sent as chunks of claims kept compressed (writeChunks), so that a
// reader of a new state encodes only the claims written since; a filtered list encodes all.
func writeClaimList(c echo.Context, st *docState, claims []int, whole bool) error {
	z := gzipAnswer(c, http.StatusOK, echo.MIMEApplicationJSON)
	if z == nil {
		bw := bufio.NewWriterSize(c.Response(), 32<<10)
		if err := writeListBody(bw, st, claims, nil); err != nil {
			return err
		}
		return bw.Flush()
	}
	var chunks func() error
	if whole {
		chunks = func() error { return st.writeChunks(z, claims, listChunkSlot, st.appendListClaims) }
	}
	if err := writeListBody(z, st, claims, chunks); err != nil {
		return err
	}
	return z.Close()
}

// writeListBody writes the list's JSON to w: its claims encoded here, or by chunks.
func writeListBody(w io.Writer, st *docState, claims []int, chunks func() error) error {
	io.WriteString(w, `{"claims":[`)
	if chunks != nil {
		if err := chunks(); err != nil {
			return err
		}
	} else {
		enc := json.NewEncoder(w) // one for the whole list, as appendListClaims writes a chunk
		for k, i := range claims {
			if k > 0 {
				io.WriteString(w, ",")
			}
			if err := enc.Encode(st.exported[i].JSONValue()); err != nil {
				return fmt.Errorf("claim list: %w", err) // the status is sent already: this only logs
			}
		}
	}
	_, err := io.WriteString(w, "]}\n")
	return err
}

// appendListClaims appends the claims of order to dst as the list holds them, with commas
// between them.
func (st *docState) appendListClaims(dst []byte, order []int) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	enc := json.NewEncoder(buf)
	for k, i := range order {
		if k > 0 {
			buf.WriteByte(',')
		}
		if err := enc.Encode(st.exported[i].JSONValue()); err != nil {
			return nil, fmt.Errorf("claim list: %w", err) // the status is sent already: this only logs
		}
	}
	return buf.Bytes(), nil
}

// listsBefore is the store's order of claims: by start, end, then id.
func listsBefore(a, b *citecheck.Claim) bool {
	if a.Start != b.Start {
		return a.Start < b.Start
	}
	if a.End != b.End {
		return a.End < b.End
	}
	return a.ID < b.ID
}

// claimInput is a new claim as asked for, before validation.
type claimInput struct {
	start, end int
	quote      *string
	refs       []int
	status     string
	note       string
}

// buildClaim makes the claim that in asks for on d, by the domain's rules (citecheck.NewClaim).
func buildClaim(d *loadedDocument, in claimInput, by int64) (*citecheck.Claim, error) {
	cl, err := citecheck.NewClaim(d.text, d.doc.ID, d.doc.Revision, citecheck.ClaimDraft{Start: in.start, End: in.end,
		Quote: in.quote, Refs: in.refs, Status: citecheck.Status(in.status), Note: in.note}, by)
	if err != nil {
		return nil, err
	}
	return &cl, nil
}

func (s *Server) createClaim(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	var req createClaimRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Start == nil {
		return citecheck.FieldErrorf(citecheck.ECodeOffsetOutOfRange, "start", "start is required")
	}
	if req.End == nil {
		return citecheck.FieldErrorf(citecheck.ECodeOffsetOutOfRange, "end", "end is required")
	}
	cl, err := buildClaim(d, claimInput{start: *req.Start, end: *req.End, quote: req.Quote,
		refs: req.Refs, status: req.Status, note: req.Note}, currentUser(c).ID)
	if err != nil {
		return err
	}
	cl, err = s.store.CreateClaim(c.Request().Context(), cl)
	if err != nil {
		return err
	}
	withChecks(d, cl)
	setClaimETag(c, cl)
	return c.JSON(http.StatusCreated, cl)
}

// claimFromPath loads the claim of the path and its document.
func (s *Server) claimFromPath(c echo.Context) (*citecheck.Claim, *loadedDocument, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, nil, err
	}
	cl, err := s.store.Claim(c.Request().Context(), id)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.loadDocument(c.Request().Context(), cl.DocumentID)
	if err != nil {
		return nil, nil, err
	}
	return cl, d, nil
}

func (s *Server) getClaim(c echo.Context) error {
	cl, d, err := s.claimFromPath(c)
	if err != nil {
		return err
	}
	withChecks(d, cl)
	setClaimETag(c, cl)
	return c.JSON(http.StatusOK, cl)
}

// setClaimETag names the claim's version as its entity tag, so a client may send it back in
// If-Match instead of "version".
func setClaimETag(c echo.Context, cl *citecheck.Claim) {
	c.Response().Header().Set("ETag", strconv.Quote(strconv.Itoa(cl.Version)))
}

// versionFrom is the version a change is based on: the body's "version", else If-Match.
func versionFrom(c echo.Context, body *int) (*int, error) {
	if body != nil {
		return body, nil
	}
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" {
		return nil, nil
	}
	tag, err := strconv.Unquote(strings.TrimPrefix(h, "W/"))
	n, err2 := strconv.Atoi(tag)
	if err != nil || err2 != nil {
		return nil, citecheck.FieldErrorf(citecheck.ECodeInvalid, "If-Match", "If-Match must be the claim's ETag, like \"3\"")
	}
	return &n, nil
}

// changeClaim applies a fact-checker's change to claim id at version, by the rules of
// citecheck.ApplyChange against the claim as it is inside the store's transaction. The API and
// the claim page's form both come through here.
func (s *Server) changeClaim(c echo.Context, d *loadedDocument, id int64, version int, ch citecheck.ClaimChange) (*citecheck.Claim, error) {
	return s.store.UpdateClaim(c.Request().Context(), id, version, currentUser(c).ID, func(cur *citecheck.Claim) error {
		next, err := citecheck.ApplyChange(*cur, d.text, d.doc.Revision, ch)
		if err != nil {
			return err
		}
		*cur = next
		return nil
	})
}

func (s *Server) updateClaim(c echo.Context) error {
	cl, d, err := s.claimFromPath(c)
	if err != nil {
		return err
	}
	var req updateClaimRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Version, err = versionFrom(c, req.Version); err != nil {
		return err
	}
	if req.Version == nil {
		return citecheck.FieldErrorf(citecheck.ECodeInvalid, "version", "version is required: send the version you last read (or its ETag in If-Match)")
	}
	ch := citecheck.ClaimChange{Start: req.Start, End: req.End, Refs: req.Refs, Status: req.Status, Note: req.Note}
	updated, err := s.changeClaim(c, d, cl.ID, *req.Version, ch)
	if err != nil {
		if citecheck.ErrorCode(err) == citecheck.ECodeConflict {
			return s.conflict(c, d, cl.ID, err)
		}
		return err
	}
	withChecks(d, updated)
	setClaimETag(c, updated)
	return c.JSON(http.StatusOK, updated)
}

// conflict answers 409 with the claim as it now stands, so the client can merge and retry.
func (s *Server) conflict(c echo.Context, d *loadedDocument, id int64, cause error) error {
	current, err := s.store.Claim(c.Request().Context(), id)
	if err != nil {
		return err
	}
	withChecks(d, current)
	_, detail := s.toDetail(c, cause)
	return c.JSON(http.StatusConflict, map[string]any{"error": detail, "claim": current})
}

func (s *Server) deleteClaim(c echo.Context) error {
	if err := s.removeClaim(c); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// removeClaim deletes the claim of the path: editors, admins and its creator may.
func (s *Server) removeClaim(c echo.Context) error {
	cl, _, err := s.claimFromPath(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	if err := citecheck.CheckClaimDeletion(*u, cl); err != nil {
		return err
	}
	return s.store.DeleteClaim(c.Request().Context(), cl.ID, u.ID)
}

func (s *Server) suggestRefs(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	start, err := queryInt(c, "start")
	if err != nil {
		return err
	}
	end, err := queryInt(c, "end")
	if err != nil {
		return err
	}
	if err := citecheck.ValidateSpan(d.text, start, end); err != nil {
		return err
	}
	// The sentence of the selection, and whether any marker backs it: where none does, the
	// form says so plainly and offers citation-needed in one click.
	sentence := citecheck.SentenceAt(d.text, d.src.Citations, start)
	st, err := s.docState(c, d)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{
		"start": start, "end": end,
		"quote":          d.text.Slice(start, end),
		"refs":           citecheck.SuggestRefs(d.text, d.src.Citations, start, end),
		"sentence":       sentence,
		"same_span":      citecheck.ClaimsWithSpan(st.claims, start, end),
		"sentence_cited": len(citecheck.SuggestRefs(d.text, d.src.Citations, min(start, sentence.Start), max(end, sentence.End))) > 0,
	})
}

func (s *Server) checkDocument(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	st, err := s.docState(c, d)
	if err != nil {
		return err
	}
	check := st.check // a copy of the shared check, which stays as it is
	check.Uncited = s.uncitedOf(st.d)
	return c.JSON(http.StatusOK, check)
}
