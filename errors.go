// Package citecheck holds the domain of the citecheck server: documents, citation markers,
// claims, users and the pure functions that parse, convert offsets and check citations.
package citecheck

import (
	"errors"
	"fmt"
)

// Error codes are stable strings that clients may rely on; handlers map them to HTTP status
// codes in one place.
const (
	ECodeInvalid      = "invalid"      // a request that is well-formed but not acceptable (422)
	ECodeMalformed    = "malformed"    // a request that cannot be read at all (400)
	ECodeNotFound     = "not-found"    // an unknown id (404)
	ECodeConflict     = "conflict"     // a stale version (409)
	ECodeForbidden    = "forbidden"    // the caller may not do this (403)
	ECodeUnauthorized = "unauthorized" // no valid session or token (401)
	ECodeTooLarge     = "too-large"    // a body or text above its limit (413)

	ECodeInvalidUTF8      = "invalid-utf8"
	ECodeControlChar      = "control-character"
	ECodeEmptyText        = "empty-text"
	ECodeTextTooLarge     = "text-too-large"
	ECodeOffsetOutOfRange = "offset-out-of-range"
	ECodeEmptySpan        = "empty-span"
	ECodeQuoteMismatch    = "quote-mismatch"
	ECodeInvalidRefs      = "invalid-refs"
	ECodeInvalidStatus    = "invalid-status"
	ECodeInvalidRole      = "invalid-role"
	ECodeOwnClaim         = "own-claim"
	// ECodeUnresolvedChecks refuses an approval of a claim with citation problems unless the
	// editor confirms it with "override": true.
	ECodeUnresolvedChecks = "unresolved-checks"
	// ECodeSplitsGrapheme refuses a span whose start or end falls inside a grapheme cluster
	// (an emoji with its modifier, a flag, a letter with its combining marks).
	ECodeSplitsGrapheme = "splits-grapheme"
)

// Error is the one error type of the domain: a stable code for programs, a message for people,
// and optionally the request field it is about.
type Error struct {
	Code    string
	Message string
	Field   string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf builds an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf builds an *Error about one request field.
func FieldErrorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err if it is or wraps an *Error, else "internal".
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return "internal"
}
