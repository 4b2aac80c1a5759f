package citecheck

import "fmt"

// The bounds of what a client may send. Without them one request could store a claim with
// 100,000 refs, and twenty such claims made a 93 MB page. Each is generous for real work: a
// paragraph may cite many sources, a long report has tens of thousands of claims. Lengths count
// code points, as offsets do. Every door (API, page forms, native and W3C import, the CLI) is
// held to them: through NormalizeRefs, Sources.WithEntries and the store's writes, which call
// the checks below.
const (
	// MaxRefsPerClaim is how many refs one claim may carry.
	MaxRefsPerClaim = 200
	// MaxRefNumber is the largest reference number (1,000,000): the largest number that the
	// marker parser reads as a reference, so that every marker in a text can be claimed.
	MaxRefNumber = maxRef
	// MaxClaimsPerDocument is how many claims one document may hold (big-document benchmarks
	// use 25,000).
	MaxClaimsPerDocument = 50_000
	// MaxTitleLen is the longest document title.
	MaxTitleLen = 300
	// MaxNoteLen is the longest note of a claim.
	MaxNoteLen = 10_000
	// MaxCommentLen is the longest review comment.
	MaxCommentLen = 10_000
	// MaxReferenceTextLen is the longest text of one reference entry.
	MaxReferenceTextLen = 4_000
	// MaxURLLen is the longest URL of one reference entry.
	MaxURLLen = 2_000
	// MaxReferenceEntries is how many entries a document's reference list may hold.
	MaxReferenceEntries = 10_000
	// MaxVisitorSessionsPerAddress is how many sessions nobody has signed in to (each holds the
	// sign-in form's CSRF token) one address keeps: a new one past it ends the oldest, so a
	// client that loads the sign-in page without its cookie, again and again, does not grow the
	// sessions table without bound. An office behind one address has that many people on the
	// sign-in page at once before any of them has to load it again.
	MaxVisitorSessionsPerAddress = 1000
)

// The codes of an input past its bound: 422, each with the field concerned.
const (
	ECodeTooManyRefs       = "too-many-refs"
	ECodeRefOutOfRange     = "ref-out-of-range"
	ECodeTooLong           = "too-long"
	ECodeTooManyClaims     = "too-many-claims"
	ECodeTooManyReferences = "too-many-references"
)

// CheckRefs refuses more than MaxRefsPerClaim refs (ECodeTooManyRefs) and a ref above
// MaxRefNumber (ECodeRefOutOfRange), both about "refs". It is checked before the refs are
// sorted, so a huge list costs nothing more.
func CheckRefs(refs []int) error {
	if len(refs) > MaxRefsPerClaim {
		return FieldErrorf(ECodeTooManyRefs, "refs", "a claim carries at most %d refs, not %d", MaxRefsPerClaim, len(refs))
	}
	for _, r := range refs {
		if r > MaxRefNumber {
			return FieldErrorf(ECodeRefOutOfRange, "refs", "ref %d is above the largest reference number, %d", r, MaxRefNumber)
		}
	}
	return nil
}

// CheckTitle refuses a document title longer than MaxTitleLen (ECodeTooLong about "title").
func CheckTitle(title string) error { return checkLength("title", "the title", title, MaxTitleLen) }

// CheckNote refuses a claim's note longer than MaxNoteLen (ECodeTooLong about "note").
func CheckNote(note string) error { return checkLength("note", "the note", note, MaxNoteLen) }

// CheckComment refuses a review comment longer than MaxCommentLen (ECodeTooLong about
// "comment").
func CheckComment(comment string) error {
	return checkLength("comment", "the comment", comment, MaxCommentLen)
}

// CheckReference refuses a reference entry whose text or URL is too long (ECodeTooLong about
// "text" or "url").
func CheckReference(e Reference) error {
	what := fmt.Sprintf("the text of reference %d", e.Number)
	if err := checkLength("text", what, e.Text, MaxReferenceTextLen); err != nil {
		return err
	}
	return checkLength("url", fmt.Sprintf("the URL of reference %d", e.Number), e.URL, MaxURLLen)
}

// CheckReferenceCount refuses a reference list of more than MaxReferenceEntries entries
// (ECodeTooManyReferences about "references").
func CheckReferenceCount(n int) error {
	if n > MaxReferenceEntries {
		return FieldErrorf(ECodeTooManyReferences, "references",
			"a reference list holds at most %d entries, not %d", MaxReferenceEntries, n)
	}
	return nil
}

// CheckClaimCount refuses adding claims to a document that holds existing ones when the total
// would pass MaxClaimsPerDocument (ECodeTooManyClaims about "claims"). An import that would is
// refused whole.
func CheckClaimCount(existing, adding int) error {
	if existing+adding > MaxClaimsPerDocument {
		if existing == 0 {
			return FieldErrorf(ECodeTooManyClaims, "claims", "a document holds at most %d claims, not %d", MaxClaimsPerDocument, adding)
		}
		return FieldErrorf(ECodeTooManyClaims, "claims",
			"a document holds at most %d claims; this one has %d, and %d more would pass that", MaxClaimsPerDocument, existing, adding)
	}
	return nil
}

// CheckClaim holds a claim about to be stored to the bounds of its refs, note and review
// comment, whichever door it came through; the store calls it on every write of a claim.
func CheckClaim(c *Claim) error {
	if err := CheckRefs(c.Refs); err != nil {
		return err
	}
	if err := CheckNote(c.Note); err != nil {
		return err
	}
	if err := CheckComment(c.ReviewComment); err != nil {
		return &Error{Code: ECodeTooLong, Field: "review_comment", Message: err.(*Error).Message}
	}
	return nil
}

// checkLength refuses s when it holds more than max code points. It stops counting past max,
// so a huge string is not walked to its end.
func checkLength(field, what, s string, max int) error {
	if len(s) <= max { // at most one code point per byte
		return nil
	}
	n := 0
	for range s {
		if n++; n > max {
			return FieldErrorf(ECodeTooLong, field, "%s is longer than %d characters", what, max)
		}
	}
	return nil
}
