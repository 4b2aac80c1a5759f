package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citecheck/citecheck/store"
)

// TestCommandLineHoldsTheServersRules runs the commands against rules that once held on the
// server's door only: they now live in one workflow (desk) that both doors call.
func TestCommandLineHoldsTheServersRules(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	for _, args := range [][]string{
		{"user", "add", "--name", "root", "--role", "admin", "--password-stdin"},
		{"user", "add", "--name", "gone", "--role", "reviewer", "--password-stdin"},
		{"user", "disable", "--name", "gone"},
	} {
		if _, _, err := runCLI(t, "a long password\n", append(args, "--db", db)...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
		err   string
	}{
		{"a user name with a space", "a long password\n", []string{"user", "add", "--name", "rita m", "--password-stdin"}, "no spaces"},
		{"a user name past its bound", "a long password\n", []string{"user", "add", "--name", strings.Repeat("r", 65), "--password-stdin"}, "1 to 64"},
		{"a token for a disabled user", "", []string{"token", "create", "--user", "gone"}, "disabled"},
		{"a token without a name", "", []string{"token", "create", "--user", "root", "--name", " "}, "token name"},
		{"an import recorded as a disabled user", "{}", []string{"import", "--user", "gone", "-"}, "disabled"},
		{"a revision recorded as a disabled user", "text", []string{"revise", "--doc", "1", "--user", "gone", "-"}, "disabled"},
		{"an argument user add does not take", "a long password\n", []string{"user", "add", "--name", "x", "--password-stdin", "extra"}, "usage"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCLI(t, tt.stdin, append(tt.args, "--db", db)...)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("error %v, want one with %q", err, tt.err)
			}
		})
	}
	out, _, err := runCLI(t, "", "token", "create", "--db", db, "--user", "root", "--name", "backup script")
	if err != nil || strings.Count(out, "\n") != 1 {
		t.Fatalf("token create: %q %v", out, err)
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	users, _ := st.Users(ctx)
	tokens, err := st.Tokens(ctx, users[0].ID)
	if err != nil || len(tokens) != 1 || tokens[0].Name != "backup script" {
		t.Fatalf("root's tokens %+v %v", tokens, err)
	}
	if len(users) != 2 {
		t.Fatalf("refused commands added users: %+v", users)
	}
}
