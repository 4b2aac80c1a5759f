package views

import (
	"fmt"

	"github.com/citecheck/citecheck"
)

// EvidenceItem is one passage a claim rests on, with the source it was taken from, so an
// editor judges the verdict by the words of the source, its title, URL and capture date.
// Source is nil only if the source could not be found among its document's.
type EvidenceItem struct {
	Evidence citecheck.Evidence
	Source   *citecheck.Capture // without its text
}

// SourceView is the page of one source: its text, escaped, with the passage asked for (if
// any) highlighted under the id passageID(Start, End) so the link's fragment scrolls to it.
type SourceView struct {
	Source   citecheck.Capture // with its text
	DocTitle string
	Marked   bool // a passage was asked for; Before, Passage and After then split the text
	Start    int
	End      int
	Before   string
	Passage  string
	After    string
}

// passageID is the id of a highlighted passage of a source page, the fragment of its links.
func passageID(start, end int) string { return fmt.Sprintf("p-%d-%d", start, end) }

// PassageURL is the link from evidence to its passage: the query tells the server what to
// highlight, the fragment tells the browser where to scroll, so no script is needed.
func PassageURL(sourceID int64, start, end int) string {
	return fmt.Sprintf("/sources/%d?start=%d&end=%d#%s", sourceID, start, end, passageID(start, end))
}

// SplitView is the evidence pane of one claim beside the document: what the claim rests on
// already, the archived sources of its refs to pick from (Missing: its refs without one), and
// the picked source with its text, to select a passage of.
type SplitView struct {
	Claim    citecheck.Claim
	Evidence []EvidenceItem
	Sources  []citecheck.Capture // of the claim's refs, without their text
	Missing  []int
	Source   *citecheck.Capture // the picked source with its text, or nil if there is none
}

// SplitURL opens the evidence pane of a claim (and one of its sources, if sourceID > 0) on the
// document page; the server renders it there, so the link works without the script.
func SplitURL(docID, claimID, sourceID int64) string {
	u := fmt.Sprintf("/documents/%d?evidence=%d", docID, claimID)
	if sourceID > 0 {
		u += fmt.Sprintf("&source=%d", sourceID)
	}
	return u + "#split-pane"
}

// splitPaneURL is where evidence.js fetches the same pane as a fragment, without a reload.
func splitPaneURL(claimID, sourceID int64) string {
	u := fmt.Sprintf("/claims/%d/evidence", claimID)
	if sourceID > 0 {
		u += fmt.Sprintf("?source=%d", sourceID)
	}
	return u
}

// sourceIDOf is the source the pane shows, or 0.
func sourceIDOf(v SplitView) int64 {
	if v.Source == nil {
		return 0
	}
	return v.Source.ID
}
