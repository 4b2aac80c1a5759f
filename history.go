package citecheck

import (
	"slices"
	"time"
)

// The actions a claim's history records.
const (
	ActionCreated  = "created"
	ActionUpdated  = "updated"
	ActionReviewed = "reviewed"
	ActionDeleted  = "deleted"
	// ActionReviewUndone is an editor taking back the last decision: a new event that names
	// the decision undone, never an edit of the event that recorded it.
	ActionReviewUndone = "review-undone"
)

// FieldChange is one field's value before and after a change; nil where it did not exist.
type FieldChange struct {
	From any `json:"from"`
	To   any `json:"to"`
}

// ClaimEvent is one entry of a claim's append-only history: who did what, when, and what
// changed from what to what.
type ClaimEvent struct {
	ID         int64                  `json:"id"`
	ClaimID    int64                  `json:"claim_id"`
	DocumentID int64                  `json:"document_id"`
	At         time.Time              `json:"at"`
	By         string                 `json:"by"`
	Action     string                 `json:"action"`
	Changes    map[string]FieldChange `json:"changes"`
}

// claimFields are the recorded fields of a claim, by their JSON names.
func claimFields(c *Claim) map[string]any {
	refs := c.Refs
	if refs == nil {
		refs = []int{}
	}
	return map[string]any{
		"start": c.Start, "end": c.End, "quote": c.Quote, "refs": refs,
		"status": string(c.Status), "note": c.Note,
		"review": string(c.Review), "review_comment": c.ReviewComment,
	}
}

// reviewFields are the fields that only a review changes.
var reviewFields = []string{"review", "review_comment", "override", "undone", "reviewed_by"}

// DiffClaims lists the fields that differ between two states of a claim. A nil old means the
// claim is new; a nil new means it is gone.
func DiffClaims(old, new *Claim) map[string]FieldChange {
	changes := map[string]FieldChange{}
	var from, to map[string]any
	if old != nil {
		from = claimFields(old)
	}
	if new != nil {
		to = claimFields(new)
	}
	keys := from
	if keys == nil {
		keys = to
	}
	for k := range keys {
		f, t := from[k], to[k]
		if old != nil && new != nil && equalField(f, t) {
			continue
		}
		changes[k] = FieldChange{From: f, To: t}
	}
	return changes
}

func equalField(a, b any) bool {
	ar, aok := a.([]int)
	br, bok := b.([]int)
	if aok && bok {
		return slices.Equal(ar, br)
	}
	return a == b
}

// UpdateAction names a change by what it touched: a change of review fields alone is a review,
// or the undo of one when it records what was undone.
func UpdateAction(changes map[string]FieldChange) string {
	if len(changes) == 0 {
		return ActionUpdated
	}
	if _, ok := changes["undone"]; ok {
		return ActionReviewUndone
	}
	for k := range changes {
		if !slices.Contains(reviewFields, k) {
			return ActionUpdated
		}
	}
	return ActionReviewed
}

// IsReviewAction tells whether an event's action is an editor's (a review or its undo), which
// leaves the claim's last changer as it was, so that the two-person rule keeps naming the
// fact-checker.
func IsReviewAction(action string) bool {
	return action == ActionReviewed || action == ActionReviewUndone
}
