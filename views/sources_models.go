package views

import "github.com/citecheck/citecheck"

// UncitedItem is a body sentence that states a figure, a date or a quotation without a marker,
// as the Sources panel lists it: ClaimID is the claim that already covers it, or 0, in which
// case the panel offers a one-click citation-needed claim.
type UncitedItem struct {
	Start, End int
	Quote      string // the whole sentence, sent back with the claim form so a changed text is caught
	Reason     string // number, date or quotation
	ClaimID    int64
}

// SourceArchive is the sources archived for a document, by reference number, and whether the
// server fetches URLs (else the forms offer paste and upload only).
type SourceArchive struct {
	ByRef    map[int][]citecheck.Capture
	Unlisted []citecheck.Capture // sources of numbers that are not entries of the list
	CanFetch bool
}
