package formats

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

func TestWriteClaimsCSVParsesBackToTheClaims(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	ed := "ed"
	claims := []citecheck.Claim{
		{ID: 1, Start: 0, End: 9, Quote: "a, b, “c”", Refs: []int{3, 30}, Status: citecheck.StatusSupported, Note: "said \"so\"\nthen left",
			Review: citecheck.ReviewApproved, ReviewComment: "ok, fine", ReviewedBy: &ed, ReviewedAt: &at,
			CreatedBy: "rita", CreatedAt: at, UpdatedBy: "rita", UpdatedAt: at.Add(time.Hour),
			Checks: []citecheck.Check{{Code: citecheck.CheckUnknownRef}, {Code: citecheck.CheckMarkerNotAttached}}},
		{ID: 2, Start: 10, End: 14, Quote: "😀 مرحبا e\u0301\r\nx", Refs: []int{}, Status: citecheck.StatusUnverified,
			Review: citecheck.ReviewPending, CreatedBy: "ralph", CreatedAt: at, UpdatedAt: at, Checks: []citecheck.Check{}},
		{ID: 3, Start: 20, End: 25, Quote: "=1+2", Note: "@cmd", Refs: []int{1}, Status: citecheck.StatusContradicted,
			Review: citecheck.ReviewPending, CreatedBy: "-x", CreatedAt: at, UpdatedAt: at, Anchor: "moved"},
		{ID: 4, Start: 3, End: 7, Quote: "gone", Refs: []int{2}, Status: citecheck.StatusSupported, Review: citecheck.ReviewPending,
			CreatedBy: "rita", CreatedAt: at, UpdatedAt: at, Anchor: "orphaned", OldQuote: "gone", Revision: 1,
			Prefix: "what was ", Suffix: " from the text"},
	}
	var buf bytes.Buffer
	if err := WriteClaimsCSV(&buf, claims); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows[0], CSVHeader) || len(rows) != len(claims)+1 {
		t.Fatalf("header %v, %d rows", rows[0], len(rows))
	}
	for i, c := range claims {
		row := map[string]string{}
		for j, h := range CSVHeader {
			row[h] = rows[i+1][j]
		}
		refs := []string{}
		for _, r := range c.Refs {
			refs = append(refs, strconv.Itoa(r))
		}
		codes := []string{}
		for _, ch := range c.Checks {
			codes = append(codes, ch.Code)
		}
		editor, reviewedAt := "", ""
		if c.ReviewedBy != nil {
			editor, reviewedAt = *c.ReviewedBy, c.ReviewedAt.Format(time.RFC3339)
		}
		start, end, anchor := strconv.Itoa(c.Start), strconv.Itoa(c.End), c.Anchor
		if anchor == "" {
			anchor = "exact"
		}
		if anchor == "orphaned" { // no position: it is not in the text
			start, end = "", ""
		}
		want := map[string]string{
			"id": strconv.FormatInt(c.ID, 10), "start": start, "end": end, "anchor": anchor,
			"quote": SpreadsheetSafe(c.Quote), "refs": strings.Join(refs, " "), "status": string(c.Status),
			"note": SpreadsheetSafe(c.Note), "review": string(c.Review), "review_comment": c.ReviewComment,
			"checker": SpreadsheetSafe(c.CreatedBy), "editor": editor, "created_at": c.CreatedAt.Format(time.RFC3339),
			"updated_at": c.UpdatedAt.Format(time.RFC3339), "reviewed_at": reviewedAt, "checks": strings.Join(codes, " "),
			"evidence": "", "prefix": SpreadsheetSafe(c.Prefix), "suffix": SpreadsheetSafe(c.Suffix),
		}
		// encoding/csv reads a CRLF inside a quoted field back as LF.
		want["quote"] = strings.ReplaceAll(want["quote"], "\r\n", "\n")
		if !reflect.DeepEqual(row, want) {
			t.Errorf("row %d:\n got %q\nwant %q", i+1, row, want)
		}
	}
	if rows[3][3] != "'=1+2" || rows[3][6] != "'@cmd" || rows[3][9] != "'-x" {
		t.Errorf("formula cells not neutralised: %q", rows[3])
	}
	// An orphan: no position, its old quote and its context.
	at2 := func(name string) int { return slices.Index(CSVHeader, name) }
	if last := at2("anchor"); rows[1][last] != "exact" || rows[3][last] != "moved" ||
		rows[4][last] != "orphaned" || rows[4][1] != "" || rows[4][2] != "" || rows[4][3] != "gone" ||
		rows[4][at2("prefix")] != "what was " || rows[4][at2("suffix")] != " from the text" {
		t.Errorf("anchor column or the orphan's empty position: %q, %q", rows[3], rows[4])
	}
}

// TestCSVEvidenceColumnOneRowPerClaim: a claim's passages share its one row, a line each in its
// order, with stance, quote, source and ref; quotes with commas, double quotes, line breaks,
// emoji and Arabic read back exactly (line breaks as spaces), and a passage that starts like a
// formula does not start the cell.
func TestCSVEvidenceColumnOneRowPerClaim(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	claims := []citecheck.Claim{
		{ID: 1, Quote: "q", Refs: []int{30}, Status: citecheck.StatusSupported, Review: citecheck.ReviewPending, CreatedAt: at, UpdatedAt: at,
			Evidence: []citecheck.Evidence{
				{SourceID: 7, Ref: 30, Quote: "=SUM(A1), \"so\" they\nsaid 😀", Stance: citecheck.StanceSupports},
				{SourceID: 9, Ref: 31, Quote: "قال «لا»", Stance: citecheck.StanceContradicts},
			}},
		{ID: 2, Quote: "r", Refs: []int{}, Status: citecheck.StatusUnverified, Review: citecheck.ReviewPending, CreatedAt: at, UpdatedAt: at},
	}
	var buf bytes.Buffer
	if err := WriteClaimsCSV(&buf, claims); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(CSVHeader, "evidence")
	if len(rows) != 3 || col < 0 {
		t.Fatalf("%d rows, evidence column %d; want one row per claim", len(rows), col)
	}
	want := "supports: “=SUM(A1), \"so\" they said 😀” (source 7, ref 30)\ncontradicts: “قال «لا»” (source 9, ref 31)"
	if rows[1][col] != want {
		t.Errorf("evidence cell\n got %q\nwant %q", rows[1][col], want)
	}
	if rows[2][col] != "" {
		t.Errorf("a claim without evidence has %q", rows[2][col])
	}
	if SpreadsheetSafe(rows[1][col]) != rows[1][col] {
		t.Errorf("the evidence cell would run as a formula: %q", rows[1][col])
	}
}
