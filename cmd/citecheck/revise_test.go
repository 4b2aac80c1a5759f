package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
)

func TestReviseCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	for _, u := range []struct{ name, role string }{{"root", "admin"}, {"rita", "reviewer"}} {
		if _, _, err := runCLI(t, "a long password\n", "user", "add", "--db", db, "--name", u.name, "--role", u.role, "--password-stdin"); err != nil {
			t.Fatal(err)
		}
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	rita, _, _ := st.UserByName(ctx, "rita")
	text := "Claim “one” 😀. [1] Claim two stays. [2]"
	doc, err := st.CreateDocument(ctx, &citecheck.Document{Title: "T", Text: text, TextSHA256: citecheck.TextSHA256(text),
		Length: citecheck.NewText(text).Len(), Citations: citecheck.ParseCitations(text), CreatedByID: rita.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, span := range [][2]int{{0, 11}, {19, 34}} {
		c := &citecheck.Claim{DocumentID: doc.ID, Start: span[0], End: span[1], Refs: []int{1}, CreatedByID: rita.ID}
		citecheck.FillQuote(citecheck.NewText(text), c)
		if _, err := st.CreateClaim(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	file := filepath.Join(dir, "v2.txt")
	os.WriteFile(file, []byte("New start. Claim two stays. [2]\r\n"), 0o600)
	out, _, err := runCLI(t, "", "revise", "--db", db, "--doc", fmt.Sprint(doc.ID), file)
	if err != nil || strings.TrimSpace(out) != "revision 2: 0 exact, 1 moved, 0 fuzzy, 1 orphaned" {
		t.Fatalf("revise: %q %v", out, err)
	}
	out, _, err = runCLI(t, "New start. Claim two stays. [2] And more.", "revise", "-", "--db", db, "--doc", fmt.Sprint(doc.ID), "--user", "rita")
	if err != nil || !strings.HasPrefix(out, "revision 3: ") {
		t.Fatalf("revise from stdin: %q %v", out, err)
	}
	for name, tc := range map[string]struct {
		stdin string
		args  []string
		want  string
	}{
		"same text":    {"New start. Claim two stays. [2] And more.", []string{"-", "--doc", fmt.Sprint(doc.ID)}, "same-text"},
		"no document":  {"x", []string{"-", "--doc", "99"}, "not-found"},
		"no --doc":     {"x", []string{"-"}, "usage"},
		"no file":      {"", []string{"--doc", "1"}, "usage"},
		"unknown user": {"y", []string{"-", "--doc", fmt.Sprint(doc.ID), "--user", "nobody"}, "not"},
	} {
		_, _, err := runCLI(t, tc.stdin, append([]string{"revise", "--db", db}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
	st, _ = store.Open(db)
	defer st.Close()
	revs, err := st.Revisions(ctx, doc.ID)
	if err != nil || len(revs) != 3 || revs[1].CreatedBy != "root" || revs[2].CreatedBy != "rita" {
		t.Fatalf("revisions: %+v %v", revs, err)
	}
	d, _ := st.Document(ctx, doc.ID)
	if d.Text != "New start. Claim two stays. [2] And more." {
		t.Errorf("text %q", d.Text)
	}
}
