package citecheck

import (
	"fmt"
	"strings"
	"time"
)

// Decision is an editor's approval or rejection of a claim as asked for, made by ParseDecision,
// or the undoing of the last one (Review pending). Override confirms an approval over open
// citation checks.
type Decision struct {
	Review   Review // ReviewApproved, ReviewRejected, or ReviewPending to undo
	Comment  string // trimmed
	Override bool
}

// ReviewOutcome is what ApplyDecision did beyond the claim's review fields, for the store to
// record in the claim's history: Overrode says the approval was confirmed over open checks;
// Undid is the decision an undo took back, UndidBy the editor who had made it.
type ReviewOutcome struct {
	Overrode bool
	Undid    Review
	UndidBy  string
}

// Changes are the entries the outcome adds to the history event of the review, beside the
// claim's own fields: "override" for an approval over open checks, "undone" and "reviewed_by"
// (what was undone, and whose decision it was) for an undo. UpdateAction names the event by them.
func (o ReviewOutcome) Changes() map[string]FieldChange {
	out := map[string]FieldChange{}
	if o.Overrode {
		out["override"] = FieldChange{To: true}
	}
	if o.Undid != "" {
		out["undone"] = FieldChange{From: string(o.Undid)}
		out["reviewed_by"] = FieldChange{From: o.UndidBy}
	}
	return out
}

// ParseDecision reads a decision as the API and the review forms send it: "approved" (or
// "approve"), "rejected" (or "reject"), or "pending" (or "undo") to take the last decision back;
// a comment that is trimmed, bounded and printable, and the override flag. A rejection needs a
// comment that says what to fix; an undo takes neither a comment nor an override.
func ParseDecision(decision, comment string, override bool) (Decision, error) {
	d := Decision{Comment: strings.TrimSpace(comment), Override: override}
	switch decision {
	case "approved", "approve":
		d.Review = ReviewApproved
	case "rejected", "reject":
		d.Review = ReviewRejected
	case "pending", "undo":
		d.Review = ReviewPending
	default:
		return d, FieldErrorf(ECodeInvalid, "decision", "decision must be \"approved\", \"rejected\" or \"pending\" (undo), not %q", decision)
	}
	return d, d.validate()
}

// validate holds a decision, however it was made, to the rules of ParseDecision.
func (d Decision) validate() error {
	switch d.Review {
	case ReviewApproved, ReviewRejected:
	case ReviewPending:
		if d.Comment != "" {
			return FieldErrorf(ECodeInvalid, "comment", "an undo takes no comment: it returns the claim to pending")
		}
		if d.Override {
			return FieldErrorf(ECodeInvalid, "override", "an undo takes no override")
		}
		return nil
	default:
		return FieldErrorf(ECodeInvalid, "decision", "decision must be \"approved\", \"rejected\" or \"pending\" (undo), not %q", d.Review)
	}
	if d.Review == ReviewRejected && d.Comment == "" {
		return FieldErrorf(ECodeInvalid, "comment", "a rejection needs a comment that says what to fix")
	}
	return ValidateComment(d.Comment)
}

// ValidateComment keeps a review comment bounded (CheckComment) and printable (CheckFreeText).
func ValidateComment(comment string) error {
	if err := CheckComment(comment); err != nil {
		return err
	}
	return CheckFreeText("comment", comment)
}

// RequireReviewer refuses (ECodeForbidden) a user whose role may not approve or reject claims.
// Doors call it before they read a decision, so a reviewer learns first that the action is not
// theirs; ApplyDecision calls it again.
func RequireReviewer(u User) error {
	if !u.Role.CanReview() {
		return Errorf(ECodeForbidden, "only editors and admins approve or reject claims")
	}
	return nil
}

// MayReview reports whether u may approve or reject c by the role and two-person rules of
// ApplyDecision, so that pages offer the review forms only to those the rules let through.
func MayReview(u *User, c *Claim) bool {
	return u != nil && checkReviewer(*u, c) == nil
}

// checkReviewer holds the role rule and the two-person rule: only an editor or admin reviews, and
// never a claim they created or last changed.
func checkReviewer(editor User, c *Claim) error {
	if err := RequireReviewer(editor); err != nil {
		return err
	}
	if c.CreatedByID == editor.ID || c.UpdatedByID == editor.ID {
		return Errorf(ECodeOwnClaim, "you created or last changed claim %d; another editor must review it", c.ID)
	}
	return nil
}

// ApplyDecision returns cur reviewed by editor at now with decision d, or a coded error and no
// change. checks are cur's open citation checks in revision, the revision of its document's text
// that the caller read. The rules, in the order they are checked:
//
//   - the decision is one ParseDecision accepts (ECodeInvalid);
//   - only an editor or admin reviews (ECodeForbidden), and never a claim they created or last
//     changed (ECodeOwnClaim);
//   - a claim anchored in a later revision is a conflict: the document was revised meanwhile, and
//     checks are not of its text;
//   - an orphan cannot be approved: its text is not in the current revision (CheckApprovable);
//   - approving over open checks needs d.Override (ECodeUnresolvedChecks, about "override"), and
//     the outcome then says the override was used;
//   - an undo (d.Review pending) follows the rules of CheckUndo instead of the two-person rule,
//     and returns the claim to pending with no reviewer.
//
// The store calls it inside its write transaction, against the claim as it is then, so that an
// edit racing the review cannot slip past the two-person rule.
func ApplyDecision(cur Claim, editor User, d Decision, revision int, checks []Check, now time.Time) (Claim, ReviewOutcome, error) {
	var out ReviewOutcome
	if err := d.validate(); err != nil {
		return cur, out, err
	}
	if d.Review == ReviewPending {
		return undoDecision(cur, editor, revision)
	}
	if err := checkReviewer(editor, &cur); err != nil {
		return cur, out, err
	}
	if cur.Revision > revision {
		return cur, out, Errorf(ECodeConflict, "document %d was revised meanwhile: reload it", cur.DocumentID)
	}
	if d.Review == ReviewApproved {
		if err := CheckApprovable(&cur, revision); err != nil {
			return cur, out, err
		}
		if len(checks) > 0 {
			if !d.Override {
				return cur, out, FieldErrorf(ECodeUnresolvedChecks, "override",
					"claim %d has citation problems (%s); confirm with \"override\": true to approve it anyway", cur.ID, checkCodes(checks))
			}
			out.Overrode = true
		}
	}
	name, at := editor.Name, now.UTC()
	cur.Review, cur.ReviewComment = d.Review, d.Comment
	cur.ReviewedBy, cur.ReviewedAt = &name, &at
	return cur, out, nil
}

