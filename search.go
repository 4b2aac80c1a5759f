package citecheck

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SearchKind is what a search result is: a document (its title or a passage of its text), a
// claim (its quote or note), an entry of a document's reference list, or a source (its title,
// URL or a passage of its text).
type SearchKind string

// The kinds of search results.
const (
	SearchDocument  SearchKind = "document"
	SearchClaim     SearchKind = "claim"
	SearchReference SearchKind = "reference"
	SearchSource    SearchKind = "source"
)

// The bounds of a search: a query is a few words, typed in a box, and a page of results is
// what one screen shows.
const (
	// MaxSearchQueryLen is the longest query, in code points.
	MaxSearchQueryLen = 500
	// MaxSearchTerms is how many words a query may hold.
	MaxSearchTerms = 32
	// DefaultSearchLimit is how many results a page holds when the request does not say.
	DefaultSearchLimit = 20
	// MaxSearchLimit is the most results one page may hold.
	MaxSearchLimit = 100
)

// The markers that a search snippet carries around each match. They are control characters
// that no text the index holds can contain (a document's or a source's text refuses every C0
// control but TAB and LF, a title, note, comment or entry every one but TAB, LF and CR), so a
// text's own characters never pass for a match, nothing needs escaping, and the page splits the
// snippet on them (SnippetParts) instead of trusting any HTML; the API strips them (PlainSnippet).
const (
	SnippetOpen  = "\x01"
	SnippetClose = "\x02"
)

// ParseSearchKind accepts one of the four kinds; "" means every kind.
func ParseSearchKind(s string) (SearchKind, error) {
	switch k := SearchKind(s); k {
	case "", SearchDocument, SearchClaim, SearchReference, SearchSource:
		return k, nil
	}
	return "", FieldErrorf(ECodeInvalid, "kind", "kind must be document, claim, reference or source, not %q", s)
}

// SearchQuery is what a search asks for. Terms are the words as typed, split at white space;
// each is matched as a phrase of the words the index sees in it (so "U.S." finds "U.S."), all
// of them must match, and the last is a prefix while the user is still typing it (Prefix).
// Status, Review and Checker (the user who created a claim) filter claims, so any of them
// limits the results to claims.
type SearchQuery struct {
	Terms      []string
	Prefix     bool
	Kind       SearchKind
	Status     Status
	Review     Review
	Checker    string
	DocumentID int64
	Limit      int
	After      *SearchCursor
}

// OnlyClaims reports whether a filter that only claims have is set.
func (q SearchQuery) OnlyClaims() bool {
	return q.Status != "" || q.Review != "" || q.Checker != ""
}

// SearchCursor is the position after the last result of a page: its score and its row in the
// index, which breaks ties, and the lowest row the search ranks (0 for all), so that every page
// ranks the same rows. It is opaque to clients.
type SearchCursor struct {
	Rank  float64 // the stored ranking value, lower first
	Row   int64
	Floor int64
}

