package citecheck

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckUserNameAndTokenName(t *testing.T) {
	tests := []struct {
		name  string
		check func(string) error
		in    string
		ok    bool
	}{
		{"a plain user name", CheckUserName, "rita", true},
		{"a user name with accents and dots", CheckUserName, "rené.o'neil", true},
		{"a user name at the bound", CheckUserName, strings.Repeat("é", MaxUserNameLen), true},
		{"an empty user name", CheckUserName, "", false},
		{"a user name past the bound", CheckUserName, strings.Repeat("a", MaxUserNameLen+1), false},
		{"a user name with a space", CheckUserName, "rita m", false},
		{"a user name with a no-break space", CheckUserName, "rita\u00a0m", false},
		{"a user name with a tab", CheckUserName, "rita\t", false},
		{"a user name with a control character", CheckUserName, "ri\x07ta", false},
		{"a token name with spaces", CheckTokenName, "laptop script", true},
		{"a token name at the bound", CheckTokenName, strings.Repeat("x", MaxTokenNameLen), true},
		{"an empty token name", CheckTokenName, "", false},
		{"a token name past the bound", CheckTokenName, strings.Repeat("x", MaxTokenNameLen+1), false},
		{"a token name with a newline", CheckTokenName, "a\nb", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check(tt.in)
			if tt.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != ECodeInvalid || e.Field != "name" {
				t.Fatalf("err = %v, want code %q about name", err, ECodeInvalid)
			}
		})
	}
}
