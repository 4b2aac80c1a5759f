package citecheck

import (
	"encoding/json"
	"slices"
	"time"
)

// Role is what a user may do. Roles are ordered: each one may do all the one before it may.
type Role string

// The roles of the contract.
const (
	RoleReviewer Role = "reviewer"
	RoleEditor   Role = "editor"
	RoleAdmin    Role = "admin"
)

// Roles lists every role, weakest first.
var Roles = []Role{RoleReviewer, RoleEditor, RoleAdmin}

// ParseRole accepts one of the contract's role names.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", FieldErrorf(ECodeInvalidRole, "role", "unknown role %q: want reviewer, editor or admin", s)
}

// CanReview reports whether the role may approve or reject claims (never its own).
func (r Role) CanReview() bool { return r == RoleEditor || r == RoleAdmin }

// CanManageUsers reports whether the role may add and change users.
func (r Role) CanManageUsers() bool { return r == RoleAdmin }

// Status is the fact-checker's verdict on a claim.
type Status string

// The verdicts of the contract.
const (
	StatusUnverified      Status = "unverified"
	StatusSupported       Status = "supported"
	StatusPartlySupported Status = "partly-supported"
	StatusUnsupported     Status = "unsupported"
	StatusContradicted    Status = "contradicted"
	StatusCitationNeeded  Status = "citation-needed"
)

// Statuses lists every verdict in the order the UI offers them.
var Statuses = []Status{StatusUnverified, StatusSupported, StatusPartlySupported,
	StatusUnsupported, StatusContradicted, StatusCitationNeeded}

// ParseStatus accepts one of the contract's verdicts; the empty string means unverified.
func ParseStatus(s string) (Status, error) {
	if s == "" {
		return StatusUnverified, nil
	}
	for _, st := range Statuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", FieldErrorf(ECodeInvalidStatus, "status", "unknown status %q", s)
}

// Review is the editor's decision on a claim.
type Review string

// The review states of the contract.
const (
	ReviewPending  Review = "pending"
	ReviewApproved Review = "approved"
	ReviewRejected Review = "rejected"
)

// Reviews lists every review state.
var Reviews = []Review{ReviewPending, ReviewApproved, ReviewRejected}

// ParseReview accepts one of the contract's review states.
func ParseReview(s string) (Review, error) {
	for _, r := range Reviews {
		if string(r) == s {
			return r, nil
		}
	}
	return "", FieldErrorf(ECodeInvalid, "review", "unknown review %q", s)
}

// User is a person who signs in. The password hash never leaves the store.
type User struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

// Token is an API token as its owner sees it: never the secret itself, which is stored hashed.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"-"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// Citation is one citation marker found in a text: its whole bracket and the reference numbers
// it carries, ascending. Offsets count code points.
type Citation struct {
	Start int   `json:"start"`
	End   int   `json:"end"`
	Refs  []int `json:"refs"`
}

// Document is a text that fact-checkers annotate. Text is stored after normalisation; Length
// counts its code points; Citations are parsed once, when the document is created.
type Document struct {
	ID         int64      `json:"id"`
	Title      string     `json:"title"`
	Text       string     `json:"text"`
	TextSHA256 string     `json:"text_sha256"`
	Length     int        `json:"length"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	Citations  []Citation `json:"citations"`
	// References is the document's reference list: found at its end when it was created, then
	// edited by hand; nil when it has none. Markers inside the list are not in Citations.
	References *ReferenceList `json:"references"`
	// Revision is the number of the current revision of the text, from 1.
	Revision int `json:"revision"`

	CreatedByID int64 `json:"-"`
}

// Counts summarises the claims of a document.
type Counts struct {
	Claims   int            `json:"claims"`
	ByStatus map[Status]int `json:"by_status"`
	ByReview map[Review]int `json:"by_review"`
}

// DocumentSummary is a document as listed, without its text.
type DocumentSummary struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	Length    int       `json:"length"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	Counts    Counts    `json:"counts"`
}

// Check is one citation problem of a claim.
type Check struct {
	Code    string `json:"code"`
	Refs    []int  `json:"refs,omitempty"`
	Message string `json:"message"`
}

