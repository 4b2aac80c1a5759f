package citecheck

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// DefaultMaxTextBytes is the default limit on a document's text, in bytes of UTF-8 (5 MiB).
const DefaultMaxTextBytes = 5 << 20

// NormalizeText validates raw input and puts it in the form the server stores: leading BOMs are
// dropped, CRLF and lone CR become LF, and the text is put in Unicode NFC. It refuses text that
// is not valid UTF-8, holds a C0 control other than TAB and LF, is empty or only white space, or
// is larger than maxBytes bytes, before or after normalisation (maxBytes <= 0 means
// DefaultMaxTextBytes). Errors are *Error with Field "text". A control character's offset in the
// message counts code points of the text after the BOM and line-ending normalisations.
func NormalizeText(raw string, maxBytes int) (string, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxTextBytes
	}
	if len(raw) > maxBytes {
		return "", tooLarge(len(raw), maxBytes)
	}
	if !utf8.ValidString(raw) {
		return "", invalidUTF8(raw)
	}
	// Every leading BOM goes, not just one: "\uFEFF\uFEFFx" must not normalise to "\uFEFFx",
	// which would normalise again to "x" and fail the import of its own export.
	s := strings.TrimLeft(raw, "\uFEFF")
	s = normalizeNewlines(s)
	if err := refuseControls(s); err != nil {
		return "", err
	}
	s = norm.NFC.String(s)
	if strings.TrimSpace(s) == "" {
		return "", FieldErrorf(ECodeEmptyText, "text", "the text is empty or holds only white space")
	}
	if len(s) > maxBytes {
		return "", tooLarge(len(s), maxBytes)
	}
	return s, nil
}

// TextSHA256 returns the hex SHA-256 of the UTF-8 bytes of text, as exports carry it so that an
// import can tell whether the text it gets is the one the claims were made on.
func TextSHA256(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// NormalizeQuote puts a quote or its context in the form of stored text (LF line ends, Unicode
// NFC), so that a quote read from a file compares equal to the text it was taken from.
func NormalizeQuote(s string) string { return norm.NFC.String(normalizeNewlines(s)) }

// normalizeNewlines turns CRLF and lone CR into LF without copying text that has no CR.
func normalizeNewlines(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// refuseControls reports the first C0 control other than TAB and LF, with its code point offset.
func refuseControls(s string) error {
	cp := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\t' && c != '\n' {
			return FieldErrorf(ECodeControlChar, "text",
				"the text holds the control character U+%04X at code point offset %d; only TAB and LF are allowed", c, cp)
		}
		if c&0xC0 != 0x80 { // not a UTF-8 continuation byte: a new code point starts here
			cp++
		}
	}
	return nil
}

func invalidUTF8(s string) error {
	b := 0
	for b < len(s) {
		r, w := utf8.DecodeRuneInString(s[b:])
		if r == utf8.RuneError && w == 1 {
			break
		}
		b += w
	}
	return FieldErrorf(ECodeInvalidUTF8, "text", "the text is not valid UTF-8 (first bad byte at byte offset %d)", b)
}

func tooLarge(n, limit int) error {
	return FieldErrorf(ECodeTextTooLarge, "text", "the text is %d bytes, more than the limit of %d bytes", n, limit)
}
