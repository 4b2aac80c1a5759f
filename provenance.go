package citecheck

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// ActionImported is the history action that records what the file of an import said about a
// claim: its review, reviewer, authors and dates, each from the file's value to the one the
// claim holds here.
const ActionImported = "imported"

// ActionRestored is the history action of a review carried over from a file by the command
// line's import --restore-reviews, after the checks of CheckRestoredReview; and of a claim or a
// document taken back out of the trash (its changes then hold "deleted_at", and any re-anchoring).
const ActionRestored = "restored"

// ECodeRestoreRefused refuses a restored review that this server could not have recorded: its
// reviewer is unknown, disabled, not an editor, or one of the claim's authors, or it is a
// rejection without a comment.
const ECodeRestoreRefused = "restore-refused"

// The formats a claim can be imported from, as Provenance.FromFormat names them. FromNative is
// the native export's format name (formats.ExportFormat), spelled here because the root never
// imports its formats package.
const (
	FromNative = "citecheck/v1"
	FromW3C    = "w3c"
)

// MaxImportedName is the longest user name a file may name, in code points.
const MaxImportedName = 200

// Provenance is what an import's file said about a claim, kept beside it and never used as its
// live state: a file can claim any review by anyone, and only an editor of this server makes a
// claim approved or rejected. Names are as the file spells them; they need not be users here.
type Provenance struct {
	FromFormat    string     `json:"from_format"` // FromNative or FromW3C
	SourceID      string     `json:"source_id"`   // the claim's id or the annotation's id in the file
	Review        Review     `json:"review,omitempty"`
	ReviewComment string     `json:"review_comment,omitempty"`
	ReviewedBy    string     `json:"reviewed_by,omitempty"`
	ReviewedAt    *time.Time `json:"reviewed_at,omitempty"`
	CreatedBy     string     `json:"created_by,omitempty"`
	CreatedAt     *time.Time `json:"created_at,omitempty"`
	UpdatedBy     string     `json:"updated_by,omitempty"`
	UpdatedAt     *time.Time `json:"updated_at,omitempty"`
	// ImportedBy and ImportedAt are set by the store: who imported the file, and when.
	ImportedBy string    `json:"imported_by"`
	ImportedAt time.Time `json:"imported_at"`
}

