package main

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/handlers"
	"github.com/citecheck/citecheck/store"
)

// benchServer starts the real handlers on a temporary store and returns its URL and the tokens
// of a reviewer and an editor; the editor's password is "editor password".
func benchServer(t *testing.T) (string, string, string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e, err := handlers.New(st, handlers.Config{SessionKey: []byte(strings.Repeat("k", 32)),
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	token := func(name string, role citecheck.Role) string {
		hash, err := citecheck.HashPassword(name + " password")
		if err != nil {
			t.Fatal(err)
		}
		u, err := st.CreateUser(ctx, name, role, hash)
		if err != nil {
			t.Fatal(err)
		}
		tok, _ := citecheck.NewToken()
		if err := st.CreateToken(ctx, u.ID, citecheck.HashToken(tok)); err != nil {
			t.Fatal(err)
		}
		return tok
	}
	return srv.URL, token("rita", citecheck.RoleReviewer), token("editor", citecheck.RoleEditor)
}

func TestBenchRunsEveryOperationWithoutErrors(t *testing.T) {
	url, rita, editor := benchServer(t)
	out, errOut, err := runCLI(t, "", "bench", "--url", url, "--token", rita, "--editor-token", editor,
		"--user", "editor", "--password", "editor password", "--clients", "4", "--duration", "1500ms", "--doc-size", "20000")
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, errOut)
	}
	t.Logf("\n%s%s", out, errOut)
	if errOut != "" {
		t.Errorf("bench reported errors: %s", errOut)
	}
	rows := benchRows(out)
	for _, op := range append(benchOps, "all") {
		row := rows[op]
		if row == nil || row[1] == "0" || row[2] != "0" {
			t.Errorf("operation %s: row %q, want a count above 0 and no errors", op, row)
		}
	}
}

func TestBenchStopsAtTheRequestCountAndSkipsWhatItCannotDo(t *testing.T) {
	url, rita, _ := benchServer(t)
	out, errOut, err := runCLI(t, "", "bench", "--url", url, "--token", rita, "--clients", "3", "--requests", "30", "--doc-size", "5000")
	if err != nil || errOut != "" {
		t.Fatalf("bench: %v %s", err, errOut)
	}
	if rows := benchRows(out); rows["review"] != nil || rows["render"] != nil || rows["create"] == nil {
		t.Errorf("review and render ran without an editor token or a user:\n%s", out)
	}
	rows := benchRows(out)
	if rows["all"] == nil || rows["all"][1] != "30" || rows["all"][2] != "0" {
		t.Errorf("all: %q, want 30 requests without errors", rows["all"])
	}
}

// benchRows reads the table that bench prints: operation -> its fields.
func benchRows(out string) map[string][]string {
	rows := map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 8 {
			rows[f[0]] = f
		}
	}
	return rows
}

func TestBenchRefusesTargetsOffThisMachine(t *testing.T) {
	for _, u := range []string{"http://example.com", "http://10.0.0.1:8080", "ftp://127.0.0.1", "http://user:pw@127.0.0.1", "http://127.0.0.1.nip.io"} {
		if _, _, err := runCLI(t, "", "bench", "--url", u, "--token", "x", "--duration", "1s"); err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Errorf("%s: %v, want a refusal", u, err)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8080", "http://localhost:1/", "http://[::1]:8080", "http://127.1.2.3"} {
		if _, err := loopbackURL(u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
}

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
