package citecheck

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Password limits: bcrypt reads at most 72 bytes, so a longer password is refused rather than
// silently cut.
const (
	MinPasswordLen   = 8  // code points
	MaxPasswordBytes = 72 // bytes of UTF-8, bcrypt's limit
)

// TokenPrefix starts every API token, so that a leaked token is easy to recognise.
const TokenPrefix = "cc_"

// HashPassword returns the bcrypt hash (default cost) of pw. It refuses a password shorter than
// MinPasswordLen characters or longer than MaxPasswordBytes bytes with ECodeInvalid about
// "password".
func HashPassword(pw string) ([]byte, error) {
	if utf8.RuneCountInString(pw) < MinPasswordLen {
		return nil, FieldErrorf(ECodeInvalid, "password", "the password must have at least %d characters", MinPasswordLen)
	}
	if len(pw) > MaxPasswordBytes {
		return nil, FieldErrorf(ECodeInvalid, "password", "the password must have at most %d bytes", MaxPasswordBytes)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}

// CheckPassword reports whether pw matches the bcrypt hash, in constant time. A password longer
// than MaxPasswordBytes never matches: bcrypt would compare only its first 72 bytes, and no such
// password can have been set.
func CheckPassword(hash []byte, pw string) bool {
	if len(pw) > MaxPasswordBytes {
		return false
	}
	return bcrypt.CompareHashAndPassword(hash, []byte(pw)) == nil
}

// NewToken returns a new API token: TokenPrefix and 32 random bytes in unpadded base64url. Only
// its HashToken is stored.
func NewToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("new token: %w", err)
	}
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// HashToken returns the hex SHA-256 of token, the form in which tokens are stored and looked up;
// a token has 256 random bits, so a fast hash is enough.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
