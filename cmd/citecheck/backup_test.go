package main

import (
	"path/filepath"
	"testing"
)

func TestBackupCommandCopiesTheDatabase(t *testing.T) {
	dir := t.TempDir()
	db, out := filepath.Join(dir, "c.db"), filepath.Join(dir, "copy.db")
	if _, _, err := runCLI(t, "a long password\n", "user", "add", "--db", db, "--name", "rita", "--role", "reviewer", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, "", "backup", "--db", db, "--out", out); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, "", "backup", "--db", db, "--out", out); err == nil {
		t.Error("backup overwrote its output")
	}
	if _, _, err := runCLI(t, "", "backup", "--db", db); err == nil {
		t.Error("backup without --out")
	}
	if got, _, err := runCLI(t, "", "user", "list", "--db", out); err != nil || got != "rita\treviewer\tenabled\n" {
		t.Errorf("users of the copy: %q %v", got, err)
	}
}
