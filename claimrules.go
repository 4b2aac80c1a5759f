package citecheck

import "slices"

// ClaimDraft is a new claim as a fact-checker asks for it, from the API or the page form.
// Quote, when given, must be the text of the span.
type ClaimDraft struct {
	Start, End int
	Quote      *string
	Refs       []int
	Status     Status
	Note       string
}

// NewClaim returns the claim that draft asks for on document documentID, whose current revision
// is revision with the text t, created by the user by; or a coded error. The span must be one a
// claim may cover (ValidateSpan) and match the quote when one is sent (CheckQuote); the refs are
// normalised, the status parsed (empty is unverified), the note bounded and printable. Quote,
// prefix and suffix come from t. The store sets the rest.
func NewClaim(t *Text, documentID int64, revision int, draft ClaimDraft, by int64) (Claim, error) {
	if err := ValidateSpan(t, draft.Start, draft.End); err != nil {
		return Claim{}, err
	}
	if draft.Quote != nil {
		if err := CheckQuote(t, draft.Start, draft.End, *draft.Quote); err != nil {
			return Claim{}, err
		}
	}
	refs, err := NormalizeRefs(draft.Refs)
	if err != nil {
		return Claim{}, err
	}
	status, err := ParseStatus(string(draft.Status))
	if err != nil {
		return Claim{}, err
	}
	if err := ValidateNote(draft.Note); err != nil {
		return Claim{}, err
	}
	c := Claim{DocumentID: documentID, Start: draft.Start, End: draft.End, Refs: refs,
		Status: status, Note: draft.Note, CreatedByID: by, Revision: revision}
	FillQuote(t, &c)
	return c, nil
}

// ClaimChange is an edit of a claim as a fact-checker asks for it, from the API or a page form;
// a nil field stays as it is. ApplyChange decides what it means.
type ClaimChange struct {
	Start, End *int
	Refs       *[]int
	Status     *Status
	Note       *string
}

// ApplyChange returns cur with ch applied, for a document whose current revision is revision
// with the text t, or a coded error and no change. Every door that edits a claim goes through
// it, inside the store's transaction, against the claim as it is then.
//
//   - A claim anchored in a later revision than the caller's is a conflict: the document was
//     revised meanwhile, and t is not its text any more.
//   - An orphan (anchored in an earlier revision, or imported as one) keeps its old span, quote
//     and context when the change gives no span: only its refs, status and note change. With
//     both start and end it is anchored by hand in t (revision current, anchor exact); with one
//     of them alone it is refused.
//   - A change of span, refs or status sends a reviewed claim back to pending (ResetReview); a
//     change of note alone does not, nor does a change that changes nothing.
func ApplyChange(cur Claim, t *Text, revision int, ch ClaimChange) (Claim, error) {
	if cur.Revision > revision {
		return cur, Errorf(ECodeConflict, "document %d was revised meanwhile: reload it", cur.DocumentID)
	}
	orphan := cur.IsOrphan(revision)
	if orphan && (ch.Start == nil) != (ch.End == nil) {
		field := "start"
		if ch.End == nil {
			field = "end"
		}
		return cur, FieldErrorf(ECodeOffsetOutOfRange, field,
			"claim %d is an orphan of revision %d: give both start and end in the current text to anchor it", cur.ID, cur.Revision)
	}
	if orphan && ch.Start == nil {
		next, err := changeContent(cur, ch)
		if err != nil {
			return cur, err
		}
		return settleReview(cur, next, false), nil
	}
	next, err := changeSpan(cur, t, ch)
	if err != nil {
		return cur, err
	}
	if next, err = changeContent(next, ch); err != nil {
		return cur, err
	}
	placed := orphan || next.Start != cur.Start || next.End != cur.End
	if placed {
		// Placed by hand: as certain as an exact anchor.
		next.Revision, next.Anchor, next.AnchorScore, next.OldQuote = revision, string(AnchorExact), 1, ""
	}
	return settleReview(cur, next, placed), nil
}

// changeContent returns cur with the refs, status and note of ch, each validated.
func changeContent(cur Claim, ch ClaimChange) (Claim, error) {
	next := cur
	if ch.Refs != nil {
		refs, err := NormalizeRefs(*ch.Refs)
		if err != nil {
			return cur, err
		}
		next.Refs = refs
	}
	if ch.Status != nil {
		st, err := ParseStatus(string(*ch.Status))
		if err != nil {
			return cur, err
		}
		next.Status = st
	}
	if ch.Note != nil {
		if err := ValidateNote(*ch.Note); err != nil {
			return cur, err
		}
		next.Note = *ch.Note
	}
	return next, nil
}

