package citecheck

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// The codes of document-level checks that apply when a document has a reference list.
const (
	CheckRefNotInList    = "ref-not-in-list"   // a body marker carries a number with no entry
	CheckEntryNeverCited = "entry-never-cited" // an entry that no body marker cites
)

// Sources is the citation picture of a document: the markers of its body and its reference list.
// Markers inside the list section are the list's own numbering, not citations, so they are not
// among Citations.
type Sources struct {
	Citations []Citation     // markers in the body, sorted by Start
	List      *ReferenceList // nil when the document has no list

	textLen int // code points of the text, where a list added by hand starts
}

// NewSources parses the markers and the reference list of text once: the body's markers are
// those before the list's start.
func NewSources(text string) Sources {
	return NewSourcesOf(ParseCitations(text), text)
}

// NewSourcesOf is NewSources for a text whose markers are already parsed (a stored document's
// Citations), so that they are not parsed again.
func NewSourcesOf(cits []Citation, text string) Sources {
	s := Sources{Citations: cits, List: DetectReferences(text), textLen: NewText(text).Len()}
	if s.List != nil {
		k := sort.Search(len(cits), func(i int) bool { return cits[i].Start >= s.List.Start })
		s.Citations = cits[:k:k]
	}
	if s.Citations == nil {
		s.Citations = []Citation{}
	}
	return s
}

// WithEntries returns a copy of s whose list holds entries instead, sorted by Number: how
// entries are added, edited and removed by hand. Each entry's Text is trimmed and its URL, when
// empty, taken from the Text. A number that is not positive, or that two entries share, is
// refused with ECodeInvalid. Without a list before, the new list starts at the end of the text
// with no heading; no entries at all leave the document without a list (so the checks fall back
// to the markers alone), while the body keeps its markers as they were. The list and each
// entry are held to CheckReferenceCount and CheckReference.
func (s Sources) WithEntries(entries []Reference) (Sources, error) {
	if err := CheckReferenceCount(len(entries)); err != nil {
		return s, err
	}
	out := make([]Reference, len(entries))
	copy(out, entries)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	for i := range out {
		e := &out[i]
		if e.Number > maxRef {
			return s, FieldErrorf(ECodeRefOutOfRange, "number", "reference number %d is not between 1 and %d", e.Number, maxRef)
		}
		if e.Number <= 0 {
			return s, FieldErrorf(ECodeInvalid, "number", "reference number %d is not between 1 and %d", e.Number, maxRef)
		}
		if i > 0 && out[i-1].Number == e.Number {
			return s, FieldErrorf(ECodeInvalid, "number", "reference %d is listed twice", e.Number)
		}
		e.Text = strings.TrimSpace(e.Text)
		if e.URL == "" {
			e.URL = FirstURL(e.Text)
		}
		if err := CheckReference(*e); err != nil {
			return s, err
		}
	}
	if len(out) == 0 {
		s.List = nil
		return s, nil
	}
	list := ReferenceList{Start: s.textLen}
	if s.List != nil {
		list.Start, list.Heading = s.List.Start, s.List.Heading
	}
	list.Entries = out
	s.List = &list
	return s, nil
}

// sourcesIndex holds what the checks of a document ask again and again: the numbers its body
// cites and, with a list, the numbers listed.
type sourcesIndex struct {
	cited  map[int]bool
	listed map[int]bool // nil without a list
}

func newSourcesIndex(s Sources) sourcesIndex {
	ix := sourcesIndex{cited: citedRefs(s.Citations)}
	if s.List != nil {
		ix.listed = make(map[int]bool, len(s.List.Entries))
		for _, e := range s.List.Entries {
			ix.listed[e.Number] = true
		}
	}
	return ix
}

// ClaimChecksIn lists the citation problems of claim c, as ClaimChecks does for the body's
// markers, and with a reference list also counts as unknown-ref a ref that has no entry; the
// message says which refs are not cited in the text and which are not in the reference list.
// Never nil.
func ClaimChecksIn(t *Text, s Sources, c *Claim) []Check {
	return claimChecksIn(t, s, newSourcesIndex(s), c)
}

// FillChecksIn sets the Checks of every claim, as ClaimChecksIn finds them.
func FillChecksIn(t *Text, s Sources, claims []Claim) {
	ix := newSourcesIndex(s)
	for i := range claims {
		claims[i].Checks = claimChecksIn(t, s, ix, &claims[i])
	}
}

func claimChecksIn(t *Text, s Sources, ix sourcesIndex, c *Claim) []Check {
	if ix.listed == nil {
		return claimChecks(t, s.Citations, ix.cited, c)
	}
	known := make(map[int]bool, len(c.Refs))
	for _, r := range c.Refs {
		known[r] = ix.cited[r] && ix.listed[r]
	}
	checks := claimChecks(t, s.Citations, known, c)
	for i := range checks {
		if checks[i].Code == CheckUnknownRef {
			checks[i].Message = unknownRefMessage(checks[i].Refs, ix)
		}
	}
	return checks
}

