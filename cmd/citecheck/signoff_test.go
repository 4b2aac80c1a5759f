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
	"path/filepath"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/handlers"
	"github.com/citecheck/citecheck/store"
)

// walkText has three sentences with markers; the walk claims them and revises the last away.
const (
	walkText    = "The river is long. [1] The lake is deep. [2] The hill is high. [3]"
	walkRevised = "The river is long. [1] The lake is deep. [2] Nothing else."
)

// walk is a server on a real database, its API tokens, and the database path the command line
// works on.
type walk struct {
	t      *testing.T
	db     string
	st     *store.Store
	srv    *httptest.Server
	tokens map[string]string
}

func newWalk(t *testing.T) *walk {
	t.Helper()
	w := &walk{t: t, db: filepath.Join(t.TempDir(), "c.db"), tokens: map[string]string{}}
	for _, u := range []struct{ name, role string }{{"ada", "admin"}, {"rita", "reviewer"}, {"ed", "editor"}, {"eve", "editor"}} {
		if _, _, err := runCLI(t, "a long password\n", "user", "add", "--db", w.db, "--name", u.name, "--role", u.role, "--password-stdin"); err != nil {
			t.Fatal(err)
		}
		tok, _, err := runCLI(t, "", "token", "create", "--db", w.db, "--user", u.name)
		if err != nil {
			t.Fatal(err)
		}
		w.tokens[u.name] = strings.TrimSpace(tok)
	}
	st, err := store.Open(w.db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e, err := handlers.New(st, handlers.Config{SessionKey: bytes.Repeat([]byte("k"), 64),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	w.st, w.srv = st, httptest.NewServer(e)
	t.Cleanup(w.srv.Close)
	return w
}

// call sends a JSON request as user and decodes a 2xx answer into out; it returns the status.
func (w *walk) call(method, path, user string, body, out any) int {
	w.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, w.srv.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+w.tokens[user])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			w.t.Fatalf("%s %s: %v %s", method, path, err, data)
		}
	}
	return res.StatusCode
}

// document makes a document of walkText by rita.
func (w *walk) document() int64 {
	w.t.Helper()
	var d citecheck.Document
	if s := w.call("POST", "/api/v1/documents", "rita", map[string]string{"title": "Walk", "text": walkText}, &d); s != http.StatusCreated {
		w.t.Fatalf("document: %d", s)
	}
	return d.ID
}

// claim makes a claim by user on the sentence quote of document doc.
func (w *walk) claim(doc int64, user, quote string) citecheck.Claim {
	w.t.Helper()
	i := strings.Index(walkText, quote)
	start := len([]rune(walkText[:i]))
	var c citecheck.Claim
	if s := w.call("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc), user,
		map[string]any{"start": start, "end": start + len([]rune(quote)), "refs": []int{1}, "status": "supported"}, &c); s != http.StatusCreated {
		w.t.Fatalf("claim: %d", s)
	}
	return c
}

// review asks for a decision on claim id as user and returns the status.
func (w *walk) review(id int64, user, decision, comment string) int {
	w.t.Helper()
	return w.call("POST", fmt.Sprintf("/api/v1/claims/%d/review", id), user,
		map[string]any{"decision": decision, "comment": comment, "override": true}, nil)
}

