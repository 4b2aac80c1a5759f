package citecheck

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Reference is one entry of a document's reference list: the source that a marker's number
// points to.
type Reference struct {
	Number int    `json:"number"`
	Text   string `json:"text"`          // the entry without its leading marker, trimmed
	URL    string `json:"url,omitempty"` // the first http(s) URL in the entry
	Start  int    `json:"start"`         // code point span of the entry in the text; 0, 0 for manual entries
	End    int    `json:"end"`
	Manual bool   `json:"manual"` // added by hand, not found in the text
}

// ReferenceList is the trailing reference section of a text. Markers inside it are entries,
// not citations in the body.
type ReferenceList struct {
	Start   int         `json:"start"`   // code point offset where the section begins (its heading, or its first entry)
	Heading string      `json:"heading"` // the heading as written, without '#', '=' or ':'; "" for a bare run of entries
	Entries []Reference `json:"entries"`
}

// Entry returns the entry numbered n.
func (l *ReferenceList) Entry(n int) (Reference, bool) {
	if l == nil {
		return Reference{}, false
	}
	for _, e := range l.Entries {
		if e.Number == n {
			return e, true
		}
	}
	return Reference{}, false
}

// referenceHeadings are the headings, lower case, that open a reference section.
var referenceHeadings = map[string]bool{
	"references": true, "notes": true, "sources": true, "bibliography": true, "citations": true,
	"works cited": true, "footnotes": true, "endnotes": true, "literature": true,
	"reference list": true, "notes and references": true, "references and notes": true,
}

// maxBareEntry is the longest entry, in code points after its marker, that a bare run of entries
// may hold without a URL: a reference is a line, a body paragraph is usually longer.
const maxBareEntry = 300

// DetectReferences finds the reference section at the end of text, or returns nil. Two shapes
// count, and both must be trailing: after the section come only its entries and blank lines.
//
//   - A heading line (References, Notes, Sources, Bibliography, Citations, Works cited,
//     Footnotes, Endnotes, Literature, in any case, optionally decorated as "## References",
//     "== References ==", "**References**" or "References:") followed by entries. An entry line
//     opens with "[n]", "n." or "n)"; a non-blank line right under an entry (no blank line
//     between) continues it. Anything else after the heading means it is not the list. Further
//     heading lines may follow ("Notes" then "References"): the section starts at the first.
//   - Without a heading, a run of at least two lines at the very end, each opening with "[n]",
//     with ascending numbers, no other marker in the line, and each either holding a URL or at
//     most 300 code points long. Blank lines may separate such entries only when every entry
//     holds a URL.
//
// The bare-run rule is deliberately strict because body paragraphs open with markers too: a
// paragraph such as "[47] Two of the 34 members ... [48] That is ..." is body text (it carries
// another marker and is long), and so is a lone last paragraph that opens with a marker (one
// line is never a list). Only "[n]" opens a bare entry: "1." would take a numbered list in the
// body for sources. When a number appears twice, the first entry wins and the later is dropped.
// Offsets count code points.
func DetectReferences(text string) *ReferenceList {
	lines := splitLines(text)
	if len(lines) == 0 {
		return nil
	}
	t := NewText(text)
	if l := detectHeadedList(t, lines); l != nil {
		return l
	}
	return detectBareRun(t, lines)
}

// line is one line of a text: byte offsets of its trimmed content and that content.
type line struct {
	start, end int
	s          string
}

// splitLines cuts text at line feeds, trimming each line's white space.
func splitLines(text string) []line {
	var out []line
	for b := 0; b <= len(text); {
		e := strings.IndexByte(text[b:], '\n')
		if e < 0 {
			e = len(text)
		} else {
			e += b
		}
		raw := text[b:e]
		s := strings.TrimLeftFunc(raw, unicode.IsSpace)
		lead := len(raw) - len(s)
		s = strings.TrimRightFunc(s, unicode.IsSpace)
		out = append(out, line{start: b + lead, end: b + lead + len(s), s: s})
		b = e + 1
	}
	return out
}

// lineKind classifies a line of a candidate reference section.
type lineKind int

const (
	kindBlank lineKind = iota
	kindHeading
	kindEntry
	kindOther
)

// detectHeadedList finds the earliest heading after which every line belongs to a reference
// section, and reads the section's entries.
func detectHeadedList(t *Text, lines []line) *ReferenceList {
	kinds := make([]lineKind, len(lines))
	valid := make([]bool, len(lines))
	for i, l := range lines {
		switch {
		case l.s == "":
			kinds[i] = kindBlank
		case isHeading(l.s):
			kinds[i] = kindHeading
		default:
			if _, _, ok := entryMarker(l.s, true); ok {
				kinds[i] = kindEntry
			} else {
				kinds[i] = kindOther
			}
		}
		// A line of other text is valid only as the continuation of the entry right above it.
		valid[i] = kinds[i] != kindOther ||
			i > 0 && (kinds[i-1] == kindEntry || kinds[i-1] == kindOther && valid[i-1])
	}
	head := -1
	for i := len(lines) - 1; i >= 0 && valid[i]; i-- {
		if kinds[i] == kindHeading {
			head = i
		}
	}
	if head < 0 {
		return nil
	}
	list := &ReferenceList{Start: t.CodePointOffset(lines[head].start), Heading: headingName(lines[head].s)}
	seen := map[int]bool{}
	cur := -1 // index in list.Entries of the entry being continued, or -1
	for i := head + 1; i < len(lines); i++ {
		l := lines[i]
		switch kinds[i] {
		case kindEntry:
			n, rest, _ := entryMarker(l.s, true)
			if seen[n] {
				cur = -1
				continue
			}
			seen[n] = true
			list.Entries = append(list.Entries, Reference{Number: n, Text: rest,
				Start: t.CodePointOffset(l.start), End: t.CodePointOffset(l.end)})
			cur = len(list.Entries) - 1
		case kindOther:
			if cur >= 0 {
				e := &list.Entries[cur]
				e.Text += " " + l.s
				e.End = t.CodePointOffset(l.end)
			}
		default:
			cur = -1
		}
	}
	if len(list.Entries) == 0 {
		return nil
	}
	for i := range list.Entries {
		list.Entries[i].URL = FirstURL(list.Entries[i].Text)
	}
	return list
}

