package formats

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/citecheck/citecheck"
)

// CSVHeader is the header row of the CSV export of claims: checker is the claim's creator,
// editor the one who reviewed it; refs and checks are space-separated; anchor says how the
// claim was last anchored (exact, moved, fuzzy, orphaned). An orphan has no position: its start
// and end are empty, and its quote, prefix and suffix are the ones it had. Evidence lists the passages the verdict
// rests on, one line each (EvidenceCell). New columns go last so that the columns before them
// stay where they were.
var CSVHeader = []string{"id", "start", "end", "quote", "refs", "status", "note", "review",
	"review_comment", "checker", "editor", "created_at", "updated_at", "reviewed_at", "checks", "anchor",
	"evidence", "prefix", "suffix"}

// WriteClaimsCSV writes claims as CSV (RFC 4180, UTF-8, CRLF line ends as encoding/csv writes
// them) with CSVHeader first, one row per claim in the order given, orphans included. Times are
// RFC 3339 in UTC; a claim never reviewed has an empty editor and reviewed_at. Checks are written
// as the claims carry them, so the caller fills them first.
//
// A free-text cell (quote, note, review comment, names) that starts with "=", "+", "-", "@", a
// TAB or a CR gets a leading "'", so that a spreadsheet shows it as text instead of running it
// as a formula: the texts come from documents and imports that anyone may have written.
func WriteClaimsCSV(w io.Writer, claims []citecheck.Claim) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for i := range claims {
		if err := cw.Write(claimRow(&claims[i])); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// claimRow is one claim's CSV row, in the order of CSVHeader.
func claimRow(c *citecheck.Claim) []string {
	refs := make([]string, len(c.Refs))
	for i, r := range c.Refs {
		refs[i] = strconv.Itoa(r)
	}
	codes := make([]string, len(c.Checks))
	for i, ch := range c.Checks {
		codes[i] = ch.Code
	}
	editor, reviewedAt := "", ""
	if c.ReviewedBy != nil {
		editor = *c.ReviewedBy
	}
	if c.ReviewedAt != nil {
		reviewedAt = csvTime(*c.ReviewedAt)
	}
	start, end, anchor := strconv.Itoa(c.Start), strconv.Itoa(c.End), c.Anchor
	if anchor == "" {
		anchor = string(citecheck.AnchorExact)
	}
	if anchor == string(citecheck.AnchorOrphaned) {
		start, end = "", ""
	}
	return []string{
		strconv.FormatInt(c.ID, 10), start, end,
		SpreadsheetSafe(c.Quote), strings.Join(refs, " "), string(c.Status), SpreadsheetSafe(c.Note),
		string(c.Review), SpreadsheetSafe(c.ReviewComment), SpreadsheetSafe(c.CreatedBy),
		SpreadsheetSafe(editor), csvTime(c.CreatedAt), csvTime(c.UpdatedAt), reviewedAt,
		strings.Join(codes, " "), anchor, EvidenceCell(c.Evidence), SpreadsheetSafe(c.Prefix), SpreadsheetSafe(c.Suffix),
	}
}

// EvidenceCell writes a claim's evidence in one cell, a line per passage in the claim's order:
// `supports: “the quote” (source 7, ref 30)`. The lines start with the stance, so the cell is
// never read as a formula; a line break inside a quote is written as a space, so that each
// passage stays on its line; encoding/csv quotes the rest.
func EvidenceCell(evidence []citecheck.Evidence) string {
	lines := make([]string, len(evidence))
	for i, e := range evidence {
		quote := strings.Join(strings.Fields(e.Quote), " ")
		lines[i] = fmt.Sprintf("%s: “%s” (source %d, ref %d)", e.Stance, quote, e.SourceID, e.Ref)
	}
	return strings.Join(lines, "\n")
}

// csvTime formats a time for the CSV export.
func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// SpreadsheetSafe prefixes "'" to a cell that a spreadsheet would take for a formula.
func SpreadsheetSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
