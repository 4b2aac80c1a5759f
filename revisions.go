package citecheck

import "time"

// ActionReanchored is the history action of a claim moved into a new revision of its document's
// text (or orphaned there) by re-anchoring.
const ActionReanchored = "reanchored"

// ECodeSameText refuses a new revision whose text is the current one (422).
const ECodeSameText = "same-text"

// AnchorKind says how a claim of an old revision was found again in the new text.
type AnchorKind string

// The anchor kinds, from most to least certain.
const (
	// AnchorExact: the same offsets hold the same quote with the same context around it.
	AnchorExact AnchorKind = "exact"
	// AnchorMoved: the quote occurs unchanged elsewhere, and context or position singles it out.
	AnchorMoved AnchorKind = "moved"
	// AnchorFuzzy: the quote was changed a little; the new span holds text close to the old quote.
	AnchorFuzzy AnchorKind = "fuzzy"
	// AnchorOrphaned: no place is good enough, or two are equally good; the claim keeps its old
	// quote and context for someone to place by hand.
	AnchorOrphaned AnchorKind = "orphaned"
)

// Anchor is where a claim of the old revision lands in the new text. It is the one result of
// re-anchoring (package anchor) that the root's claim rules (ReviseClaims) consume. Start and
// End count code points of the new text, end exclusive; both are 0 for an orphan. Score is 1
// for an exact anchor and between 0 and 1 otherwise: how well the quote and its context agree.
type Anchor struct {
	Kind  AnchorKind `json:"anchor"`
	Start int        `json:"start"`
	End   int        `json:"end"`
	Score float64    `json:"score"`
}

// AnchorKinds lists the anchor kinds, most certain first.
var AnchorKinds = []AnchorKind{AnchorExact, AnchorMoved, AnchorFuzzy, AnchorOrphaned}

// AnchorCounts counts the claims of a revision by how they were re-anchored into the next one.
type AnchorCounts struct {
	Exact    int `json:"exact"`
	Moved    int `json:"moved"`
	Fuzzy    int `json:"fuzzy"`
	Orphaned int `json:"orphaned"`
}

// Add counts one anchor of kind k.
func (c *AnchorCounts) Add(k AnchorKind) {
	switch k {
	case AnchorExact:
		c.Exact++
	case AnchorMoved:
		c.Moved++
	case AnchorFuzzy:
		c.Fuzzy++
	default:
		c.Orphaned++
	}
}

// Of returns the count of kind k.
func (c AnchorCounts) Of(k AnchorKind) int {
	switch k {
	case AnchorExact:
		return c.Exact
	case AnchorMoved:
		return c.Moved
	case AnchorFuzzy:
		return c.Fuzzy
	default:
		return c.Orphaned
	}
}

// Total is the number of claims counted.
func (c AnchorCounts) Total() int { return c.Exact + c.Moved + c.Fuzzy + c.Orphaned }

// RevisionSummary is one revision of a document's text as listed, without the text.
type RevisionSummary struct {
	Number     int          `json:"number"`
	Length     int          `json:"length"`
	TextSHA256 string       `json:"text_sha256"`
	Anchors    AnchorCounts `json:"anchors"` // how the previous revision's claims came into this one
	CreatedBy  string       `json:"created_by"`
	CreatedAt  time.Time    `json:"created_at"`

	CreatedByID int64 `json:"-"`
}

// Revision is one revision of a document's text with its citations and reference list as they
// were.
type Revision struct {
	RevisionSummary
	Text       string         `json:"text"`
	Citations  []Citation     `json:"citations"`
	References *ReferenceList `json:"references"`
}

// Document returns the revision as a document with the identity of d: its text, citations and
// reference list at that revision.
func (r *Revision) Document(d *Document) *Document {
	out := *d
	out.Text, out.TextSHA256, out.Length = r.Text, r.TextSHA256, r.Length
	out.Citations, out.References, out.Revision = r.Citations, r.References, r.Number
	return &out
}

// IsOrphan reports whether c has no place in revision rev of its document's text: it was
// orphaned by a revision (its span, quote and context are those of an earlier one), or it came
// in as an orphan from an import, which has no position at all. A claim without a revision
// (Revision 0) predates revisions and is anchored.
func (c *Claim) IsOrphan(rev int) bool {
	return c.Anchor == string(AnchorOrphaned) || (c.Revision != 0 && c.Revision < rev)
}

// AnchoredIn splits claims into those anchored in revision rev (in the order given) and the
// orphans, of earlier revisions or imported as such.
func AnchoredIn(rev int, claims []Claim) (anchored, orphans []Claim) {
	anchored = make([]Claim, 0, len(claims))
	for i := range claims {
		if claims[i].IsOrphan(rev) {
			orphans = append(orphans, claims[i])
		} else {
			anchored = append(anchored, claims[i])
		}
	}
	return anchored, orphans
}

// ResetReview undoes an editor's decision, because the claim decided on is no longer the claim
// there: its span, refs or status changed, or it lost its place in the text. It reports whether
// there was a decision to undo. Every path that changes a claim under a review goes through it.
func ResetReview(c *Claim) bool {
	if c.Review == ReviewPending || c.Review == "" {
		return false
	}
	c.Review, c.ReviewComment, c.ReviewedBy, c.ReviewedAt = ReviewPending, "", nil, nil
	return true
}

// Orphan marks c as having no place in the new text: it keeps its old span, quote, context and
// revision, its OldQuote becomes its quote, and a review goes back to pending, since an approval
// of a text that is gone must not be published as if it were still there.
func Orphan(c *Claim) {
	c.Anchor = string(AnchorOrphaned)
	c.OldQuote = c.Quote
	ResetReview(c)
}

// ReviseClaims applies anchors (anchors[i] for claims[i], all of the old revision) to the claims
// and returns their new states in revision rev of newText: exact, moved and fuzzy claims take
// the new span with its quote and context, the new revision and the anchor; a fuzzy claim keeps
// its old quote in OldQuote and goes back to pending review, as the text an editor approved is
// no longer there. An orphan is made by Orphan: it keeps its old span, quote, context and
// revision, and goes back to pending review too.
func ReviseClaims(newText *Text, rev int, claims []Claim, anchors []Anchor) []Claim {
	out := make([]Claim, len(claims))
	for i, c := range claims {
		c.Refs = append([]int{}, c.Refs...)
		a := anchors[i]
		c.Anchor, c.AnchorScore = string(a.Kind), a.Score
		switch a.Kind {
		case AnchorExact, AnchorMoved, AnchorFuzzy:
			old := c.Quote
			c.Start, c.End, c.Revision = a.Start, a.End, rev
			FillQuote(newText, &c)
			c.OldQuote = ""
			if a.Kind == AnchorFuzzy {
				c.OldQuote = old
				ResetReview(&c)
			}
		default:
			Orphan(&c)
		}
		out[i] = c
	}
	return out
}
