package views

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citecheck/citecheck"
)

// extraAnchors are the claims starting at a run that need an empty anchor span of their own:
// all but the first, whose id the run itself carries, or all when the run carries a marker's id.
func extraAnchors(r Run) []int64 {
	if r.MarkerHead {
		return r.Anchors
	}
	if len(r.Anchors) > 1 {
		return r.Anchors[1:]
	}
	return nil
}

// panelURL is the document page showing page n of its claims under the status filter.
func panelURL(docID int64, status string, n int) string {
	q := url.Values{}
	if status != "" {
		q.Set("status", status)
	}
	if n > 1 {
		q.Set("panel", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return docURL(docID)
	}
	return docURL(docID) + "?" + q.Encode()
}

// panelRange says which claims the panel shows: "5,000 claims · 101–200".
func panelRange(pv PanelView, status string) string {
	what := plural(pv.Total, "claim", "claims")
	if status != "" {
		what = plural(pv.Total, status+" claim", status+" claims")
	}
	if pv.Pages <= 1 {
		return what
	}
	last := min(pv.First+pv.PageSize, pv.Total)
	return fmt.Sprintf("%s · %d–%d", what, pv.First+1, last)
}

// blockID is the id of the block of the text with index i.
func blockID(i int) string { return "b-" + strconv.Itoa(i) }

// markerID is the id of the run that opens the marker starting at code point start.
func markerID(start int) string { return "m-" + strconv.Itoa(start) }

// anchorID is the id that links from the side panel to the start of a claim in the text.
func anchorID(id int64) string { return "c-" + strconv.FormatInt(id, 10) }

// summaryText is the one-line summary of a document's claims and markers: by status, by
// review, and whether every claim is approved.
func summaryText(v DocumentView) string {
	parts := []string{plural(v.Summary.Claims, "claim", "claims")}
	parts = append(parts, statusBrief(v.Summary.ByStatus)...)
	if rv := reviewBrief(v.Summary.ByReview); len(rv) > 0 {
		parts = append(parts, "review: "+strings.Join(rv, ", "))
	}
	parts = append(parts, fmt.Sprintf("markers covered %d of %d", v.Covered, v.Markers))
	return strings.Join(parts, " · ")
}

// allApproved tells whether a document has claims and every one of them is approved.
func allApproved(c citecheck.Counts) bool {
	return c.Claims > 0 && c.ByReview[citecheck.ReviewApproved] == c.Claims
}

// reviewBrief lists the non-zero review counts in the order pending, approved, rejected.
func reviewBrief(by map[citecheck.Review]int) []string {
	var out []string
	for _, rv := range citecheck.Reviews {
		if n := by[rv]; n > 0 {
			out = append(out, fmt.Sprintf("%d %s", n, rv))
		}
	}
	return out
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

func claimURL(id int64) string { return "/claims/" + i64(id) }

// changedByOther tells whether someone changed a claim after its creator made it.
func changedByOther(c citecheck.Claim) bool {
	return c.UpdatedBy != "" && (c.UpdatedBy != c.CreatedBy || !c.UpdatedAt.Equal(c.CreatedAt))
}

// reviewLabel says where a claim stands with the editors: "pending", "✓ approved by ed".
func reviewLabel(c citecheck.Claim) string {
	switch {
	case c.Review == citecheck.ReviewApproved && c.ReviewedBy != nil:
		return "✓ approved by " + *c.ReviewedBy
	case c.Review == citecheck.ReviewRejected && c.ReviewedBy != nil:
		return "✗ rejected by " + *c.ReviewedBy
	case c.Review == "":
		return string(citecheck.ReviewPending)
	}
	return string(c.Review)
}

// contextLen is how many code points of context the store keeps either side of a quote.
const contextLen = 32

// leadEllipsis marks a prefix that does not reach the start of the text.
func leadEllipsis(c citecheck.Claim) string {
	if c.Start > utf8.RuneCountInString(c.Prefix) {
		return "…"
	}
	return ""
}

// trailEllipsis marks a suffix that was cut at its full length, so the text likely goes on.
func trailEllipsis(c citecheck.Claim) string {
	if utf8.RuneCountInString(c.Suffix) >= contextLen {
		return "…"
	}
	return ""
}

// filterSuffix says what the queue was narrowed to, for its empty message.
func filterSuffix(v QueueView) string {
	if v.Doc == 0 && v.Status == "" && v.Author == "" {
		return ""
	}
	return " with this filter"
}

func userURL(id int64) string { return "/admin/users/" + i64(id) }

// checkCodes lists the codes of a claim's checks: "unknown-ref, no-refs".
func checkCodes(checks []citecheck.Check) string {
	codes := make([]string, len(checks))
	for i, ch := range checks {
		codes[i] = ch.Code
	}
	return strings.Join(codes, ", ")
}

// refsText writes refs as a form field holds them: "30 31".
func refsText(refs []int) string {
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = strconv.Itoa(r)
	}
	return strings.Join(parts, " ")
}

// safeHTTPURL tells whether u may be a link: only http and https addresses are.
func safeHTTPURL(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")
}

// documentAction names an entry of a document's own history for the page.
func documentAction(action string) string {
	if action == citecheck.ActionReferencesChanged {
		return "reference list changed"
	}
	return action
}
