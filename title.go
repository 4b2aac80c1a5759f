package citecheck

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxMadeUpTitle is how many code points of the text's first line a title made up from it keeps.
const maxMadeUpTitle = 80

// DocumentTitle is the one rule for a document's title, through every door (the API, the new
// document form, an import): the title given, trimmed, or when that is empty the text's first
// line that holds anything, with its runs of white space (a TAB, say) made one space and cut at
// 80 code points; "Untitled" when neither holds anything. A title given with a control
// character, or longer than MaxTitleLen, is refused about "title"; a made-up one never is.
func DocumentTitle(title, text string) (string, error) {
	if !utf8.ValidString(title) {
		return "", FieldErrorf(ECodeInvalidUTF8, "title", "title is not valid UTF-8")
	}
	t := strings.TrimSpace(title)
	if t == "" {
		return madeUpTitle(text), nil
	}
	if err := CheckTitle(t); err != nil {
		return "", err
	}
	for _, r := range t {
		if r < 0x20 || r == 0x7f {
			return "", FieldErrorf(ECodeControlChar, "title", "title holds control character U+%04X", r)
		}
	}
	return t, nil
}

// madeUpTitle is the title DocumentTitle makes up from a text.
func madeUpTitle(text string) string {
	for line := range strings.Lines(text) {
		words := strings.FieldsFunc(line, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
		if len(words) == 0 {
			continue
		}
		t := []rune(strings.Join(words, " "))
		if len(t) > maxMadeUpTitle {
			t = append(t[:maxMadeUpTitle-1], '…')
		}
		return string(t)
	}
	return "Untitled"
}
