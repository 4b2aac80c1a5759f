package citecheck

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// ClaimChecks lists the citation problems of claim c in t, whose markers are cits (sorted by
// Start): unknown-ref (the refs that no marker carries), marker-not-attached (numbers carried by
// the markers in or right after the span, see AttachedCitations, that c.Refs lacks) and no-refs
// (no refs while the status is neither citation-needed nor unverified). Never nil.
func ClaimChecks(t *Text, cits []Citation, c *Claim) []Check {
	return claimChecks(t, cits, citedRefs(cits), c)
}

// FillChecks sets the Checks of every claim in claims, building the set of cited numbers once
// rather than once per claim.
func FillChecks(t *Text, cits []Citation, claims []Claim) {
	known := citedRefs(cits)
	for i := range claims {
		claims[i].Checks = claimChecks(t, cits, known, &claims[i])
	}
}

// citedRefs is the set of every number any marker carries.
func citedRefs(cits []Citation) map[int]bool {
	known := make(map[int]bool)
	for _, m := range cits {
		for _, r := range m.Refs {
			known[r] = true
		}
	}
	return known
}

func claimChecks(t *Text, cits []Citation, known map[int]bool, c *Claim) []Check {
	checks := []Check{}
	refs := sortedUnique(c.Refs)
	var unknown []int
	for _, r := range refs {
		if !known[r] {
			unknown = append(unknown, r)
		}
	}
	if len(unknown) > 0 {
		checks = append(checks, Check{Code: CheckUnknownRef, Refs: unknown,
			Message: fmt.Sprintf("%s not cited anywhere in the text", refsPhrase(unknown, "is", "are"))})
	}
	var missing []int
	for _, r := range attachedRefs(t, cits, c.Start, c.End) {
		if i := sort.SearchInts(refs, r); i == len(refs) || refs[i] != r {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		checks = append(checks, Check{Code: CheckMarkerNotAttached, Refs: missing,
			Message: fmt.Sprintf("a marker in or right after the claim cites %s, which the claim's refs lack",
				refsPhrase(missing, "", ""))})
	}
	if len(refs) == 0 && c.Status != StatusCitationNeeded && c.Status != StatusUnverified && c.Status != "" {
		checks = append(checks, Check{Code: CheckNoRefs,
			Message: fmt.Sprintf("the claim is marked %s but has no refs", c.Status)})
	}
	return append(checks, evidenceChecks(c)...)
}

// refsPhrase renders "ref 9 is" or "refs 9, 10 are" for messages.
func refsPhrase(refs []int, one, many string) string {
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = strconv.Itoa(r)
	}
	s, verb := "ref ", one
	if len(refs) > 1 {
		s, verb = "refs ", many
	}
	s += strings.Join(parts, ", ")
	if verb != "" {
		s += " " + verb
	}
	return s
}

// ClaimCheck is the citation problems of one claim in a document check.
type ClaimCheck struct {
	ID     int64   `json:"id"`
	Checks []Check `json:"checks"`
}

// DocumentCheck is the citation check of a whole document: how many markers it has, how many a
// claim covers (the marker is in or right after the claim's span, and the claim's refs include
// every number of the marker), the markers none covers, the
// problems of each claim and the claims counted by status and review.
type DocumentCheck struct {
	Markers   int            `json:"markers"`
	Covered   int            `json:"covered"`
	Uncovered []Citation     `json:"uncovered"`
	Claims    []ClaimCheck   `json:"claims"`
	ByStatus  map[Status]int `json:"by_status"`
	ByReview  map[Review]int `json:"by_review"`
}

// CheckDocument checks every marker and claim of a document. A marker is covered by a claim whose
// span holds it or is followed by it in the marker run right after the span, and whose refs
// include every number it carries: each claim looks only at its own markers (a binary search and
// a short run), so thousands of claims and markers take milliseconds, not a nested loop over both.
func CheckDocument(t *Text, cits []Citation, claims []Claim) DocumentCheck {
	dc := coverage(t, cits, claims)
	dc.Claims = make([]ClaimCheck, 0, len(claims))
	known := citedRefs(cits)
	for i := range claims {
		dc.Claims = append(dc.Claims, ClaimCheck{ID: claims[i].ID, Checks: claimChecks(t, cits, known, &claims[i])})
	}
	counts := CountClaims(claims)
	dc.ByStatus, dc.ByReview = counts.ByStatus, counts.ByReview
	return dc
}

// containsAll reports whether ascending have holds every number of ascending want.
func containsAll(have, want []int) bool {
	j := 0
	for _, w := range want {
		for j < len(have) && have[j] < w {
			j++
		}
		if j == len(have) || have[j] != w {
			return false
		}
	}
	return true
}

// CountClaims counts claims by status and by review; a claim without a status counts as
// unverified and one without a review as pending. Only states that occur are keys; the maps are
// never nil.
func CountClaims(claims []Claim) Counts {
	c := Counts{Claims: len(claims), ByStatus: map[Status]int{}, ByReview: map[Review]int{}}
	// Counted by their place in Statuses and Reviews, then put in the maps: a map's insert per
	// claim was most of the cost of counting a view's 25,000 claims, done at every write.
	var byStatus [16]int
	var byReview [8]int
	for i := range claims {
		st, rv := claims[i].Status, claims[i].Review
		if st == "" {
			st = StatusUnverified
		}
		if rv == "" {
			rv = ReviewPending
		}
		if k := slices.Index(Statuses, st); k >= 0 && k < len(byStatus) {
			byStatus[k]++
		} else {
			c.ByStatus[st]++
		}
		if k := slices.Index(Reviews, rv); k >= 0 && k < len(byReview) {
			byReview[k]++
		} else {
			c.ByReview[rv]++
		}
	}
	for k, n := range byStatus[:min(len(Statuses), len(byStatus))] {
		if n > 0 {
			c.ByStatus[Statuses[k]] += n
		}
	}
	for k, n := range byReview[:min(len(Reviews), len(byReview))] {
		if n > 0 {
			c.ByReview[Reviews[k]] += n
		}
	}
	return c
}

// attachedRefs are the numbers of the markers the contract attaches to a span: inside it, or in
// the run after it with only white space between (SuggestRefs also looks past punctuation).
func attachedRefs(t *Text, cits []Citation, start, end int) []int {
	var refs []int
	for _, c := range AttachedCitations(t, cits, start, end) {
		refs = append(refs, c.Refs...)
	}
	return sortedUnique(refs)
}