// The codes of citation checks.
const (
	CheckUnknownRef        = "unknown-ref"
	CheckMarkerNotAttached = "marker-not-attached"
	CheckNoRefs            = "no-refs"
)

// Claim is a span of a document's text, the reference numbers that back it and a verdict.
// Start and End count code points, end exclusive. Quote, Prefix and Suffix are filled by the
// server from the text. Version goes up by one on every change.
type Claim struct {
	ID            int64      `json:"id"`
	DocumentID    int64      `json:"document_id"`
	Start         int        `json:"start"`
	End           int        `json:"end"`
	Quote         string     `json:"quote"`
	Prefix        string     `json:"prefix"`
	Suffix        string     `json:"suffix"`
	Refs          []int      `json:"refs"`
	Status        Status     `json:"status"`
	Note          string     `json:"note"`
	Review        Review     `json:"review"`
	ReviewComment string     `json:"review_comment"`
	ReviewedBy    *string    `json:"reviewed_by"`
	ReviewedAt    *time.Time `json:"reviewed_at"`
	CreatedBy     string     `json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedBy     string     `json:"updated_by"`
	UpdatedAt     time.Time  `json:"updated_at"`
	Version       int        `json:"version"`
	Checks        []Check    `json:"checks"`
	// Evidence is the passages of sources the verdict rests on, oldest first; never nil in a
	// claim read from the store.
	Evidence []Evidence `json:"evidence"`
	// Revision is the revision of the document's text the claim was last anchored in: the
	// current one, or an earlier one for an orphan, whose Start, End, Quote, Prefix and Suffix
	// are those of that revision. Anchor says how it was last anchored (exact, moved, fuzzy,
	// orphaned) with AnchorScore; OldQuote is the quote before a fuzzy re-anchoring, or the
	// quote of an orphan.
	Revision    int     `json:"revision"`
	Anchor      string  `json:"anchor"`
	AnchorScore float64 `json:"anchor_score"`
	OldQuote    string  `json:"old_quote,omitempty"`
	// Imported is what the file of an import said about the claim (its review, authors and
	// dates), kept as a record and never as live review state; nil for a claim made here.
	Imported *Provenance `json:"imported,omitempty"`

	CreatedByID int64 `json:"-"`
	UpdatedByID int64 `json:"-"`
}

// Placed reports whether the claim has a place in its document's current text: an orphan has
// none (its Start and End are those of the revision it was last anchored in).
func (c *Claim) Placed() bool { return c.Anchor != string(AnchorOrphaned) }

// MarshalJSON writes a claim as every answer and export has it (JSONValue).
func (c Claim) MarshalJSON() ([]byte, error) { return json.Marshal(c.JSONValue()) }

// JSONValue is what a claim is written as, for an encoder to write without going through
// MarshalJSON (whose answer encoding/json parses again): the claim's fields, with an orphan's
// start and end null, since it has no position in the text (its quote, context and revision say
// where it was).
func (c *Claim) JSONValue() any {
	if c.Placed() {
		return (*claimJSON)(c)
	}
	return orphanFields{claimJSON: (*claimJSON)(c)}
}

// claimJSON is a Claim without its MarshalJSON, to encode as it is.
type claimJSON Claim

// orphanFields is an orphan as written: its start and end, shallower than the embedded claim's,
// win and are null.
type orphanFields struct {
	*claimJSON
	Start *int `json:"start"`
	End   *int `json:"end"`
}

// QueueFilter narrows the review queue; zero fields match everything.
type QueueFilter struct {
	DocumentID int64
	Status     Status
	Author     string
	Orphaned   bool // only the claims that have no place in their document's current text
}

// QueueItem is a claim waiting for an editor, with the title of its document.
type QueueItem struct {
	Claim         Claim
	DocumentTitle string
}

// ClaimFilter narrows a list of claims; zero fields match everything.
type ClaimFilter struct {
	Status Status
	Review Review
	Ref    int
}

// Matches reports whether c passes the filter, as the store's SQL filter does: its status and
// review equal to those set, and its refs holding the ref set.
func (f ClaimFilter) Matches(c *Claim) bool {
	return (f.Status == "" || c.Status == f.Status) && (f.Review == "" || c.Review == f.Review) &&
		(f.Ref == 0 || slices.Contains(c.Refs, f.Ref))
}
