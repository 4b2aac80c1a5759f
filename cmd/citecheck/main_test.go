package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/formats"
	"github.com/citecheck/citecheck/store"
)

func runCLI(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func TestUserAddTokenCreateAndExport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	if _, _, err := runCLI(t, "a long password\n", "user", "add", "--db", db, "--name", "rita", "--role", "reviewer", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, "a long password\n", "user", "add", "--db", db, "--name", "rita", "--role", "editor", "--password-stdin"); err == nil {
		t.Fatal("duplicate user accepted")
	}
	if _, _, err := runCLI(t, "pw\n", "user", "add", "--db", db, "--name", "bob", "--role", "chief", "--password-stdin"); err == nil {
		t.Fatal("unknown role accepted")
	}
	tok, _, err := runCLI(t, "", "token", "create", "--db", db, "--user", "rita")
	if err != nil || !strings.HasPrefix(tok, "cc_") || strings.Count(tok, "\n") != 1 {
		t.Fatalf("token %q %v", tok, err)
	}
	if _, _, err := runCLI(t, "", "token", "create", "--db", db, "--user", "nobody"); err == nil {
		t.Fatal("token for unknown user")
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.UserByTokenHash(context.Background(), citecheck.HashToken(strings.TrimSpace(tok)))
	if err != nil || u.Name != "rita" {
		t.Fatalf("token does not sign in rita: %v %v", u, err)
	}
	text := "Claim “one”. [1]"
	doc, err := st.CreateDocument(context.Background(), &citecheck.Document{Title: "T", Text: text,
		TextSHA256: citecheck.TextSHA256(text), Length: 16, Citations: citecheck.ParseCitations(text), CreatedByID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	out, _, err := runCLI(t, "", "export", "--db", db, "--doc", fmt.Sprint(doc.ID))
	if err != nil {
		t.Fatal(err)
	}
	var ex formats.Export
	if err := json.Unmarshal([]byte(out), &ex); err != nil || ex.Format != "citecheck/v1" || ex.Document.Text != text {
		t.Fatalf("export: %v %s", err, out)
	}
	out, _, err = runCLI(t, "", "export", "--db", db, "--doc", fmt.Sprint(doc.ID), "--format", "w3c")
	if err != nil || !strings.Contains(out, "AnnotationCollection") {
		t.Fatalf("w3c export: %v %s", err, out)
	}
	if _, _, err := runCLI(t, "", "export", "--db", db, "--doc", "99"); err == nil {
		t.Fatal("export of unknown document")
	}
	if _, _, err := runCLI(t, "", "frobnicate"); err == nil {
		t.Fatal("unknown command accepted")
	}
}

// TestEveryFailureIsOneLine: a command that fails says why in one line (main prints the error),
// and writes nothing else on stderr: no list of flags, no list of commands. A missing flag
// that the command needs is named as such.
func TestEveryFailureIsOneLine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "no command given"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"export", "--db", db, "--doc", "abc"}, `invalid value "abc" for flag -doc`},
		{[]string{"export", "--db", db}, "--doc is required"},
		{[]string{"token", "create", "--db", db}, "--user is required"},
		{[]string{"revise", "--db", db, "file.txt"}, "--doc is required"},
		{[]string{"user", "add", "--db", db, "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"serve", "--addr"}, "flag needs an argument: -addr"},
		{[]string{"import", "--db", db}, "usage: citecheck import"},
	} {
		_, stderr, err := runCLI(t, "", tc.args...)
		if err == nil {
			t.Errorf("%q: no error", tc.args)
			continue
		}
		if msg := oneLine(err.Error()); strings.Contains(msg, "\n") || !strings.Contains(msg, tc.want) || stderr != "" {
			t.Errorf("%q: error %q, stderr %q; want one line with %q and nothing else", tc.args, msg, stderr, tc.want)
		}
	}
	// Asked for, a command's flags are listed, and that is no failure.
	_, stderr, err := runCLI(t, "", "export", "-h")
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr, "-format") {
		t.Errorf("export -h: %v %q", err, stderr)
	}
}

