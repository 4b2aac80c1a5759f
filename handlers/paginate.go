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

// paginate reads the optional limit and cursor query parameters for a list of n items. Without
// a limit the whole list comes back, as the contract's plain lists do. The cursor is opaque to
// clients; it encodes the position after the last item returned.
func paginate(c echo.Context, n int) (page, error) {
	p := page{lo: 0, hi: n}
	if v := c.QueryParam("cursor"); v != "" {
		raw, err := base64.RawURLEncoding.DecodeString(v)
		off, ok := strings.CutPrefix(string(raw), "o:")
		pos, err2 := strconv.Atoi(off)
		if err != nil || !ok || err2 != nil || pos < 0 {
			return p, citecheck.FieldErrorf(citecheck.ECodeInvalid, "cursor", "cursor %q is not one this server gave", v)
		}
		p.lo = min(pos, n)
	}
	if v := c.QueryParam("limit"); v != "" {
		limit, err := strconv.Atoi(v)
		if err != nil || limit < 1 || limit > maxPageLimit {
			return p, citecheck.FieldErrorf(citecheck.ECodeInvalid, "limit", "limit must be between 1 and %d, not %q", maxPageLimit, v)
		}
		p.hi = min(p.lo+limit, n)
	}
	if p.hi < n {
		p.next = base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(p.hi)))
	}
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
