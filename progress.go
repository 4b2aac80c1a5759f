package citecheck

import "fmt"

// DocState is where a document stands on the desk, from nobody's work to signed off.
type DocState string

// The states of a document, decided by StateOf alone.
const (
	StateUnassigned DocState = "unassigned"
	StateInProgress DocState = "in progress"
	StateInReview   DocState = "in review"
	StateApproved   DocState = "approved"
)

// DocStates lists the states in the order of the desk's work, for filters and sorting.
var DocStates = []DocState{StateUnassigned, StateInProgress, StateInReview, StateApproved}

// ParseDocState reads a state filter (ECodeInvalid about "state" for anything else).
func ParseDocState(s string) (DocState, error) {
	for _, st := range DocStates {
		if string(st) == s {
			return st, nil
		}
	}
	return "", FieldErrorf(ECodeInvalid, "state", "state must be one of unassigned, in progress, in review, approved")
}

// Progress is the counts that decide a document's state: its body markers and how many no
// claim covers, its claims (orphans included) by where they stand, and the open checks.
type Progress struct {
	Markers    int `json:"markers"`
	Uncovered  int `json:"uncovered"`
	Claims     int `json:"claims"`
	Approved   int `json:"approved"`
	Pending    int `json:"pending"`    // claims not approved: waiting for an editor or rejected
	Unverified int `json:"unverified"` // claims without a verdict yet
	Rejected   int `json:"rejected"`
	OpenChecks int `json:"open_checks"` // citation problems of the placed claims
	Orphans    int `json:"orphans"`
}

// ProgressOf counts the progress of a document from its check (markers and coverage), its
// placed claims (their Checks filled) and its orphans.
func ProgressOf(check DocumentCheck, placed, orphans []Claim) Progress {
	p := Progress{Markers: check.Markers, Uncovered: check.Markers - check.Covered,
		Claims: len(placed) + len(orphans), Orphans: len(orphans)}
	for i := range placed {
		p.OpenChecks += len(placed[i].Checks)
	}
	for _, c := range append(placed[:len(placed):len(placed)], orphans...) {
		switch c.Review {
		case ReviewApproved:
			p.Approved++
		case ReviewRejected:
			p.Rejected++
			p.Pending++
		default:
			p.Pending++
		}
		if c.Status == StatusUnverified {
			p.Unverified++
		}
	}
	return p
}

// StateOf is the one rule of a document's state, for the list, the document page and My work:
//   - approved: it has claims, every marker is covered, every claim is approved, and no check
//     is open (no citation problem on a claim, no orphan);
//   - in review: it has claims, every claim has a verdict (no claim is unverified) and none
//     stands rejected, but it is not approved: the editors' turn;
//   - in progress: it is assigned, or has claims;
//   - unassigned: otherwise.
//
// A document without claims is never approved: nothing has been checked.
func StateOf(p Progress, assigned bool) DocState {
	switch {
	case p.Claims > 0 && p.Uncovered == 0 && p.Approved == p.Claims && p.OpenChecks == 0 && p.Orphans == 0:
		return StateApproved
	case p.Claims > 0 && p.Unverified == 0 && p.Rejected == 0:
		return StateInReview
	case assigned || p.Claims > 0:
		return StateInProgress
	}
	return StateUnassigned
}

// Lack is one thing that keeps a document from approved: what (uncovered, pending, checks,
// orphans or claims) and the phrase that says it ("3 markers uncovered").
type Lack struct {
	What string `json:"what"`
	Text string `json:"text"`
}

// Missing says what keeps a document from approved, one phrase per count that does ("3 markers
// uncovered", "2 claims pending", "1 open check"); empty once it is approved.
func (p Progress) Missing() []Lack {
	out := []Lack{}
	add := func(what string, n int, one, many string) {
		if n == 1 {
			out = append(out, Lack{what, "1 " + one})
		} else if n > 1 {
			out = append(out, Lack{what, fmt.Sprintf("%d %s", n, many)})
		}
	}
	if p.Claims == 0 {
		out = append(out, Lack{"claims", "no claims yet"})
	}
	add("uncovered", p.Uncovered, "marker uncovered", "markers uncovered")
	add("pending", p.Pending, "claim pending", "claims pending")
	add("checks", p.OpenChecks, "open check", "open checks")
	add("orphans", p.Orphans, "orphaned claim", "orphaned claims")
	return out
}

// DeskDocument is a document as the desk's list shows it: its summary, its state with the
// counts behind it, and its assignment (nil if none).
type DeskDocument struct {
	DocumentSummary
	State      DocState    `json:"state"`
	Progress   Progress    `json:"progress"`
	Assignment *Assignment `json:"assignment"`
}

// DocumentFilter narrows and orders the documents list: by state, checker and editor (user
// names), sorted by Sort (one of DocumentSorts) ascending unless Desc.
type DocumentFilter struct {
	State   DocState
	Checker string
	Editor  string
	Sort    string
	Desc    bool
}

// DocumentSorts are the orders of the documents list; "created" (newest first) is the default.
var DocumentSorts = []string{"created", "title", "state", "checker", "editor", "due"}

// ParseDocumentSort reads a sort key (ECodeInvalid about "sort" for an unknown one); "" is
// "created".
func ParseDocumentSort(s string) (string, error) {
	if s == "" {
		return "created", nil
	}
	for _, k := range DocumentSorts {
		if k == s {
			return s, nil
		}
	}
	return "", FieldErrorf(ECodeInvalid, "sort", "sort must be one of created, title, state, checker, editor, due")
}