// TestAcknowledgedClaimsSurviveKill9 starts the real binary, creates claims over HTTP, kills the
// process with SIGKILL right after the last 201, and finds every acknowledged claim on disk.
func TestAcknowledgedClaimsSurviveKill9(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "citecheck")
	buildBinary(t, bin)
	db := filepath.Join(dir, "c.db")
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "CITECHECK_ADMIN_PASSWORD=admin password")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	base := ""
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if i := strings.Index(sc.Text(), "url=http://"); i >= 0 {
			base = strings.Fields(sc.Text()[i+4:])[0]
			break
		}
	}
	if base == "" {
		t.Fatal("server did not say where it listens")
	}
	go io.Copy(io.Discard, stderr)
	tok, _, err := runCLI(t, "", "token", "create", "--db", db, "--user", "admin")
	if err != nil {
		t.Fatal(err)
	}
	call := func(method, path string, body any) (int, map[string]any) {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(tok))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v map[string]any
		json.NewDecoder(res.Body).Decode(&v)
		return res.StatusCode, v
	}
	status, doc := call("POST", "/api/v1/documents", map[string]string{"title": "k", "text": "One claim. [1] Two [2]"})
	if status != 201 {
		t.Fatalf("document: %d %v", status, doc)
	}
	acked := 0
	for i := 0; i < 20; i++ {
		status, _ := call("POST", fmt.Sprintf("/api/v1/documents/%v/claims", doc["id"]), map[string]any{"start": 0, "end": 10, "refs": []int{1}})
		if status != 201 {
			t.Fatalf("claim %d: %d", i, status)
		}
		acked++
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	claims, err := st.Claims(context.Background(), int64(doc["id"].(float64)), citecheck.ClaimFilter{})
	if err != nil || len(claims) != acked {
		t.Fatalf("after kill -9: %d claims of %d acknowledged (%v)", len(claims), acked, err)
	}
}

func TestUserSubcommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	mustRun := func(stdin string, args ...string) string {
		t.Helper()
		out, _, err := runCLI(t, stdin, args...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return out
	}
	mustRun("root password\n", "user", "add", "--db", db, "--name", "root", "--role", "admin", "--password-stdin")
	mustRun("rita password\n", "user", "add", "--db", db, "--name", "rita", "--role", "reviewer", "--password-stdin")

	tests := []struct {
		name    string
		stdin   string
		args    []string
		wantErr string // empty for success
		wantOut string
	}{
		{"list", "", []string{"list"}, "", "root\tadmin\tenabled\nrita\treviewer\tenabled\n"},
		{"set-role", "", []string{"set-role", "--name", "rita", "--role", "editor"}, "", "user rita is now editor\n"},
		{"set-role refuses an unknown role", "", []string{"set-role", "--name", "rita", "--role", "chief"}, "unknown role", ""},
		{"set-role refuses to demote the last admin", "", []string{"set-role", "--name", "root", "--role", "editor"}, "last enabled admin", ""},
		{"set-role of an unknown user", "", []string{"set-role", "--name", "nobody", "--role", "editor"}, "not found", ""},
		{"disable", "", []string{"disable", "--name", "rita"}, "", "user rita is disabled; their sessions and tokens no longer work\n"},
		{"list shows disabled", "", []string{"list"}, "", "root\tadmin\tenabled\nrita\teditor\tdisabled\n"},
		{"disable refuses the last admin", "", []string{"disable", "--name", "root"}, "last enabled admin", ""},
		{"disable --enable", "", []string{"disable", "--name", "rita", "--enable"}, "", "user rita is enabled\n"},
		{"enable", "", []string{"enable", "--name", "rita"}, "", "user rita is enabled\n"},
		{"enable an unknown user", "", []string{"enable", "--name", "nobody"}, "not found", ""},
		{"passwd", "a brand new password\n", []string{"passwd", "--name", "rita", "--password-stdin"}, "",
			"password of rita changed; their sessions signed in before no longer work\n"},
		{"passwd refuses a short password", "short\n", []string{"passwd", "--name", "rita", "--password-stdin"}, "at least", ""},
		{"passwd needs --password-stdin", "", []string{"passwd", "--name", "rita"}, "--password-stdin is required", ""},
		{"passwd of an unknown user", "a brand new password\n", []string{"passwd", "--name", "nobody", "--password-stdin"}, "not found", ""},
		{"unknown user command", "", []string{"frob"}, "unknown user command", ""},
	}
	for _, tt := range tests {
		args := append([]string{"user", tt.args[0], "--db", db}, tt.args[1:]...)
		out, _, err := runCLI(t, tt.stdin, args...)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: error %v, want one with %q", tt.name, err, tt.wantErr)
		case out != tt.wantOut:
			t.Errorf("%s: output %q, want %q", tt.name, out, tt.wantOut)
		}
	}

	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	u, hash, err := st.UserByName(ctx, "rita")
	if err != nil || !citecheck.CheckPassword(hash, "a brand new password") || u.Disabled || u.Role != citecheck.RoleEditor {
		t.Errorf("rita after the commands = %+v, %v", u, err)
	}
	// passwd and disable end rita's sessions at once, whichever process holds them.
	for _, args := range [][]string{
		{"user", "passwd", "--db", db, "--name", "rita", "--password-stdin"},
		{"user", "disable", "--db", db, "--name", "rita"},
	} {
		if _, err := st.CreateSession(ctx, store.NewSession{TokenHash: "rita-" + args[1], UserID: u.ID, MaxAge: time.Hour}); err != nil {
			t.Fatal(err)
		}
		mustRun("another new password\n", args...)
		if _, err := st.SessionByHash(ctx, "rita-"+args[1], time.Hour); citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
			t.Errorf("user %s left rita's session alive: %v", args[1], err)
		}
	}
}

