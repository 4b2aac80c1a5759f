package views

import "github.com/citecheck/citecheck"

// DiffRun is a stretch of a revision view's diff: text in both revisions ("eq"), only in the
// old one ("del") or only in the new one ("ins"), with the anchor kind of the claims over it
// ("" for none): moved, fuzzy, exact for a claim in the new text, orphaned for the old text of
// an orphan.
type DiffRun struct {
	Op    string
	Text  string
	Kind  string
	Claim int64 // a claim over the run, for its link
}

// RevisionClaim is a claim of a revision as the revision view lists it.
type RevisionClaim struct {
	Claim citecheck.Claim
	Kind  string
}

// RevisionView is the page of one revision: the diff from the revision before, its claims
// marked by how they were anchored, the counts, and the orphans to place by hand.
type RevisionView struct {
	Doc       *citecheck.Document // as it now stands
	Revision  citecheck.RevisionSummary
	Current   bool
	Revisions []citecheck.RevisionSummary
	Runs      []DiffRun
	Claims    []RevisionClaim // moved and fuzzy claims of this revision, and its orphans
	Orphans   []citecheck.Claim
	// Candidates are, by orphan id, the passages of the current text each orphan may have
	// become, best first; offered in the tray, applied only when accepted.
	Candidates map[int64][]OrphanCandidate
	Truncated  bool // the diff was too long to show in full
}

// OrphanCandidate is a passage an orphan may have become, with its score (0 to 1).
type OrphanCandidate struct {
	Start, End int
	Quote      string
	Score      float64
}

// kindClass is the CSS class of an anchor kind; "" for none.
func kindClass(kind string) string {
	if kind == "" {
		return ""
	}
	return "anchor-" + kind
}

// orphanQuote is the quote an orphan had, cut to a readable length.
func orphanQuote(c citecheck.Claim) string {
	q := c.OldQuote
	if q == "" {
		q = c.Quote
	}
	if r := []rune(q); len(r) > 300 {
		return string(r[:300]) + "…"
	}
	return q
}