// NativeProvenance reads the sign-off of a claim of a native export: its review (which must be
// a review state), comment, reviewer, authors and times, all checked to be printable and
// bounded. The caller keeps none of them on the live claim.
func NativeProvenance(in *Claim) (*Provenance, error) {
	p := &Provenance{FromFormat: FromNative, Review: ReviewPending, ReviewComment: in.ReviewComment,
		CreatedBy: in.CreatedBy, UpdatedBy: in.UpdatedBy,
		ReviewedAt: timeOrNil(in.ReviewedAt), CreatedAt: timeOrNil(&in.CreatedAt), UpdatedAt: timeOrNil(&in.UpdatedAt)}
	if in.ID != 0 {
		p.SourceID = strconv.FormatInt(in.ID, 10)
	}
	if in.Review != "" {
		r, err := ParseReview(string(in.Review))
		if err != nil {
			return nil, err
		}
		p.Review = r
	}
	if in.ReviewedBy != nil {
		p.ReviewedBy = *in.ReviewedBy
	}
	if err := CheckComment(p.ReviewComment); err != nil { // too-long, as through every other door
		return nil, &Error{Code: ECodeTooLong, Field: "review_comment", Message: err.(*Error).Message}
	}
	if err := CheckImportedText("review_comment", p.ReviewComment, MaxCommentLen); err != nil {
		return nil, err
	}
	for _, f := range [][2]string{{"reviewed_by", p.ReviewedBy}, {"created_by", p.CreatedBy}, {"updated_by", p.UpdatedBy}} {
		if err := CheckImportedText(f[0], f[1], MaxImportedName); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// CheckImportedText holds a text that a file carries (a note, a name, a quote, its context) to
// max code points (ECodeTooLong) and refuses a control character other than TAB, LF and CR
// (ECodeControlChar), both about field: a file is input like any request body, and what it
// says is kept, so it is held to the same bounds.
func CheckImportedText(field, s string, max int) error {
	if err := checkLength(field, field, s, max); err != nil {
		return err
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return FieldErrorf(ECodeControlChar, field, "%s holds the control character U+%04X", field, r)
		}
	}
	return nil
}

// timeOrNil is t in UTC, or nil for none or the zero time.
func timeOrNil(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// ProvenanceChanges are the changes of a claim's "imported" event: for each thing the file said
// (its format and id, review, comment, reviewer, authors and times), the file's value as "from"
// and the value the claim holds here as "to". Only what the file said is listed.
func ProvenanceChanges(p *Provenance, c *Claim) map[string]FieldChange {
	changes := map[string]FieldChange{"from_format": {From: p.FromFormat, To: nil}}
	if p.SourceID != "" {
		changes["source_id"] = FieldChange{From: p.SourceID, To: nil}
	}
	reviewedBy := any(nil)
	if c.ReviewedBy != nil {
		reviewedBy = *c.ReviewedBy
	}
	for _, f := range []struct {
		name     string
		from, to any
	}{
		{"review", string(p.Review), string(c.Review)},
		{"review_comment", p.ReviewComment, c.ReviewComment},
		{"reviewed_by", p.ReviewedBy, reviewedBy},
		{"reviewed_at", provenanceTime(p.ReviewedAt), provenanceTime(c.ReviewedAt)},
		{"created_by", p.CreatedBy, c.CreatedBy},
		{"created_at", provenanceTime(p.CreatedAt), provenanceTime(&c.CreatedAt)},
		{"updated_by", p.UpdatedBy, c.UpdatedBy},
		{"updated_at", provenanceTime(p.UpdatedAt), provenanceTime(&c.UpdatedAt)},
	} {
		if f.from == "" || f.from == string(ReviewPending) && f.name == "review" {
			continue
		}
		changes[f.name] = FieldChange{From: f.from, To: f.to}
	}
	return changes
}

// provenanceTime writes a time of the history as RFC 3339 in UTC; "" for none.
func provenanceTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// CheckRestoredReview decides whether the review that an imported claim's file records (its
// Imported) may be restored as a live review, as when a desk moves to a new server: only an
// approval or a rejection by reviewer, a user of this server who is enabled, may review (an
// editor or admin), and is neither the claim's author or last editor in the file nor its author
// here (the importer); of a claim that is not an orphan, whose review would have been reset; and
// a rejection needs its comment. reviewer is nil when the file names nobody this server knows.
// It answers whether there is a review to restore; a refusal is ECodeRestoreRefused, and the
// caller then restores nothing.
func CheckRestoredReview(c *Claim, reviewer *User) (bool, error) {
	p := c.Imported
	if p == nil || p.Review == ReviewPending || p.Review == "" {
		return false, nil
	}
	refused := func(err error) (bool, error) {
		msg := err.Error()
		var e *Error
		if errors.As(err, &e) {
			msg = e.Message
		}
		return false, Errorf(ECodeRestoreRefused, "the %s review cannot be restored: %s", p.Review, msg)
	}
	switch {
	case reviewer == nil:
		return false, Errorf(ECodeRestoreRefused, "the %s review names reviewer %q, who is not a user here", p.Review, clip(p.ReviewedBy))
	case reviewer.Disabled:
		return false, Errorf(ECodeRestoreRefused, "the %s review names reviewer %q, whose account is disabled", p.Review, reviewer.Name)
	case reviewer.Name == p.CreatedBy || reviewer.Name == p.UpdatedBy || reviewer.Name == c.CreatedBy || reviewer.Name == c.UpdatedBy:
		// The two-person rule over the file's authors, who are names here, not users, and the
		// importer by name (checkReviewer below checks it by id).
		return false, Errorf(ECodeRestoreRefused, "the %s review is by %q, who wrote or last changed the claim; another editor must review it", p.Review, reviewer.Name)
	case c.Anchor == string(AnchorOrphaned):
		return false, Errorf(ECodeRestoreRefused, "the claim is orphaned: its %s review was of a text that is gone", p.Review)
	}
	// The rules every live review obeys: the role, the two-person rule over the claim as stored
	// here (its importer), and the decision itself (a rejection needs a comment).
	if err := checkReviewer(*reviewer, c); err != nil {
		return refused(err)
	}
	if err := (Decision{Review: p.Review, Comment: strings.TrimSpace(p.ReviewComment)}).validate(); err != nil {
		return refused(err)
	}
	return true, nil
}
