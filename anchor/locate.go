package anchor

import (
	"unicode/utf8"

	"github.com/citecheck/citecheck"
)

// Locate finds quote, with the prefix and suffix around it, in the text t, near the code point
// offset near (negative when unknown). It is Reanchor's search for an unchanged quote (moved)
// for a text with no earlier revision, such as a W3C annotation's quote in the document it is
// imported into: the same occurrences, the same context measure and the same tie-break, so two
// places about as good make an orphan, never the first of them. Since there is no old text,
// the context is taken as given (a short prefix does not mean the start of the text), nothing
// can have been moved there from elsewhere, and a quote that occurs once is its own support.
// The anchor is exact when it starts at near, moved otherwise; it is never fuzzy.
func Locate(t *citecheck.Text, quote, prefix, suffix string, near int) citecheck.Anchor {
	q := []rune(quote)
	if len(q) == 0 {
		return orphan
	}
	pre, suf := cutContext([]rune(prefix), []rune(suffix))
	side := textSide{s: t.String(), t: t, noSA: true}
	starts, all := side.find(quote, q)
	if !all {
		return orphan
	}
	r := occurrenceRules{m: len(q), total: len(pre) + len(suf), margin: max(4, (len(pre)+len(suf))/8)}
	occs, best := make([]occurrence, 0, len(starts)), 0
	for _, s := range starts {
		if splitsCluster(t, s, s+len(q)) {
			continue
		}
		b := t.ByteOffset(s)
		ctx := commonSuffix(pre, runesBefore(side.s, b, len(pre))) +
			commonPrefix(suf, runesAfter(side.s, b+len(quote), len(suf)))
		dist := 0
		if near >= 0 {
			dist = abs(s - near)
		}
		occs = append(occs, occurrence{start: s, ctx: ctx, dist: dist})
		best = max(best, ctx)
	}
	if len(occs) == 0 {
		return orphan
	}
	o, v := r.pick(occs, best)
	if v == notFound && len(occs) == 1 {
		o, v = occs[0], found
	}
	if v != found {
		return orphan
	}
	kind := citecheck.AnchorMoved
	if o.start == near && o.ctx == r.total {
		kind = citecheck.AnchorExact
	}
	return citecheck.Anchor{Kind: kind, Start: o.start, End: o.start + len(q), Score: round3(0.5 + 0.5*r.frac(o))}
}

// cutContext cuts a prefix and a suffix to the ContextLen code points next to the quote: a
// longer one would only make the context comparisons quadratic in its length.
func cutContext(pre, suf []rune) ([]rune, []rune) {
	if len(pre) > citecheck.ContextLen {
		pre = pre[len(pre)-citecheck.ContextLen:]
	}
	if len(suf) > citecheck.ContextLen {
		suf = suf[:citecheck.ContextLen]
	}
	return pre, suf
}

// runesBefore returns up to n code points of s before byte offset b.
func runesBefore(s string, b, n int) []rune {
	out := make([]rune, n)
	k := n
	for k > 0 && b > 0 {
		r, w := utf8.DecodeLastRuneInString(s[:b])
		k--
		out[k] = r
		b -= w
	}
	return out[k:]
}

// runesAfter returns up to n code points of s from byte offset b.
func runesAfter(s string, b, n int) []rune {
	out := make([]rune, 0, n)
	for len(out) < n && b < len(s) {
		r, w := utf8.DecodeRuneInString(s[b:])
		out = append(out, r)
		b += w
	}
	return out
}
