package handlers

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
)

const maxPageLimit = 1000

// page is one slice of a list: items lo..hi, and the cursor of the next slice ("" at the end).
type page struct {
	lo, hi int
	next   string
}

// pageAsk is the slice of a list a request asks for: from offset, at most limit items (-1: all).
type pageAsk struct {
	offset, limit int
}

// parsePage reads the optional limit and cursor query parameters. Without a limit the whole list
// comes back, as the contract's plain lists do. The cursor is opaque to clients; it encodes the
// position after the last item returned.
func parsePage(c echo.Context) (pageAsk, error) {
	ask := pageAsk{limit: -1}
	if v := c.QueryParam("cursor"); v != "" {
		raw, err := base64.RawURLEncoding.DecodeString(v)
		off, ok := strings.CutPrefix(string(raw), "o:")
		pos, err2 := strconv.Atoi(off)
		if err != nil || !ok || err2 != nil || pos < 0 {
			return ask, citecheck.FieldErrorf(citecheck.ECodeInvalid, "cursor", "cursor %q is not one this server gave", v)
		}
		ask.offset = pos
	}
	if v := c.QueryParam("limit"); v != "" {
		limit, err := strconv.Atoi(v)
		if err != nil || limit < 1 || limit > maxPageLimit {
			return ask, citecheck.FieldErrorf(citecheck.ECodeInvalid, "limit", "limit must be between 1 and %d, not %q", maxPageLimit, v)
		}
		ask.limit = limit
	}
	return ask, nil
}

// fetch is how many items to read for the ask: one more than the limit, which tells whether a
// next page follows; -1 for all.
func (ask pageAsk) fetch() int {
	if ask.limit < 0 {
		return -1
	}
	return ask.limit + 1
}

// pageOf answers the page of got, the items read from the ask's offset (at most ask.fetch() of
// them): the bounds of those it returns, and the cursor after them when more follow.
func (ask pageAsk) pageOf(got int) page {
	p := page{lo: 0, hi: got}
	if ask.limit >= 0 && got > ask.limit {
		p.hi = ask.limit
		p.next = encodeCursor(ask.offset + ask.limit)
	}
	return p
}

func encodeCursor(pos int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(pos)))
}

// paginate slices a list of n items held in memory by the request's limit and cursor (parsePage).
func paginate(c echo.Context, n int) (page, error) {
	ask, err := parsePage(c)
	if err != nil {
		return page{lo: 0, hi: n}, err
	}
	lo := min(ask.offset, n)
	got := n - lo
	if ask.limit >= 0 {
		got = min(got, ask.fetch())
	}
	p := ask.pageOf(got)
	p.lo, p.hi = lo+p.lo, lo+p.hi
	return p, nil
}

// listAnswer is a JSON list under its name, with next_cursor when more items follow.
func listAnswer(name string, items any, p page) map[string]any {
	out := map[string]any{name: items}
	if p.next != "" {
		out["next_cursor"] = p.next
	}
	return out
}