// changeSpan returns c with the span of ch (where given) checked against t, and its quote and
// context taken from t.
func changeSpan(c Claim, t *Text, ch ClaimChange) (Claim, error) {
	if ch.Start != nil {
		c.Start = *ch.Start
	}
	if ch.End != nil {
		c.End = *ch.End
	}
	if err := ValidateSpan(t, c.Start, c.End); err != nil {
		return c, err
	}
	FillQuote(t, &c)
	return c, nil
}

// settleReview sends next back to pending when it is not the claim that was reviewed: it was
// placed anew, or its refs or status changed.
func settleReview(cur, next Claim, placed bool) Claim {
	if placed || next.Status != cur.Status || !slices.Equal(next.Refs, cur.Refs) {
		ResetReview(&next)
	}
	return next
}

// CheckClaimDeletion refuses (ECodeForbidden) u's deletion of c unless u is an editor or admin,
// who look after the whole desk, or c's creator, who may take back their own work.
func CheckClaimDeletion(u User, c *Claim) error {
	if !u.Role.CanReview() && c.CreatedByID != u.ID {
		return Errorf(ECodeForbidden, "only editors, admins and its creator may delete a claim")
	}
	return nil
}

// CheckDocumentDeletion is the rule for deleting a document, the same as for a claim: editors,
// admins and its creator may.
func CheckDocumentDeletion(u User, d *Document) error {
	if !u.Role.CanReview() && d.CreatedByID != u.ID {
		return Errorf(ECodeForbidden, "only editors, admins and its creator may delete a document")
	}
	return nil
}

// CheckRestore is the rule for taking a document or claim out of the trash, the same for every
// door: editors and admins may restore anything, a reviewer only what they deleted themselves
// (so a fact-checker can undo their own slip, but not bring back what an editor threw away). A
// claim that went to the trash with its document comes back only with it, and a claim whose
// document is in the trash cannot come back before the document: both are conflicts.
func CheckRestore(u User, t Trashed) error {
	if !u.Role.CanReview() && t.DeletedByID != u.ID {
		return Errorf(ECodeForbidden, "only editors, admins and whoever deleted it may restore a %s", t.Kind)
	}
	if t.Kind == TrashClaim && t.WithDocument {
		return Errorf(ECodeConflict, "claim %d went to the trash with its document: restore document %d", t.ID, t.DocumentID)
	}
	if t.Kind == TrashClaim && t.DocumentTrashed {
		return Errorf(ECodeConflict, "the document of claim %d is in the trash: restore document %d first", t.ID, t.DocumentID)
	}
	return nil
}

// OrphanedBy returns the claims that revision rev orphaned and that are orphans still: of claims
// as they now stand, those with no place in rev that were last anchored in rev-1. The revision
// page of the current revision lists them in its tray, over the text they lost.
func OrphanedBy(rev int, claims []Claim) []Claim {
	var out []Claim
	for _, c := range claims {
		if c.IsOrphan(rev) && c.Revision == rev-1 {
			out = append(out, c)
		}
	}
	return out
}

// OrphansOf returns the claims of an earlier revision, prev, that did not come into the next one,
// whose claims are next: each as it was in prev, its quote kept as its OldQuote, as an orphan
// shows it. The revision page of a superseded revision marks them over the text they lost.
func OrphansOf(prev, next []Claim) []Claim {
	in := make(map[int64]bool, len(next))
	for _, c := range next {
		in[c.ID] = true
	}
	var out []Claim
	for _, c := range prev {
		if !in[c.ID] {
			c.OldQuote = c.Quote
			out = append(out, c)
		}
	}
	return out
}

// ValidateNote keeps a claim's note bounded (CheckNote) and printable (CheckFreeText).
func ValidateNote(note string) error {
	if err := CheckNote(note); err != nil {
		return err
	}
	return CheckFreeText("note", note)
}

// CheckFreeText refuses a control character other than TAB, LF and CR in text that people type
// (a note, a comment, a reference entry), with ECodeControlChar about field. CR is let through
// because browsers send a textarea's line ends as CRLF.
func CheckFreeText(field, s string) error {
	n := 0
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return FieldErrorf(ECodeControlChar, field, "%s holds control character U+%04X at code point %d", field, r, n)
		}
		n++
	}
	return nil
}

// ClaimsWithSpan returns the ids of the claims whose span is exactly start..end, never nil. A
// second claim over the same text is allowed, but the page warns before it saves one (issue 13).
func ClaimsWithSpan(claims []Claim, start, end int) []int64 {
	ids := []int64{}
	for _, c := range claims {
		if c.Start == start && c.End == end {
			ids = append(ids, c.ID)
		}
	}
	return ids
}
