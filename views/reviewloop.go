package views

import (
	"strings"
	"time"

	"github.com/citecheck/citecheck"
)

// overrideWording says, as a person would, what approving a claim with open citation problems
// means; the problems themselves are listed above the form.
func overrideWording(checks []citecheck.Check) string {
	them := "them and they do"
	if len(checks) == 1 {
		them = "it and it does"
	}
	return "This claim still has " + plural(len(checks), "open citation problem", "open citation problems") +
		" (" + checkCodes(checks) + "), listed above. Approve it only if you have checked " + them + " not matter."
}

// ReportView is the printable report of a document: what an editor signs off, on paper.
type ReportView struct {
	Doc         *citecheck.Document
	GeneratedAt time.Time
	GeneratedBy string
	Summary     citecheck.Counts
	Markers     int
	Covered     int
	Uncovered   []ReportSpan      // markers no claim covers, with the text around them
	Uncited     []ReportSpan      // sentences that state a number, date or quotation without a marker
	Problems    []citecheck.Check // of the document: its reference list against its markers
	Claims      []ReportClaim     // anchored in the current text, in text order
	Orphans     []ReportClaim     // no place in the current text
	WithChecks  int               // claims with open citation checks
}

// ReportSpan is a passage of the text named by the report, with some text either side.
type ReportSpan struct {
	Start, End          int
	Before, Text, After string
	Reason              string // why an uncited sentence is listed: number, date or quotation
}

// ReportClaim is one claim of the report with its evidence, and what stands against it.
type ReportClaim struct {
	Claim     citecheck.Claim // with Checks filled
	Evidence  []EvidenceItem
	Orphan    string               // why it has no place in the current text, or ""
	Rejection *citecheck.Rejection // its last rejection, while it waits again after a fix
}

// MyRejectedView is a fact-checker's list of their claims that an editor rejected.
type MyRejectedView struct {
	Items []citecheck.QueueItem
}

// reportDate writes a time for the report: on paper, to the minute, in UTC.
func reportDate(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") }

// reportDatePtr is reportDate of an optional time, "—" without one.
func reportDatePtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return reportDate(*t)
}

// refsList writes refs as markers: "[30] [31]", or "none".
func refsList(refs []int) string {
	if len(refs) == 0 {
		return "none"
	}
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = "[" + itoa(r) + "]"
	}
	return strings.Join(parts, " ")
}

// orDash is s, or a dash for nothing.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// reviewerName is who decided on a claim, or a dash.
func reviewerName(c citecheck.Claim) string {
	if c.ReviewedBy == nil {
		return "—"
	}
	return *c.ReviewedBy
}

// briefIn writes a list of counts after a total: ": 3 supported, 1 unverified", or nothing.
func briefIn(parts []string) string {
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, ", ")
}
