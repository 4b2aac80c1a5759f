package citecheck

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestHashPassword(t *testing.T) {
	tests := []struct {
		name string
		pw   string
		ok   bool
	}{
		{"eight characters", "abcdefgh", true},
		{"eight non-ASCII characters", "пароль12", true},
		{"seventy-two bytes", strings.Repeat("x", 72), true},
		{"seven characters", "abcdefg", false},
		{"empty", "", false},
		{"eight bytes but four characters", "éééé", false},
		{"longer than bcrypt reads", strings.Repeat("x", 73), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := HashPassword(tt.pw)
			if !tt.ok {
				wantError(t, err, ECodeInvalid, "password")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !CheckPassword(h, tt.pw) {
				t.Error("the password does not match its hash")
			}
			if CheckPassword(h, tt.pw+"!") || CheckPassword(h, "") {
				t.Error("a wrong password matches")
			}
		})
	}
}

func TestCheckPasswordRefusesGarbageHash(t *testing.T) {
	if CheckPassword([]byte("not a hash"), "abcdefgh") || CheckPassword(nil, "") {
		t.Error("garbage hash matched")
	}
}

func TestNewTokenIsPrefixedRandomBase64URL(t *testing.T) {
	seen := map[string]bool{}
	for range 20 {
		tok, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		rest, ok := strings.CutPrefix(tok, "cc_")
		if !ok {
			t.Fatalf("token %q lacks the cc_ prefix", tok)
		}
		b, err := base64.RawURLEncoding.DecodeString(rest)
		if err != nil || len(b) != 32 {
			t.Fatalf("token %q does not hold 32 base64url bytes: %v", tok, err)
		}
		if seen[tok] {
			t.Fatal("repeated token")
		}
		seen[tok] = true
		if h := HashToken(tok); len(h) != 64 || h != HashToken(tok) || h == HashToken(tok+"x") {
			t.Fatalf("HashToken(%q) = %q", tok, h)
		}
	}
}