// unknownRefMessage says, for the unknown refs of a claim in a document with a list, which are
// not cited in the text, which are not in the list, and which are neither.
func unknownRefMessage(refs []int, ix sourcesIndex) string {
	var neither, uncited, unlisted []int
	for _, r := range refs {
		switch {
		case !ix.cited[r] && !ix.listed[r]:
			neither = append(neither, r)
		case !ix.cited[r]:
			uncited = append(uncited, r)
		default:
			unlisted = append(unlisted, r)
		}
	}
	var parts []string
	if len(neither) > 0 {
		parts = append(parts, refsPhrase(neither, "is", "are")+" not cited in the text and not in the reference list")
	}
	if len(uncited) > 0 {
		parts = append(parts, refsPhrase(uncited, "is", "are")+" not cited in the text")
	}
	if len(unlisted) > 0 {
		parts = append(parts, refsPhrase(unlisted, "is", "are")+" not in the reference list")
	}
	return strings.Join(parts, "; ")
}

// ReferenceUse is a reference entry with what uses it: the claims whose refs include its
// number (their ids, in the order the claims came) and how many body markers carry it.
type ReferenceUse struct {
	Reference
	Claims  []int64 `json:"claims"`
	CitedBy int     `json:"cited_by"`
}

// SourcesCheck is the citation check of a whole document with its reference list: everything
// DocumentCheck holds, at the top level of its JSON, plus the document-level problems
// (ref-not-in-list, entry-never-cited), each entry with the claims and markers that use it, and
// room for the uncited sentences of the body. Without a list, Problems and References are empty.
type SourcesCheck struct {
	DocumentCheck
	Problems   []Check        `json:"problems"`
	References []ReferenceUse `json:"references"`
	// Uncited is the body sentences without a marker that state a number, a date or a
	// quotation. CheckSources leaves it empty for the caller to fill from FindUncited, which
	// depends on the text alone: a server computes it once per revision, not once per check.
	Uncited []UncitedSentence `json:"uncited"`
}

// CheckSources checks every body marker and claim of a document against its markers and its
// reference list. It is CheckDocument over the body's markers, with the claims checked as
// ClaimChecksIn checks them.
func CheckSources(t *Text, s Sources, claims []Claim) SourcesCheck {
	k := NewChecker(t, s)
	checks := make([]ClaimCheck, len(claims))
	for i := range claims {
		checks[i] = ClaimCheck{ID: claims[i].ID, Checks: k.ClaimChecks(&claims[i])}
	}
	return k.check(claims, checks, k.Cover(nil, nil, claims))
}

// Checker checks the claims of one text against its sources, holding what every check of that
// text asks again (the numbers the body cites, the numbers listed), so that a view kept per
// state of a big document can bring its check up to date after a few claims change: the
// changed claims are checked (ClaimChecks), the coverage is moved by them (Cover), and the rest
// is put together from the claims' own checks (Check). It is immutable and may be shared.
type Checker struct {
	t  *Text
	s  Sources
	ix sourcesIndex
}

// NewChecker prepares the checks of claims on t with sources s.
func NewChecker(t *Text, s Sources) *Checker {
	return &Checker{t: t, s: s, ix: newSourcesIndex(s)}
}

// ClaimChecks is ClaimChecksIn for the text and sources of k.
func (k *Checker) ClaimChecks(c *Claim) []Check {
	return claimChecksIn(k.t, k.s, k.ix, c)
}

// Cover answers how many claims cover each body marker (see coverage) once the claims removed
// are gone from a coverage prev and the claims added have come: a new slice, prev is left as it
// is. A nil prev is a text without claims.
func (k *Checker) Cover(prev []int32, removed, added []Claim) []int32 {
	cover := make([]int32, len(k.s.Citations))
	copy(cover, prev)
	for _, step := range []struct {
		claims []Claim
		delta  int32
	}{{removed, -1}, {added, 1}} {
		for i := range step.claims {
			coveredBy(k.t, k.s.Citations, &step.claims[i], func(m int) { cover[m] += step.delta })
		}
	}
	return cover
}

// Check is the document check of claims (those anchored in the text, in order, each with its
// Checks as ClaimChecks finds them), given cover, their coverage as Cover counts it. It is what
// CheckSources answers for the same claims.
func (k *Checker) Check(claims []Claim, cover []int32) SourcesCheck {
	checks := make([]ClaimCheck, len(claims))
	for i := range claims {
		checks[i] = ClaimCheck{ID: claims[i].ID, Checks: claims[i].Checks}
	}
	return k.check(claims, checks, cover)
}