// Encode gives the cursor as text for a URL.
func (c SearchCursor) Encode() string {
	raw := "s:" + strconv.FormatFloat(c.Rank, 'g', -1, 64) + ":" + strconv.FormatInt(c.Row, 10) + ":" + strconv.FormatInt(c.Floor, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseSearchCursor reads a cursor that Encode gave; anything else is invalid about "cursor".
func ParseSearchCursor(s string) (*SearchCursor, error) {
	bad := FieldErrorf(ECodeInvalid, "cursor", "cursor %q is not one this server gave", s)
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	parts := strings.Split(string(raw), ":")
	if len(parts) != 4 || parts[0] != "s" {
		return nil, bad
	}
	rank, err1 := strconv.ParseFloat(parts[1], 64)
	row, err2 := strconv.ParseInt(parts[2], 10, 64)
	floor, err3 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || row < 0 || floor < 0 || math.IsNaN(rank) || math.IsInf(rank, 0) {
		return nil, bad
	}
	return &SearchCursor{Rank: rank, Row: row, Floor: floor}, nil
}

// ParseSearchTerms splits what a user typed into the terms of a query: pieces between white
// space that hold at least one letter or digit (the index sees nothing else, so a piece of
// punctuation or emoji alone would match everything or nothing). The last term is a prefix
// unless the text ends in white space. No term at all is malformed about "q"; a query past
// MaxSearchQueryLen code points or MaxSearchTerms terms is too long.
func ParseSearchTerms(q string) (terms []string, prefix bool, err error) {
	if n := utf8.RuneCountInString(q); n > MaxSearchQueryLen {
		return nil, false, FieldErrorf(ECodeTooLong, "q", "a search is at most %d characters, not %d", MaxSearchQueryLen, n)
	}
	if !utf8.ValidString(q) {
		return nil, false, FieldErrorf(ECodeMalformed, "q", "the search is not valid UTF-8")
	}
	// A control character (a NUL, say) separates words as a space does: the index holds none.
	for _, piece := range strings.FieldsFunc(q, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		if strings.IndexFunc(piece, isWordRune) >= 0 {
			terms = append(terms, piece)
		}
	}
	if len(terms) == 0 {
		return nil, false, FieldErrorf(ECodeMalformed, "q", "give a word to search for")
	}
	if len(terms) > MaxSearchTerms {
		return nil, false, FieldErrorf(ECodeTooLong, "q", "a search holds at most %d words, not %d", MaxSearchTerms, len(terms))
	}
	last, _ := utf8.DecodeLastRuneInString(q)
	return terms, !unicode.IsSpace(last) && !unicode.IsControl(last), nil
}

// isWordRune reports whether the search index keeps r in a word (a letter, a digit or a mark).
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}

// SearchResult is one match: what it is (Kind, ID: a document's, a claim's or a source's id,
// or an entry's number), the document it belongs to, a title to show (the document's, or the
// source's), a snippet of the matching text with SnippetOpen and SnippetClose around each
// match, the span in code points of the passage in its text when it has one (a claim's span, a
// passage of a document's or source's text, an entry in the text) and its score, higher first.
type SearchResult struct {
	Kind       SearchKind
	ID         int64
	DocumentID int64
	Title      string
	Snippet    string
	Start, End *int
	Score      float64
}

// SnippetPart is a stretch of a snippet, a match or not.
type SnippetPart struct {
	Text  string
	Match bool
}

// SnippetParts splits a marked snippet into its stretches, for a page to render each as text
// (a match inside a mark element) with its usual escaping.
func SnippetParts(s string) []SnippetPart {
	var parts []SnippetPart
	match := false
	for s != "" {
		marker := SnippetOpen
		if match {
			marker = SnippetClose
		}
		i := strings.Index(s, marker)
		if i < 0 {
			i = len(s)
		}
		if text := stripSnippetMarkers(s[:i]); text != "" {
			parts = append(parts, SnippetPart{Text: text, Match: match})
		}
		if i == len(s) {
			break
		}
		s = s[i+len(marker):]
		match = !match
	}
	return parts
}

// PlainSnippet is the snippet without its markers, as the API answers it.
func PlainSnippet(s string) string { return stripSnippetMarkers(s) }

var snippetMarkers = strings.NewReplacer(SnippetOpen, "", SnippetClose, "")

func stripSnippetMarkers(s string) string { return snippetMarkers.Replace(s) }

// Passage is a stretch of a text that the search index holds as one entry, so that a match
// links to its place: Start and End count code points of the text.
type Passage struct {
	Start, End int
	Text       string
}

// MaxPassageLen is the longest passage in code points: a long line is cut at a space before it.
const MaxPassageLen = 1000

// Passages cuts a text into its lines, each without the white space around it and cut at a
// space when longer than MaxPassageLen code points (or right there, with no space in the last
// half). Blank lines give no passage. Every passage starts and ends outside white space, so its
// span is one that ValidateSpan accepts unless a grapheme cluster crosses a forced cut.
func Passages(text string) []Passage {
	var out []Passage
	cp := 0 // code point offset of text[i]
	for len(text) > 0 {
		line, rest, _ := strings.Cut(text, "\n")
		n := utf8.RuneCountInString(line)
		out = appendLine(out, line, cp)
		cp += n + 1
		text = rest
	}
	return out
}

// appendLine adds the passages of one line that starts at code point at.
func appendLine(out []Passage, line string, at int) []Passage {
	for {
		trimmed := strings.TrimLeftFunc(line, unicode.IsSpace)
		at += utf8.RuneCountInString(line[:len(line)-len(trimmed)])
		line = trimmed
		if line == "" {
			return out
		}
		cut := len(line) // in bytes
		if utf8.RuneCountInString(line) > MaxPassageLen {
			cut = cutAt(line)
		}
		piece := strings.TrimRightFunc(line[:cut], unicode.IsSpace)
		n := utf8.RuneCountInString(piece)
		out = append(out, Passage{Start: at, End: at + n, Text: piece})
		at += utf8.RuneCountInString(line[:cut])
		line = line[cut:]
	}
}

// cutAt answers the byte offset where a line longer than MaxPassageLen is cut: after the last
// space within the first MaxPassageLen code points, or right after them if that space is in
// the first half.
func cutAt(line string) int {
	limit, n := 0, 0
	for i := range line {
		if n == MaxPassageLen {
			limit = i
			break
		}
		n++
	}
	if sp := strings.LastIndexFunc(line[:limit], unicode.IsSpace); sp >= 0 && utf8.RuneCountInString(line[:sp]) >= MaxPassageLen/2 {
		return sp + 1
	}
	return limit
}