func TestImportCommandReadsAFileOrStdin(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	if _, _, err := runCLI(t, "a long password\n", "user", "add", "--db", db, "--name", "root", "--role", "admin", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, "a long password\n", "user", "add", "--db", db, "--name", "rita", "--role", "reviewer", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	rita, _, _ := st.UserByName(ctx, "rita")
	text := "Claim “one” 😀. [1]"
	doc, err := st.CreateDocument(ctx, &citecheck.Document{Title: "T", Text: text, TextSHA256: citecheck.TextSHA256(text),
		Length: citecheck.NewText(text).Len(), Citations: citecheck.ParseCitations(text), CreatedByID: rita.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateClaim(ctx, &citecheck.Claim{DocumentID: doc.ID, Start: 0, End: 11, Quote: "Claim “one”",
		Refs: []int{1}, Status: citecheck.StatusSupported, CreatedByID: rita.ID}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	exported, _, err := runCLI(t, "", "export", "--db", db, "--doc", fmt.Sprint(doc.ID))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "export.json")
	os.WriteFile(file, []byte(exported), 0o600)

	out, _, err := runCLI(t, "", "import", "--db", db, file)
	if err != nil || strings.TrimSpace(out) != "2" {
		t.Fatalf("import file: %q %v", out, err)
	}
	out, _, err = runCLI(t, exported, "import", "-", "--db", db, "--user", "rita")
	if err != nil || strings.TrimSpace(out) != "3" {
		t.Fatalf("import stdin: %q %v", out, err)
	}
	st, err = store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	for id, by := range map[int64]string{2: "root", 3: "rita"} {
		d, err := st.Document(ctx, id)
		claims, _ := st.Claims(ctx, id, citecheck.ClaimFilter{})
		if err != nil || d.Text != text || d.CreatedBy != by || len(claims) != 1 || claims[0].CreatedBy != by ||
			claims[0].Imported == nil || claims[0].Imported.CreatedBy != "rita" {
			t.Errorf("document %d: %+v %v %+v", id, d, err, claims)
		}
	}
	st.Close()

	bad := strings.Replace(exported, "Claim “one”\"", "Claim two\"", 1)
	var ex map[string]any
	if err := json.Unmarshal([]byte(exported), &ex); err != nil {
		t.Fatal(err)
	}
	refs := make([]int, citecheck.MaxRefsPerClaim+1)
	for i := range refs {
		refs[i] = i + 1
	}
	ex["claims"].([]any)[0].(map[string]any)["refs"] = refs
	tooManyRefs, _ := json.Marshal(ex)
	for name, tc := range map[string]struct {
		stdin string
		args  []string
		err   string
	}{
		"quote mismatch": {bad, []string{"-"}, "quote-mismatch"},
		"malformed":      {"{", []string{"-"}, "malformed"},
		"too many refs":  {string(tooManyRefs), []string{"-"}, "too-many-refs"},
		"duplicate key":  {strings.Replace(exported, `"format":`, `"format": "x", "format":`, 1), []string{"-"}, "given twice"},
		"missing file":   {"", []string{filepath.Join(dir, "nope.json")}, "no such file"},
		"no file":        {"", nil, "usage"},
		"two files":      {"", []string{file, file}, "usage"},
		"unknown user":   {exported, []string{"--user", "nobody", "-"}, "not found"},
	} {
		_, _, err := runCLI(t, tc.stdin, append([]string{"import", "--db", db}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: %v, want an error with %q", name, err, tc.err)
		}
	}
}

// buildBinary builds the citecheck command into bin with the build tags of this test binary
// (sqlite_fts5 among them: the server refuses to start without FTS5).
func buildBinary(t *testing.T, bin string) {
	t.Helper()
	args := []string{"build", "-o", bin}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "-tags" {
				args = append(args, "-tags", s.Value)
			}
		}
	}
	if out, err := exec.Command("go", append(args, ".")...).CombinedOutput(); err != nil {
		t.Fatalf("build: %v %s", err, out)
	}
}