func (k *Checker) check(claims []Claim, checks []ClaimCheck, cover []int32) SourcesCheck {
	s, ix := k.s, k.ix
	sc := SourcesCheck{DocumentCheck: coverageOf(s.Citations, cover), Problems: []Check{}, References: []ReferenceUse{},
		Uncited: []UncitedSentence{}}
	sc.Claims = checks
	counts := CountClaims(claims)
	sc.ByStatus, sc.ByReview = counts.ByStatus, counts.ByReview
	if s.List == nil {
		return sc
	}
	var notListed []int
	for r := range ix.cited {
		if !ix.listed[r] {
			notListed = append(notListed, r)
		}
	}
	sort.Ints(notListed)
	if len(notListed) > 0 {
		sc.Problems = append(sc.Problems, Check{Code: CheckRefNotInList, Refs: notListed,
			Message: fmt.Sprintf("the text cites %s, which the reference list lacks", refsPhrase(notListed, "", ""))})
	}
	var neverCited []int
	for _, e := range s.List.Entries {
		if !ix.cited[e.Number] {
			neverCited = append(neverCited, e.Number)
		}
	}
	if len(neverCited) > 0 {
		sc.Problems = append(sc.Problems, Check{Code: CheckEntryNeverCited, Refs: neverCited,
			Message: entriesPhrase(neverCited) + " never cited in the text"})
	}
	sc.References = referenceUses(s, claims)
	return sc
}

// coverage counts the markers some claim covers and lists the others, as CheckDocument does.
func coverage(t *Text, cits []Citation, claims []Claim) DocumentCheck {
	cover := make([]int32, len(cits))
	for i := range claims {
		coveredBy(t, cits, &claims[i], func(m int) { cover[m]++ })
	}
	return coverageOf(cits, cover)
}

// coveredBy calls covers with the index of each marker of cits that claim c covers. A marker is
// covered by a claim that it is attached to (inside the span, or in the marker run right after
// it: AttachedCitations) and whose refs include every number it carries, so a claim with ref 46
// covers its own [46] and not `Kurds[46]` further on. As for SuggestRefs, closing punctuation
// right after the span may come before the run: a claim over “High Negotiating Committee” was
// offered the 46 of `”. [46]` and covers that marker. An orphan has no place in the text and
// covers nothing.
func coveredBy(t *Text, cits []Citation, c *Claim, covers func(m int)) {
	if c.Anchor == string(AnchorOrphaned) {
		return
	}
	refs := sortedUnique(c.Refs)
	from, to := attachedRange(t, cits, c.Start, c.End)
	for m := from; m < to; m++ {
		if containsAll(refs, cits[m].Refs) {
			covers(m)
		}
	}
}

// coverageOf is the coverage part of a document check from the count of claims covering each marker.
func coverageOf(cits []Citation, cover []int32) DocumentCheck {
	dc := DocumentCheck{Markers: len(cits), Uncovered: []Citation{}}
	for m, c := range cits {
		if cover[m] > 0 {
			dc.Covered++
		} else {
			dc.Uncovered = append(dc.Uncovered, c)
		}
	}
	return dc
}

// referenceUses pairs each entry of the list with the claims and body markers that use it.
func referenceUses(s Sources, claims []Claim) []ReferenceUse {
	uses := make([]ReferenceUse, len(s.List.Entries))
	at := make(map[int]int, len(uses)) // number -> index in uses
	for i, e := range s.List.Entries {
		uses[i] = ReferenceUse{Reference: e, Claims: []int64{}}
		at[e.Number] = i
	}
	for _, m := range s.Citations {
		for _, r := range m.Refs {
			if i, ok := at[r]; ok {
				uses[i].CitedBy++
			}
		}
	}
	for _, c := range claims {
		for _, r := range sortedUnique(c.Refs) {
			if i, ok := at[r]; ok {
				uses[i].Claims = append(uses[i].Claims, c.ID)
			}
		}
	}
	return uses
}

// entriesPhrase renders "reference list entry 9 is" or "reference list entries 9, 10 are".
func entriesPhrase(nums []int) string {
	parts := make([]string, len(nums))
	for i, n := range nums {
		parts[i] = strconv.Itoa(n)
	}
	if len(nums) == 1 {
		return "reference list entry " + parts[0] + " is"
	}
	return "reference list entries " + strings.Join(parts, ", ") + " are"
}

// DocumentSources is the citation picture of a stored document: its body markers and its
// reference list as kept (detected at creation, then edited by hand), without parsing again.
func DocumentSources(d *Document) Sources {
	cits := d.Citations
	if cits == nil {
		cits = []Citation{}
	}
	return Sources{Citations: cits, List: d.References, textLen: d.Length}
}
