package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/citecheck/citecheck/store"
	"github.com/citecheck/citecheck/store/pgtest"
)

// runBinary runs the built citecheck and answers its stdout, its stderr and its exit status.
func runBinary(t *testing.T, bin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return out.String(), errb.String(), exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errb.String(), 0
}

// exportOf is a document's native export from the database db, without its time of export.
func exportOf(t *testing.T, db string, id string) map[string]any {
	t.Helper()
	out, _, err := runCLI(t, "", "export", "--db", db, "--doc", id)
	if err != nil {
		t.Fatalf("export from %s: %v", db, err)
	}
	var e map[string]any
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatal(err)
	}
	delete(e, "exported_at")
	return e
}

// wantRefusal checks that a run failed with exit status 1 and one line on stderr saying want.
func wantRefusal(t *testing.T, stderr string, code int, want string) {
	t.Helper()
	if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "citecheck: ") || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr %q; want exit 1 and one line saying %q", code, stderr, want)
	}
}

func TestCLIMigrateDBMovesAStoppedDeskAndRefusesAgain(t *testing.T) {
	if !pgtest.Postgres() {
		t.Skip("moving a desk needs PostgreSQL: run with CITECHECK_TEST_ENGINE=postgres and CITECHECK_TEST_POSTGRES")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "citecheck")
	buildBinary(t, bin)
	db := filepath.Join(dir, "desk.db")
	rita := userToken(t, db, "rita", "reviewer")
	url := pgtest.URL(t, func(url string) error {
		s, err := store.Open(url)
		if err != nil {
			return err
		}
		return s.Close()
	})

	// A desk written by a running server.
	base, kill := startServer(t, bin, db)
	client := &http.Client{}
	var doc struct{ ID int64 }
	text := "Café owners 👩🏽‍💻 said so.[1] قال المتحدث إن المفاوضات مستمرة. [2]"
	if status := sendJSON(t, client, "POST", base+"/api/v1/documents", rita, map[string]string{"title": "moving", "text": text}, &doc); status != http.StatusCreated {
		t.Fatalf("document: status %d", status)
	}
	for _, c := range []map[string]any{{"start": 0, "end": 11, "refs": []int{1}, "status": "supported"},
		{"start": 31, "end": 42, "refs": []int{2}, "note": "ملاحظة"}} {
		var claim struct{ ID int64 }
		if status := sendJSON(t, client, "POST", base+"/api/v1/documents/"+strconv.FormatInt(doc.ID, 10)+"/claims", rita, c, &claim); status != http.StatusCreated {
			t.Fatalf("claim %v: status %d", c, status)
		}
	}

	// Refused while the server runs, and after it died without folding its WAL in.
	_, stderr, code := runBinary(t, bin, "migrate-db", "--from", db, "--to", url)
	wantRefusal(t, stderr, code, "a server is probably still running on it; stop it first")
	kill()
	_, stderr, code = runBinary(t, bin, "migrate-db", "--from", db, "--to", url)
	wantRefusal(t, stderr, code, "a server is probably still running on it; stop it first")
	if _, _, err := runCLI(t, "", "user", "list", "--db", db); err != nil {
		t.Fatal(err)
	}

	stdout, stderr, code := runBinary(t, bin, "migrate-db", "--from", db, "--to", url)
	if code != 0 {
		t.Fatalf("migrate-db: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "copied claims: 2 rows\n") || !strings.Contains(stderr, "copied users: 1 rows\n") {
		t.Errorf("progress: %q", stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "table ") || strings.Contains(stdout, "MISMATCH") ||
		!strings.HasPrefix(lines[len(lines)-1], "moved "+db+" into ") {
		t.Fatalf("report:\n%s", stdout)
	}
	for _, l := range lines[1 : len(lines)-1] {
		f := strings.Fields(l)
		if len(f) < 6 || f[1] != f[2] || f[3] != f[4] || !strings.HasPrefix(f[5], "ok") || len(f[3]) != 16 {
			t.Errorf("report line %q: want equal counts and hashes, ok", l)
		}
	}
	if !strings.Contains(stdout, "\nclaims ") || !strings.Contains(stdout, "\nevent_actions ") {
		t.Errorf("report misses tables:\n%s", stdout)
	}
	if got, want := exportOf(t, url, strconv.FormatInt(doc.ID, 10)), exportOf(t, db, strconv.FormatInt(doc.ID, 10)); !reflect.DeepEqual(got, want) {
		t.Errorf("the moved desk exports\n%v\nwant\n%v", got, want)
	}

	// A second move finds the desk there and changes nothing.
	stdout, stderr, code = runBinary(t, bin, "migrate-db", "--from", db, "--to", url)
	wantRefusal(t, stderr, code, "the target is not empty: it holds 1 users; migrate-db moves a desk into an empty database only")
	if stdout != "" {
		t.Errorf("a refused move printed %q", stdout)
	}
	if got, want := exportOf(t, url, strconv.FormatInt(doc.ID, 10)), exportOf(t, db, strconv.FormatInt(doc.ID, 10)); !reflect.DeepEqual(got, want) {
		t.Errorf("a refused move changed the target")
	}
	_, stderr, code = runBinary(t, bin, "migrate-db", "--from", db)
	wantRefusal(t, stderr, code, "usage: citecheck migrate-db --from FILE --to postgres://")
}
