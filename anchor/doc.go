// Package anchor finds a document's claims again in a new revision of its text, and compares
// two revisions word by word for people.
//
// It needs only the two texts, citecheck.ContextLen and each claim's span, quote and context;
// the root's types feed it and it answers with citecheck.Anchor values, which the root's claim
// rules (citecheck.ReviseClaims) apply. The root never imports this package; the formats
// package's W3C import places quotes with Locate.
//
// Reanchor maps every claim of an old text onto the new one: exact when the same offsets still
// hold the quote in its context, moved when the quote occurs unchanged elsewhere and context or
// position singles one place out, fuzzy when a slightly changed quote is found near where the
// diff expects it, and orphaned otherwise; a tie is always an orphan, since a wrong anchor is
// worse than none. Locate applies the same search for an unchanged quote, and the same tie-break,
// to a quote in a text with no earlier revision.
//
// One diff core (diff.go) serves both the position map behind Reanchor and WordDiff: one
// tokenizer (words, runs of white space, single other characters), a patience diff aligned on
// the tokens that occur once on each side, an exact LCS for small gaps and Myers' diff
// (github.com/sergi/go-diff) for large gaps without unique tokens, such as repeated paragraphs.
// Approximate matching (editdistance.go, fuzzy.go) is Myers' bit-parallel search over code
// points, refined by edit distance against the old context.
package anchor
