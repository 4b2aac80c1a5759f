package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/handlers"
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

// TestReviseWhileTheServerRuns revises a document with the CLI against the database of a
// running server, after the server has read (and cached) the document: the server then serves
// the new revision, a change with the claim's current version succeeds, and both exports carry
// the claims.
func TestReviseWhileTheServerRuns(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	if _, _, err := runCLI(t, "a long password\n", "user", "add", "--db", db, "--name", "rita", "--role", "reviewer", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	tok, _, err := runCLI(t, "", "token", "create", "--db", db, "--user", "rita")
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e, err := handlers.New(st, handlers.Config{SessionKey: []byte(strings.Repeat("k", 32)), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	defer srv.Close()
	api := func(method, path string, body, out any) int {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, srv.URL+path, rd)
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(tok))
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if out != nil && json.Unmarshal(b, out) != nil {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
		}
		return res.StatusCode
	}

	var doc struct {
		ID       int64  `json:"id"`
		Text     string `json:"text"`
		Revision int    `json:"revision"`
	}
	if st := api("POST", "/api/v1/documents", map[string]string{"title": "T", "text": "Claim one. [1] Claim two stays. [2]"}, &doc); st != 201 {
		t.Fatalf("create document: %d", st)
	}
	var claim struct {
		ID      int64 `json:"id"`
		Start   int   `json:"start"`
		Version int   `json:"version"`
	}
	if st := api("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), map[string]any{"start": 15, "end": 31, "refs": []int{2}}, &claim); st != 201 {
		t.Fatalf("create claim: %d", st)
	}
	api("GET", fmt.Sprintf("/api/v1/documents/%d", doc.ID), nil, &doc) // the server now holds revision 1

	file := filepath.Join(t.TempDir(), "v2.txt")
	if err := os.WriteFile(file, []byte("New start. Claim two stays. [2]"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runCLI(t, "", "revise", "--db", db, "--doc", fmt.Sprint(doc.ID), "--user", "rita", file); err != nil || !strings.HasPrefix(out, "revision 2: 0 exact, 1 moved") {
		t.Fatalf("revise: %q %v", out, err)
	}

	if api("GET", fmt.Sprintf("/api/v1/documents/%d", doc.ID), nil, &doc); doc.Text != "New start. Claim two stays. [2]" {
		t.Fatalf("the server still serves %q", doc.Text)
	}
	api("GET", fmt.Sprintf("/api/v1/claims/%d", claim.ID), nil, &claim)
	if claim.Start != 11 {
		t.Fatalf("claim not moved: %+v", claim)
	}
	var patched struct {
		Note    string `json:"note"`
		Version int    `json:"version"`
	}
	if st := api("PATCH", fmt.Sprintf("/api/v1/claims/%d", claim.ID), map[string]any{"version": claim.Version, "note": "after the revision"}, &patched); st != 200 || patched.Note != "after the revision" {
		t.Fatalf("PATCH with the current version: %d %+v", st, patched)
	}
	var native struct {
		Claims []json.RawMessage `json:"claims"`
	}
	api("GET", fmt.Sprintf("/api/v1/documents/%d/export", doc.ID), nil, &native)
	var w3c struct {
		First struct {
			Items []json.RawMessage `json:"items"`
		} `json:"first"`
	}
	api("GET", fmt.Sprintf("/api/v1/documents/%d/export?format=w3c", doc.ID), nil, &w3c)
	if len(native.Claims) != 1 || len(w3c.First.Items) != 1 {
		t.Fatalf("exports carry %d (native) and %d (w3c) claims, want 1", len(native.Claims), len(w3c.First.Items))
	}
}
