package citecheck

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds of the names of accounts, in code points.
const (
	// MaxUserNameLen bounds a user name, which is typed into the sign-in form.
	MaxUserNameLen = 64
	// MaxTokenNameLen bounds the name its owner gives an API token.
	MaxTokenNameLen = 100
)

// CheckUserName refuses a user name that cannot be typed into the sign-in form reliably: empty,
// longer than MaxUserNameLen, or holding a space or a control character (ECodeInvalid about
// "name"). Every door that adds a user (the users page, the command line, the first admin of
// serve) goes through it, so that a name made at one door can sign in at the other.
func CheckUserName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > MaxUserNameLen {
		return FieldErrorf(ECodeInvalid, "name", "a user name has 1 to %d characters", MaxUserNameLen)
	}
	if strings.IndexFunc(name, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return FieldErrorf(ECodeInvalid, "name", "a user name has no spaces or control characters")
	}
	return nil
}

// CheckTokenName refuses an API token name that is empty, longer than MaxTokenNameLen or holds a
// control character (ECodeInvalid about "name"): the name is shown on the account page, where
// its owner tells tokens apart.
func CheckTokenName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > MaxTokenNameLen {
		return FieldErrorf(ECodeInvalid, "name", "a token name has 1 to %d characters", MaxTokenNameLen)
	}
	if strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return FieldErrorf(ECodeInvalid, "name", "a token name has no control characters")
	}
	return nil
}