// checkCodes lists the codes of checks for a message.
func checkCodes(checks []Check) string {
	codes := make([]string, len(checks))
	for i, ch := range checks {
		codes[i] = ch.Code
	}
	return strings.Join(codes, ", ")
}

// OrphanReason says why c has no place in revision rev of its document's text, for the queue
// and the claim page to say up front; "" when it has one.
func OrphanReason(c *Claim, rev int) string {
	switch {
	case !c.IsOrphan(rev):
		return ""
	case c.Revision != 0 && c.Revision < rev:
		// A revision re-anchors the claims of the one before it; an orphan keeps its revision.
		return fmt.Sprintf("its text changed in revision %d", c.Revision+1)
	default:
		return "it was imported without a place in the text"
	}
}

// CheckApprovable refuses (ECodeInvalid) the approval of a claim that is an orphan in revision
// rev: an approval of a text that is gone must not be published as if it were still there.
func CheckApprovable(c *Claim, rev int) error {
	if why := OrphanReason(c, rev); why != "" {
		return Errorf(ECodeInvalid, "claim %d is orphaned: %s; re-anchor or delete it instead of approving it", c.ID, why)
	}
	return nil
}

// MayUndo reports whether u may undo the last decision on c by the rules of CheckUndo, so that
// pages offer the undo only to those the rules let through.
func MayUndo(u *User, c *Claim) bool {
	return u != nil && CheckUndo(*u, c) == nil
}

// CheckUndo holds the rules of undoing a decision, in the order they are checked:
//
//   - only an editor or admin undoes (ECodeForbidden);
//   - there must be a decision: a pending claim has none (ECodeInvalid, about "decision");
//   - only the editor who made it, or an admin, takes it back (ECodeForbidden);
//   - only while the claim has not changed since it was decided (ECodeInvalid): a change of
//     span, refs, status or evidence returns it to pending by itself, and a later change of its
//     note means the decision was about another claim than the one an undo would reopen.
func CheckUndo(u User, c *Claim) error {
	if err := RequireReviewer(u); err != nil {
		return err
	}
	if c.Review != ReviewApproved && c.Review != ReviewRejected {
		return FieldErrorf(ECodeInvalid, "decision", "claim %d is %s: there is no decision to undo", c.ID, c.Review)
	}
	by := ""
	if c.ReviewedBy != nil {
		by = *c.ReviewedBy
	}
	if by != u.Name && u.Role != RoleAdmin {
		return Errorf(ECodeForbidden, "only %s, who %s claim %d, or an admin may undo the decision", by, c.Review, c.ID)
	}
	if c.ReviewedAt != nil && c.UpdatedAt.After(*c.ReviewedAt) {
		return Errorf(ECodeInvalid, "claim %d changed after it was %s: review it afresh instead of undoing", c.ID, c.Review)
	}
	return nil
}

// undoDecision returns cur with its last decision taken back, as ApplyDecision does for an undo:
// pending, with no reviewer and no comment. The outcome names what was undone and whose it was,
// for the history, which keeps the decision itself as it was recorded.
func undoDecision(cur Claim, u User, revision int) (Claim, ReviewOutcome, error) {
	var out ReviewOutcome
	if err := CheckUndo(u, &cur); err != nil {
		return cur, out, err
	}
	if cur.Revision > revision {
		return cur, out, Errorf(ECodeConflict, "document %d was revised meanwhile: reload it", cur.DocumentID)
	}
	out.Undid = cur.Review
	if cur.ReviewedBy != nil {
		out.UndidBy = *cur.ReviewedBy
	}
	ResetReview(&cur)
	return cur, out, nil
}

// Rejection is the last rejection of a claim as its history records it: who, when and why.
type Rejection struct {
	By      string
	At      time.Time
	Comment string
}

// LastRejection answers the rejection that still stands in a claim's history (events oldest
// first), or nil: a rejection stands until an approval or an undo follows it, so that after the
// fact-checker's fix, which returns the claim to pending and clears its comment, the page can
// still say what the editor asked for. The events may be the whole history or only its reviews
// and undos (ActionReviewed, ActionReviewUndone): each review records the fields it changed.
func LastRejection(events []ClaimEvent) *Rejection {
	var (
		review  Review
		comment string
		last    *Rejection
	)
	for _, e := range events {
		if s, ok := e.Changes["review"].To.(string); ok {
			review = Review(s)
		}
		if s, ok := e.Changes["review_comment"].To.(string); ok {
			comment = s
		}
		switch {
		case e.Action == ActionReviewUndone:
			last = nil
		case e.Action == ActionReviewed && review == ReviewRejected:
			last = &Rejection{By: e.By, At: e.At, Comment: comment}
		case e.Action == ActionReviewed && review == ReviewApproved:
			last = nil
		}
	}
	return last
}
