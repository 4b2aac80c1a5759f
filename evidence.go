package citecheck

import (
	"fmt"
	"time"
)

// Stance is what a passage of a source says about a claim.
type Stance string

// The stances of the contract.
const (
	StanceSupports    Stance = "supports"
	StanceContradicts Stance = "contradicts"
	StanceContext     Stance = "context" // background that neither backs nor refutes the claim
)

// Stances lists every stance in the order the UI offers them.
var Stances = []Stance{StanceSupports, StanceContradicts, StanceContext}

// ECodeInvalidStance refuses a stance that is not one of Stances.
const ECodeInvalidStance = "invalid-stance"

// ParseStance accepts one of the contract's stances; there is no default, since evidence
// without a stance says nothing.
func ParseStance(s string) (Stance, error) {
	for _, st := range Stances {
		if string(st) == s {
			return st, nil
		}
	}
	return "", FieldErrorf(ECodeInvalidStance, "stance", "stance must be supports, contradicts or context, not %q", s)
}

// The history actions of evidence: adding or removing it changes what a verdict rests on, so
// the claim's history records it like any other change.
const (
	ActionEvidenceAdded   = "evidence-added"
	ActionEvidenceRemoved = "evidence-removed"
)

// The codes of the evidence checks of a claim.
const (
	CheckNoEvidence          = "no-evidence"            // a verdict that needs a passage has none
	CheckEvidenceRefNotCited = "evidence-ref-not-cited" // evidence from a source the claim does not cite
	CheckStanceConflict      = "stance-conflict"        // the verdict says the opposite of its evidence
)

// Evidence ties a claim to a passage of one of its document's sources: Start and End count code
// points of the source's text, end exclusive; Quote, Prefix and Suffix are filled from that text
// as for a claim. Ref is the reference number of the source.
type Evidence struct {
	ID        int64     `json:"id"`
	ClaimID   int64     `json:"claim_id"`
	SourceID  int64     `json:"source_id"`
	Ref       int       `json:"ref"`
	Start     int       `json:"start"`
	End       int       `json:"end"`
	Quote     string    `json:"quote"`
	Prefix    string    `json:"prefix"`
	Suffix    string    `json:"suffix"`
	Stance    Stance    `json:"stance"`
	Note      string    `json:"note"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`

	CreatedByID int64 `json:"-"`
}

// EvidenceInput is evidence as asked for, before it is checked against its source.
type EvidenceInput struct {
	Start, End int
	Quote      *string // optional; when set it must equal the source's text at Start..End
	Stance     string
	Note       string
}

// NewEvidence checks a passage of source src for claim cl and builds the evidence: the source
// must belong to the claim's document (else ECodeInvalid about "source_id"), the span must lie
// in the source's text and hold a non-space character (ValidateSpan), a quote sent must match
// (CheckQuote: ECodeQuoteMismatch), and the stance must be one of Stances. t is the indexed
// text of src. The caller validates the note as it validates a claim's note.
func NewEvidence(cl *Claim, src *Capture, t *Text, in EvidenceInput, by int64) (*Evidence, error) {
	if src.DocumentID != cl.DocumentID {
		return nil, FieldErrorf(ECodeInvalid, "source_id",
			"source %d belongs to document %d, not to claim %d's document %d", src.ID, src.DocumentID, cl.ID, cl.DocumentID)
	}
	if err := ValidateSpan(t, in.Start, in.End); err != nil {
		return nil, err
	}
	if in.Quote != nil {
		if err := CheckQuote(t, in.Start, in.End, *in.Quote); err != nil {
			return nil, err
		}
	}
	stance, err := ParseStance(in.Stance)
	if err != nil {
		return nil, err
	}
	e := &Evidence{ClaimID: cl.ID, SourceID: src.ID, Ref: src.Ref, Start: in.Start, End: in.End,
		Stance: stance, Note: in.Note, CreatedByID: by}
	e.Quote = t.Slice(in.Start, in.End)
	e.Prefix = t.Slice(max(in.Start-ContextLen, 0), in.Start)
	e.Suffix = t.Slice(in.End, min(in.End+ContextLen, t.Len()))
	return e, nil
}

