package formats

import (
	"errors"

	"github.com/citecheck/citecheck"
)

// clip shortens s for an error message, as the root's messages do.
func clip(s string) string {
	const n = 80
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// messageOf is the human part of an error: a citecheck.Error's message without its code.
func messageOf(err error) string {
	var e *citecheck.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}