// approvedFile is a native export of a document with one claim by rita approved by ed, as a
// file that forge then edits (nil for as exported).
func (w *walk) approvedFile(forge func(c map[string]any)) []byte {
	w.t.Helper()
	doc := w.document()
	c := w.claim(doc, "rita", "The river is long.")
	if s := w.review(c.ID, "ed", "approved", ""); s != http.StatusOK {
		w.t.Fatalf("approve: %d", s)
	}
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/documents/%d/export", w.srv.URL, doc), nil)
	req.Header.Set("Authorization", "Bearer "+w.tokens["ed"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	var ex map[string]any
	json.NewDecoder(res.Body).Decode(&ex)
	if forge != nil {
		for _, c := range ex["claims"].([]any) {
			forge(c.(map[string]any))
		}
	}
	b, _ := json.Marshal(ex)
	return b
}

// importedByCLI imports file with the command line (args before the file) and returns the new
// document's only claim, or an error.
func (w *walk) importedByCLI(file []byte, args ...string) (int64, error) {
	w.t.Helper()
	out, _, err := runCLI(w.t, string(file), append(append([]string{"import", "--db", w.db}, args...), "-")...)
	if err != nil {
		return 0, err
	}
	var doc int64
	fmt.Sscan(out, &doc)
	claims, err := w.st.Claims(context.Background(), doc, citecheck.ClaimFilter{})
	if err != nil || len(claims) != 1 {
		w.t.Fatalf("imported claims %v %v", claims, err)
	}
	return claims[0].ID, nil
}

// orphanedClaim makes an approved claim on the sentence that walkRevised drops, and revises
// the document by the API (or, with cli, by the command line). It returns the claim.
func (w *walk) orphanedClaim(cli bool) int64 {
	w.t.Helper()
	doc := w.document()
	c := w.claim(doc, "rita", "The hill is high.")
	if s := w.review(c.ID, "ed", "approved", ""); s != http.StatusOK {
		w.t.Fatalf("approve: %d", s)
	}
	if cli {
		if _, _, err := runCLI(w.t, walkRevised, "revise", "--db", w.db, "--doc", fmt.Sprint(doc), "--user", "rita", "-"); err != nil {
			w.t.Fatal(err)
		}
	} else if s := w.call("POST", fmt.Sprintf("/api/v1/documents/%d/revisions", doc), "rita", map[string]string{"text": walkRevised}, nil); s != http.StatusCreated {
		w.t.Fatalf("revise: %d", s)
	}
	return c.ID
}

// TestOnlyAnEditorsReviewSignsOffAClaim walks every path that writes a claim (create, change,
// review, native and W3C import through the API, revision, re-anchoring an orphan, and the
// command line's import, restore and revise) and checks the review each leaves: only another
// editor's review, never its author's and never a file, makes a claim approved or rejected.
// Then every signed-off claim in the database is checked against the same rule.
func TestOnlyAnEditorsReviewSignsOffAClaim(t *testing.T) {
	w := newWalk(t)
	paths := []struct {
		name string
		walk func() (int64, error) // the claim the path wrote, or the refusal of the path
		want citecheck.Review
	}{
		{"create, with a review in the body", func() (int64, error) {
			doc := w.document()
			if s := w.call("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc), "rita",
				map[string]any{"start": 0, "end": 18, "refs": []int{1}, "review": "approved"}, nil); s != http.StatusBadRequest {
				t.Errorf("a review in a new claim: %d, want 400", s)
			}
			return w.claim(doc, "rita", "The river is long.").ID, nil
		}, citecheck.ReviewPending},
		{"change, with a review in the body", func() (int64, error) {
			c := w.claim(w.document(), "rita", "The river is long.")
			if s := w.call("PATCH", fmt.Sprintf("/api/v1/claims/%d", c.ID), "rita",
				map[string]any{"version": c.Version, "review": "approved"}, nil); s != http.StatusBadRequest {
				t.Errorf("a review in a change: %d, want 400", s)
			}
			return c.ID, nil
		}, citecheck.ReviewPending},
		{"a reviewer's review", func() (int64, error) {
			c := w.claim(w.document(), "rita", "The river is long.")
			if s := w.review(c.ID, "rita", "approved", ""); s != http.StatusForbidden {
				t.Errorf("a reviewer approves: %d", s)
			}
			return c.ID, nil
		}, citecheck.ReviewPending},
		{"an editor's review of his own claim", func() (int64, error) {
			c := w.claim(w.document(), "ed", "The river is long.")
			if s := w.review(c.ID, "ed", "approved", ""); s != http.StatusForbidden {
				t.Errorf("the author approves: %d", s)
			}
			return c.ID, nil
		}, citecheck.ReviewPending},
		{"an editor's review of the claim he last changed", func() (int64, error) {
			c := w.claim(w.document(), "rita", "The river is long.")
			w.call("PATCH", fmt.Sprintf("/api/v1/claims/%d", c.ID), "ed", map[string]any{"version": c.Version, "status": "unsupported"}, nil)
			if s := w.review(c.ID, "ed", "rejected", "no"); s != http.StatusForbidden {
				t.Errorf("the last changer rejects: %d", s)
			}
			return c.ID, nil
		}, citecheck.ReviewPending},
		{"another editor's approval", func() (int64, error) {
			c := w.claim(w.document(), "rita", "The river is long.")
			if s := w.review(c.ID, "ed", "approved", ""); s != http.StatusOK {
				t.Errorf("approve: %d", s)
			}
			return c.ID, nil
		}, citecheck.ReviewApproved},
		{"another editor's rejection", func() (int64, error) {
			c := w.claim(w.document(), "rita", "The river is long.")
			if s := w.review(c.ID, "ed", "rejected", "the source says otherwise"); s != http.StatusOK {
				t.Errorf("reject: %d", s)
			}
			return c.ID, nil
		}, citecheck.ReviewRejected},
		{"a change after the approval", func() (int64, error) {
			c := w.claim(w.document(), "rita", "The river is long.")
			var approved citecheck.Claim
			w.call("POST", fmt.Sprintf("/api/v1/claims/%d/review", c.ID), "ed", map[string]any{"decision": "approved", "override": true}, &approved)
			w.call("PATCH", fmt.Sprintf("/api/v1/claims/%d", c.ID), "rita", map[string]any{"version": approved.Version, "refs": []int{1, 2}}, nil)
			return c.ID, nil
		}, citecheck.ReviewPending},
		{"a native import (API) of a reviewer's self-approval", func() (int64, error) {
			file := w.approvedFile(func(c map[string]any) { c["reviewed_by"], c["created_by"] = "rita", "rita" })
			var ans struct {
				DocumentID int64 `json:"document_id"`
			}
			if s := w.call("POST", "/api/v1/import", "rita", file, &ans); s != http.StatusCreated {
				t.Fatalf("import: %d", s)
			}
			claims, _ := w.st.Claims(context.Background(), ans.DocumentID, citecheck.ClaimFilter{})
			return claims[0].ID, nil
		}, citecheck.ReviewPending},
		{"a native import (API) by an editor, then his own approval", func() (int64, error) {
			var ans struct {
				DocumentID int64 `json:"document_id"`
			}
			if s := w.call("POST", "/api/v1/import", "eve", w.approvedFile(nil), &ans); s != http.StatusCreated {
				t.Fatalf("import: %d", s)
			}
			claims, _ := w.st.Claims(context.Background(), ans.DocumentID, citecheck.ClaimFilter{})
			if s := w.review(claims[0].ID, "eve", "approved", ""); s != http.StatusForbidden {
				t.Errorf("the importer approves: %d", s)
			}
			return claims[0].ID, nil
		}, citecheck.ReviewPending},
		{"a W3C import of an approved annotation", func() (int64, error) {
			doc := w.document()
			ann := map[string]any{"type": "Annotation", "creator": map[string]any{"type": "Person", "name": "rita"},
				"body":   []any{map[string]any{"type": "TextualBody", "purpose": "moderating", "value": "approved"}},
				"target": map[string]any{"selector": map[string]any{"type": "TextQuoteSelector", "exact": "The lake is deep."}}}
			var ans struct{ Claims []int64 }
			if s := w.call("POST", fmt.Sprintf("/api/v1/documents/%d/import?format=w3c", doc), "rita", ann, &ans); s != http.StatusCreated || len(ans.Claims) != 1 {
				t.Fatalf("w3c import: %d %v", s, ans)
			}
			return ans.Claims[0], nil
		}, citecheck.ReviewPending},
		{"a revision (API) that orphans an approved claim", func() (int64, error) {
			return w.orphanedClaim(false), nil
		}, citecheck.ReviewPending},
		{"re-anchoring an orphan approved before this rule", func() (int64, error) {
			id := w.orphanedClaim(false)
			c, _ := w.st.Claim(context.Background(), id)
			c, err := w.st.UpdateClaim(context.Background(), id, c.Version, c.UpdatedByID, func(c *citecheck.Claim) error {
				ed := "ed"
				c.Review, c.ReviewedBy = citecheck.ReviewApproved, &ed // as an older server left it
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			start := len([]rune("The river is long. [1] The lake is deep. [2] "))
			if s := w.call("PATCH", fmt.Sprintf("/api/v1/claims/%d", id), "rita",
				map[string]any{"version": c.Version, "start": start, "end": start + len("Nothing else.")}, nil); s != http.StatusOK {
				t.Errorf("re-anchor: %d", s)
			}
			return id, nil
		}, citecheck.ReviewPending},
		{"a native import (CLI) of an approved file", func() (int64, error) {
			return w.importedByCLI(w.approvedFile(nil))
		}, citecheck.ReviewPending},
		{"a restore (CLI) of another editor's approval", func() (int64, error) {
			return w.importedByCLI(w.approvedFile(nil), "--restore-reviews")
		}, citecheck.ReviewApproved},
		{"a restore (CLI) of a reviewer's self-approval", func() (int64, error) {
			return w.importedByCLI(w.approvedFile(func(c map[string]any) { c["reviewed_by"] = "rita" }), "--restore-reviews")
		}, ""},
		{"a restore (CLI) of an editor's approval of his own claim", func() (int64, error) {
			return w.importedByCLI(w.approvedFile(func(c map[string]any) { c["created_by"] = "ed" }), "--restore-reviews")
		}, ""},
		{"a restore (CLI) of an approval by an unknown reviewer", func() (int64, error) {
			return w.importedByCLI(w.approvedFile(func(c map[string]any) { c["reviewed_by"] = "nobody" }), "--restore-reviews")
		}, ""},
		{"a revision (CLI) that orphans an approved claim", func() (int64, error) {
			return w.orphanedClaim(true), nil
		}, citecheck.ReviewPending},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			id, err := p.walk()
			if p.want == "" { // the path must refuse, and store nothing
				if citecheck.ErrorCode(err) != citecheck.ECodeRestoreRefused {
					t.Fatalf("want a refusal, got claim %d, %v", id, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c, err := w.st.Claim(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if c.Review != p.want {
				t.Fatalf("review %s, want %s: %+v", c.Review, p.want, c)
			}
		})
	}

	// Every claim that is signed off was signed off by an editor who neither made nor last
	// changed it.
	docs, _ := w.st.Documents(context.Background())
	signed := 0
	for _, d := range docs {
		claims, _ := w.st.Claims(context.Background(), d.ID, citecheck.ClaimFilter{})
		for _, c := range claims {
			if c.Review == citecheck.ReviewPending {
				continue
			}
			signed++
			if c.ReviewedBy == nil {
				t.Errorf("claim %d is %s by nobody", c.ID, c.Review)
				continue
			}
			u, _, err := w.st.UserByName(context.Background(), *c.ReviewedBy)
			if err != nil || !u.Role.CanReview() || u.ID == c.CreatedByID || u.ID == c.UpdatedByID {
				t.Errorf("claim %d is %s by %s, its author or not an editor (%+v)", c.ID, c.Review, *c.ReviewedBy, c)
			}
		}
	}
	if signed == 0 {
		t.Fatal("the walk signed off nothing")
	}
}
