package citecheck

import (
	"strings"
	"time"
)

// Decision is an editor's approval or rejection of a claim as asked for, made by ParseDecision.
// Override confirms an approval over open citation checks.
type Decision struct {
	Review   Review // ReviewApproved or ReviewRejected
	Comment  string // trimmed
	Override bool
}

// ReviewOutcome is what ApplyDecision did beyond the claim's review fields, for the store to
// record in the claim's history: Overrode says the approval was confirmed over open checks.
type ReviewOutcome struct {
	Overrode bool
}

// ParseDecision reads a decision as the API and the review forms send it: "approved" (or
// "approve") or "rejected" (or "reject"), a comment that is trimmed, bounded and printable, and
// the override flag. A rejection needs a comment that says what to fix.
func ParseDecision(decision, comment string, override bool) (Decision, error) {
	d := Decision{Comment: strings.TrimSpace(comment), Override: override}
	switch decision {
	case "approved", "approve":
		d.Review = ReviewApproved
	case "rejected", "reject":
		d.Review = ReviewRejected
	default:
		return d, FieldErrorf(ECodeInvalid, "decision", "decision must be \"approved\" or \"rejected\", not %q", decision)
	}
	return d, d.validate()
}

// validate holds a decision, however it was made, to the rules of ParseDecision.
func (d Decision) validate() error {
	if d.Review != ReviewApproved && d.Review != ReviewRejected {
		return FieldErrorf(ECodeInvalid, "decision", "decision must be \"approved\" or \"rejected\", not %q", d.Review)
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
//   - an orphan cannot be approved: its text is not in the current revision (ECodeInvalid);
//   - approving over open checks needs d.Override (ECodeUnresolvedChecks, about "override"), and
//     the outcome then says the override was used.
//
// The store calls it inside its write transaction, against the claim as it is then, so that an
// edit racing the review cannot slip past the two-person rule.
func ApplyDecision(cur Claim, editor User, d Decision, revision int, checks []Check, now time.Time) (Claim, ReviewOutcome, error) {
	var out ReviewOutcome
	if err := d.validate(); err != nil {
		return cur, out, err
	}
	if err := checkReviewer(editor, &cur); err != nil {
		return cur, out, err
	}
	if cur.Revision > revision {
		return cur, out, Errorf(ECodeConflict, "document %d was revised meanwhile: reload it", cur.DocumentID)
	}
	if d.Review == ReviewApproved {
		if cur.IsOrphan(revision) {
			return cur, out, Errorf(ECodeInvalid, "claim %d is orphaned: its text is not in the current revision; re-anchor it before approving", cur.ID)
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