// CheckEvidenceRemoval says whether u may remove the evidence e: editors and admins any, a
// reviewer only the evidence they added. Every door (API, pages) asks this one rule.
func CheckEvidenceRemoval(u User, e *Evidence) error {
	if !u.Role.CanReview() && e.CreatedByID != u.ID {
		return Errorf(ECodeForbidden, "only editors, admins and whoever added it may remove a passage of evidence")
	}
	return nil
}

// EvidenceChange is what a claim's history records of evidence added or removed: enough to say
// which passage of which source, with which stance, without the passage's context.
func EvidenceChange(e *Evidence) map[string]any {
	return map[string]any{"id": e.ID, "source_id": e.SourceID, "ref": e.Ref, "start": e.Start,
		"end": e.End, "quote": e.Quote, "stance": string(e.Stance)}
}

// ReopenReview sends an approved or rejected claim back to pending and reports whether it did:
// the editor decided on a claim resting on other evidence than it now has.
func ReopenReview(c *Claim) bool {
	if c.Review == ReviewPending || c.Review == "" {
		return false
	}
	c.Review, c.ReviewComment, c.ReviewedBy, c.ReviewedAt = ReviewPending, "", nil, nil
	return true
}

// evidenceChecks lists the evidence problems of a claim: no-evidence (a verdict of supported,
// partly-supported or contradicted without any evidence), evidence-ref-not-cited (evidence from
// a source whose ref the claim's refs lack) and stance-conflict (supported with contradicting
// evidence and none that supports, or contradicted with supporting evidence and none that
// contradicts; context evidence takes no side).
func evidenceChecks(c *Claim) []Check {
	var checks []Check
	switch c.Status {
	case StatusSupported, StatusPartlySupported, StatusContradicted:
		if len(c.Evidence) == 0 {
			checks = append(checks, Check{Code: CheckNoEvidence,
				Message: fmt.Sprintf("the claim is marked %s but no passage of a source backs the verdict", c.Status)})
		}
	}
	cited := make(map[int]bool, len(c.Refs))
	for _, r := range c.Refs {
		cited[r] = true
	}
	var uncited []int
	stances := map[Stance]int{}
	for _, e := range c.Evidence {
		stances[e.Stance]++
		if !cited[e.Ref] {
			uncited = append(uncited, e.Ref)
		}
	}
	if uncited = sortedUnique(uncited); len(uncited) > 0 {
		checks = append(checks, Check{Code: CheckEvidenceRefNotCited, Refs: uncited,
			Message: fmt.Sprintf("evidence comes from %s, which the claim's refs lack", refsPhrase(uncited, "", ""))})
	}
	supports, contradicts := stances[StanceSupports], stances[StanceContradicts]
	switch {
	case c.Status == StatusSupported && contradicts > 0 && supports == 0:
		checks = append(checks, Check{Code: CheckStanceConflict,
			Message: "the claim is marked supported but its evidence only contradicts it"})
	case c.Status == StatusContradicted && supports > 0 && contradicts == 0:
		checks = append(checks, Check{Code: CheckStanceConflict,
			Message: "the claim is marked contradicted but its evidence only supports it"})
	}
	return checks
}

// ImportedEvidenceChanges is what the evidence-added event of evidence that arrived with an
// import records: the passage as stored (as EvidenceChange, like evidence added here), and what
// the file said of it, as the imported event of a claim keeps its provenance: the format, its
// id and its source's id in the file, and who added it and when there, each from the file's
// value to this server's.
func ImportedEvidenceChanges(file, stored *Evidence, format string) map[string]FieldChange {
	changes := map[string]FieldChange{"evidence": {From: nil, To: EvidenceChange(stored)}}
	if format != "" {
		changes["from_format"] = FieldChange{From: format, To: nil}
	}
	if file.ID != 0 {
		changes["id_in_file"] = FieldChange{From: file.ID, To: stored.ID}
	}
	if file.SourceID != 0 {
		changes["source_id_in_file"] = FieldChange{From: file.SourceID, To: stored.SourceID}
	}
	if file.CreatedBy != "" {
		changes["created_by"] = FieldChange{From: file.CreatedBy, To: stored.CreatedBy}
	}
	if !file.CreatedAt.IsZero() {
		changes["created_at"] = FieldChange{From: provenanceTime(&file.CreatedAt), To: provenanceTime(&stored.CreatedAt)}
	}
	return changes
}
