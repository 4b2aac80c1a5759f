package views

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/citecheck/citecheck"
)

// runClass gives a run its classes: marker runs look like badges, covered runs are coloured
// by the status of the last claim over them and darker where claims overlap.
func runClass(r Run) string {
	var cls []string
	if r.MarkerRefs != "" {
		cls = append(cls, "mk")
	}
	if n := len(r.Claims); n > 0 {
		cls = append(cls, "hl", "st-"+string(r.Claims[n-1].Status))
		switch {
		case n == 2:
			cls = append(cls, "ov2")
		case n >= 3:
			cls = append(cls, "ov3")
		}
	}
	return strings.Join(cls, " ")
}

// runClaimIDs lists the ids of the claims over a run, space-separated, for data-claims.
func runClaimIDs(r Run) string {
	ids := make([]string, len(r.Claims))
	for i, c := range r.Claims {
		ids[i] = strconv.FormatInt(c.ID, 10)
	}
	return strings.Join(ids, " ")
}

// runLabel describes the claims over a run for its tooltip: "#3 supported · approved; #7 ...".
func runLabel(r Run) string {
	parts := make([]string, len(r.Claims))
	for i, c := range r.Claims {
		parts[i] = fmt.Sprintf("#%d %s · %s", c.ID, c.Status, c.Review)
	}
	return strings.Join(parts, "; ")
}

// anchorID is the id that links from the side panel to the start of a claim in the text.
func anchorID(id int64) string { return "c-" + strconv.FormatInt(id, 10) }

// summaryText is the one-line summary of a document's claims and markers.
func summaryText(v DocumentView) string {
	parts := []string{plural(v.Summary.Claims, "claim", "claims")}
	parts = append(parts, statusBrief(v.Summary.ByStatus)...)
	parts = append(parts, fmt.Sprintf("markers covered %d of %d", v.Covered, v.Markers))
	return strings.Join(parts, " · ")
}

// statusBrief lists the non-zero status counts in the order the UI offers the statuses.
func statusBrief(by map[citecheck.Status]int) []string {
	var out []string
	for _, st := range citecheck.Statuses {
		if n := by[st]; n > 0 {
			out = append(out, fmt.Sprintf("%d %s", n, st))
		}
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// truncate shortens s to at most n code points, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n])) + "…"
}

// formatTime shows a time in UTC to the minute; the zero time shows as nothing.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func itoa(n int) string      { return strconv.Itoa(n) }
func i64(n int64) string     { return strconv.FormatInt(n, 10) }
func docURL(id int64) string { return "/documents/" + i64(id) }