// detectBareRun reads the run of "[n]" lines at the end of the text, if it is a list.
func detectBareRun(t *Text, lines []line) *ReferenceList {
	var entries []Reference // last first
	gap, blank, allURLs := false, false, true
	for i := len(lines) - 1; i >= 0; i-- {
		l := lines[i]
		if l.s == "" {
			blank = len(entries) > 0
			continue
		}
		n, rest, ok := entryMarker(l.s, false)
		if !ok || len(ParseCitations(rest)) > 0 {
			break
		}
		url := FirstURL(rest)
		if url == "" && utf8.RuneCountInString(rest) > maxBareEntry {
			break
		}
		if len(entries) > 0 && n >= entries[len(entries)-1].Number {
			break
		}
		allURLs = allURLs && url != ""
		gap = gap || blank
		blank = false
		entries = append(entries, Reference{Number: n, Text: rest, URL: url,
			Start: t.CodePointOffset(l.start), End: t.CodePointOffset(l.end)})
	}
	if len(entries) < 2 || gap && !allURLs {
		return nil
	}
	for a, b := 0, len(entries)-1; a < b; a, b = a+1, b-1 {
		entries[a], entries[b] = entries[b], entries[a]
	}
	return &ReferenceList{Start: entries[0].Start, Entries: entries}
}

// headingName strips a heading line's decoration: leading '#' or '=', surrounding '*' or '_',
// trailing '=' and ':'.
func headingName(s string) string {
	s = strings.TrimLeft(s, "#=")
	s = strings.TrimRight(s, "=")
	s = strings.TrimSpace(s)
	s = strings.Trim(s, "*_")
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), ":"))
	return strings.Trim(s, "*_")
}

// isHeading reports whether a trimmed line is a reference section heading.
func isHeading(s string) bool {
	if len(s) > 40 {
		return false
	}
	return referenceHeadings[strings.ToLower(headingName(s))]
}

// entryMarker reads the marker that opens a trimmed entry line: "[n]" (a single number), or,
// when numbered is set, also "n." or "n)" followed by white space. It returns the number and the
// rest of the line, trimmed, which must not be empty.
func entryMarker(s string, numbered bool) (int, string, bool) {
	var n, end int
	switch {
	case strings.HasPrefix(s, "["):
		refs, e := parseMarker(s, 0, nil)
		if e < 0 || len(refs) != 1 {
			return 0, "", false
		}
		n, end = refs[0], e
	case numbered:
		v, next, ok := readNumber(s, 0)
		if !ok || next+1 >= len(s) || (s[next] != '.' && s[next] != ')') || (s[next+1] != ' ' && s[next+1] != '\t') {
			return 0, "", false
		}
		n, end = v, next+1
	default:
		return 0, "", false
	}
	rest := strings.TrimSpace(s[end:])
	if rest == "" {
		return 0, "", false
	}
	return n, rest, true
}

// FirstURL returns the first http:// or https:// URL in s, without the punctuation that
// usually follows a URL in prose (".", ",", ";", quotes, and a closing bracket that the URL
// did not open, so "(https://x.org/a_(b))." yields "https://x.org/a_(b)"), or "".
func FirstURL(s string) string {
	for i := 0; i+len("http://") <= len(s); i++ {
		if s[i] != 'h' && s[i] != 'H' {
			continue
		}
		var n int
		switch {
		case hasPrefixFold(s[i:], "https://"):
			n = len("https://")
		case hasPrefixFold(s[i:], "http://"):
			n = len("http://")
		default:
			continue
		}
		end := i + n
		for end < len(s) {
			r, w := utf8.DecodeRuneInString(s[end:])
			if unicode.IsSpace(r) || strings.ContainsRune("<>\"“”‘’«»", r) {
				break
			}
			end += w
		}
		if u := trimURL(s[i:end]); len(u) > n {
			return u
		}
		i = end - 1
	}
	return ""
}

// trimURL drops trailing punctuation and unbalanced closing brackets from a URL.
func trimURL(u string) string {
	for u != "" {
		c := u[len(u)-1]
		switch {
		case strings.IndexByte(".,;:!?'`*", c) >= 0:
			u = u[:len(u)-1]
		case c == ')' && strings.Count(u, "(") < strings.Count(u, ")"),
			c == ']' && strings.Count(u, "[") < strings.Count(u, "]"),
			c == '}' && strings.Count(u, "{") < strings.Count(u, "}"):
			u = u[:len(u)-1]
		default:
			return u
		}
	}
	return u
}

// hasPrefixFold reports whether s starts with the ASCII prefix p, ignoring case.
func hasPrefixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
}
