package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/anchor"
)

// TestMigration0005KeepsExistingData applies the migrations up to 0004 by hand, stores a
// document with a claim the old way, then opens the store: 0005 gives the document its first
// revision and the claim its anchor in it.
func TestMigration0005KeepsExistingData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite3", "file:"+path+"?"+pragmas)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(createMigrationsTable); err != nil {
		t.Fatal(err)
	}
	list, err := listMigrations(sqliteMigrations)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		if m.version >= 5 {
			break
		}
		body, _ := migrations.ReadFile(m.path)
		if _, err := db.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if _, err := db.Exec(insertMigration, m.version, "2025-01-01T00:00:00.000000000Z"); err != nil {
			t.Fatal(err)
		}
	}
	const at = "2025-01-02T00:00:00.000000000Z"
	for _, q := range []string{
		`INSERT INTO users (id, name, role, created_at) VALUES (1, 'ana', 'admin', '` + at + `')`,
		`INSERT INTO documents (id, title, text, text_sha256, length, citations, reference_list, created_by, created_at)
		 VALUES (7, 'T', 'Old text. [1]', 'sha', 13, '[{"start":10,"end":13,"refs":[1]}]', NULL, 1, '` + at + `')`,
		`INSERT INTO claims (id, document_id, start, "end", quote, created_by, created_at, updated_by, updated_at)
		 VALUES (3, 7, 0, 9, 'Old text.', 1, '` + at + `', 1, '` + at + `')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s := mustOpenPath(t, path)
	ctx := context.Background()
	d, err := s.Document(ctx, 7)
	if err != nil || d.Revision != 1 {
		t.Fatalf("document after 0005: %+v %v", d, err)
	}
	revs, err := s.Revisions(ctx, 7)
	if err != nil || len(revs) != 1 || revs[0].Number != 1 || revs[0].CreatedBy != "ana" || revs[0].Length != 13 {
		t.Fatalf("revisions after 0005: %+v %v", revs, err)
	}
	r, err := s.Revision(ctx, 7, 1)
	if err != nil || r.Text != "Old text. [1]" || len(r.Citations) != 1 {
		t.Fatalf("revision 1 after 0005: %+v %v", r, err)
	}
	c, err := s.Claim(ctx, 3)
	if err != nil || c.Revision != 1 || c.Anchor != "exact" || c.AnchorScore != 1 || c.OldQuote != "" {
		t.Fatalf("claim after 0005: %+v %v", c, err)
	}
}

// revisionFixture is a document with claims to re-anchor.
type revisionFixture struct {
	s     *Store
	u     *citecheck.User
	doc   *citecheck.Document
	ids   map[string]int64 // claim by its quote
	ctx   context.Context
	texts []string
}

func newDoc(t *testing.T, s *Store, u *citecheck.User, text string) *citecheck.Document {
	t.Helper()
	d, err := s.CreateDocument(context.Background(), &citecheck.Document{Title: "R", Text: text,
		TextSHA256: citecheck.TextSHA256(text), Length: citecheck.NewText(text).Len(),
		Citations: citecheck.ParseCitations(text), CreatedByID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func claimOn(t *testing.T, s *Store, u *citecheck.User, d *citecheck.Document, quote string) *citecheck.Claim {
	t.Helper()
	tx := citecheck.NewText(d.Text)
	b := strings.Index(d.Text, quote)
	if b < 0 {
		t.Fatalf("%q not in the text", quote)
	}
	c := &citecheck.Claim{DocumentID: d.ID, Start: citecheck.ByteToCodePoint(d.Text, b),
		Refs: []int{1}, Status: citecheck.StatusSupported, CreatedByID: u.ID, Revision: d.Revision}
	c.End = c.Start + len([]rune(quote))
	citecheck.FillQuote(tx, c)
	out, err := s.CreateClaim(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// plan works out a revision of d to newText as the handlers do.
func plan(t *testing.T, s *Store, d *citecheck.Document, newText string, by int64) *Revise {
	t.Helper()
	r, err := planRevision(s, d, newText, by)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// planRevision is plan for a caller without a test (the writer that a test kills).
func planRevision(s *Store, d *citecheck.Document, newText string, by int64) (*Revise, error) {
	all, err := s.Claims(context.Background(), d.ID, citecheck.ClaimFilter{})
	if err != nil {
		return nil, err
	}
	before, _ := citecheck.AnchoredIn(d.Revision, all)
	anchors := anchor.Reanchor(d.Text, newText, before)
	var counts citecheck.AnchorCounts
	for _, a := range anchors {
		counts.Add(a.Kind)
	}
	src := citecheck.NewSources(newText)
	nt := citecheck.NewText(newText)
	return &Revise{DocumentID: d.ID, Base: d.Revision,
		Doc: &citecheck.Document{Text: newText, TextSHA256: citecheck.TextSHA256(newText), Length: nt.Len(),
			Citations: src.Citations, References: src.List},
		Before: before, After: citecheck.ReviseClaims(nt, d.Revision+1, before, anchors), Counts: counts, By: by}, nil
}

const (
	rev1 = "Alpha beta gamma is a claim about the sea. [1] The second claim tells of mountains and rivers. [2] A short one. [3]"
	// A sentence comes first, the second claim has a word changed, the third is gone.
	rev2 = "A brand new opening sentence. Alpha beta gamma is a claim about the sea. [1] The second claim tells of mountains and lakes. [2] Closing."
)

func TestReviseDocument(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	ana := mustUser(t, s, "ana", citecheck.RoleAdmin)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	d := newDoc(t, s, ana, rev1)
	moved := claimOn(t, s, ana, d, "Alpha beta gamma is a claim about the sea.")
	fuzzy := claimOn(t, s, ana, d, "The second claim tells of mountains and rivers.")
	gone := claimOn(t, s, ana, d, "A short one.")
	if moved.Revision != 1 || moved.Anchor != "exact" {
		t.Fatalf("new claim: revision %d anchor %q", moved.Revision, moved.Anchor)
	}
	// The fuzzy one was approved: its review goes back to pending.
	approved, err := s.UpdateClaim(ctx, fuzzy.ID, fuzzy.Version, ed.ID, func(c *citecheck.Claim) error {
		c.Review = citecheck.ReviewApproved
		name := "ed"
		c.ReviewedBy = &name
		at := s.now()
		c.ReviewedAt = &at
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// A stale plan changes nothing.
	stale := plan(t, s, d, rev2, ed.ID)
	stale.Before[0].Version++
	wantCode(t, func() error { _, err := s.ReviseDocument(ctx, stale); return err }(), citecheck.ECodeConflict)
	if got, _ := s.Document(ctx, d.ID); got.Revision != 1 || got.Text != rev1 {
		t.Fatalf("a refused revision changed the document: %+v", got)
	}
	if revs, _ := s.Revisions(ctx, d.ID); len(revs) != 1 {
		t.Fatalf("a refused revision left %d revisions", len(revs))
	}

	r := plan(t, s, d, rev2, ed.ID)
	want := citecheck.AnchorCounts{Moved: 1, Fuzzy: 1, Orphaned: 1}
	if r.Counts != want {
		t.Fatalf("counts %+v, want %+v", r.Counts, want)
	}
	d2, err := s.ReviseDocument(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if d2.Revision != 2 || d2.Text != rev2 || d2.Length != len([]rune(rev2)) || len(d2.Citations) != 2 {
		t.Fatalf("document after revision: %+v", d2)
	}
	revs, err := s.Revisions(ctx, d.ID)
	if err != nil || len(revs) != 2 || revs[1].Number != 2 || revs[1].CreatedBy != "ed" || revs[1].Anchors != want {
		t.Fatalf("revisions: %+v %v", revs, err)
	}

	m, _ := s.Claim(ctx, moved.ID)
	if m.Anchor != "moved" || m.Revision != 2 || m.Quote != moved.Quote || m.Start == moved.Start || m.Version != moved.Version+1 {
		t.Errorf("moved claim: %+v", m)
	}
	if got := citecheck.NewText(rev2).Slice(m.Start, m.End); got != moved.Quote {
		t.Errorf("moved claim spans %q", got)
	}
	f, _ := s.Claim(ctx, fuzzy.ID)
	if f.Anchor != "fuzzy" || f.Revision != 2 || f.OldQuote != fuzzy.Quote || f.Quote != "The second claim tells of mountains and lakes." ||
		f.Review != citecheck.ReviewPending || f.ReviewedBy != nil || f.ReviewedAt != nil || f.Version != approved.Version+1 {
		t.Errorf("fuzzy claim: %+v", f)
	}
	if f.UpdatedBy != "ana" {
		t.Errorf("re-anchoring made %q the last editor", f.UpdatedBy)
	}
	g, _ := s.Claim(ctx, gone.ID)
	if g.Anchor != "orphaned" || g.Revision != 1 || g.Start != gone.Start || g.Quote != gone.Quote || g.OldQuote != gone.Quote {
		t.Errorf("orphan: %+v", g)
	}

	// Revision 1 keeps its claims as they were.
	snap, err := s.RevisionClaims(ctx, d.ID, 1)
	if err != nil || len(snap) != 3 {
		t.Fatalf("snapshot of revision 1: %d claims, %v", len(snap), err)
	}
	for _, c := range snap {
		if c.Revision != 1 || c.Anchor != "exact" {
			t.Errorf("snapshot claim %d: revision %d anchor %q", c.ID, c.Revision, c.Anchor)
		}
		if c.ID == fuzzy.ID && (c.Review != citecheck.ReviewApproved || c.Quote != fuzzy.Quote) {
			t.Errorf("snapshot of the fuzzy claim: %+v", c)
		}
	}
	old, err := s.Revision(ctx, d.ID, 1)
	if err != nil || old.Text != rev1 {
		t.Fatalf("revision 1: %+v %v", old, err)
	}
	if _, err := s.Revision(ctx, d.ID, 3); citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		t.Errorf("revision 3: %v", err)
	}

	// Every claim has its "reanchored" event with what changed.
	for _, id := range []int64{moved.ID, fuzzy.ID, gone.ID} {
		events, err := s.ClaimHistory(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		e := events[len(events)-1]
		if e.Action != citecheck.ActionReanchored || e.By != "ed" {
			t.Errorf("claim %d: last event %+v", id, e)
		}
		if id == fuzzy.ID && (e.Changes["review"].To != "pending" || e.Changes["quote"].From != fuzzy.Quote || e.Changes["anchor"].To != "fuzzy") {
			t.Errorf("fuzzy claim event: %+v", e.Changes)
		}
		if id == gone.ID && (e.Changes["anchor"].To != "orphaned" || e.Changes["start"] != (citecheck.FieldChange{})) {
			t.Errorf("orphan event: %+v", e.Changes)
		}
	}

	// A third revision leaves the orphan of revision 1 untouched.
	d3, err := s.ReviseDocument(ctx, plan(t, s, d2, rev2+" More.", ana.ID))
	if err != nil || d3.Revision != 3 {
		t.Fatalf("third revision: %+v %v", d3, err)
	}
	g3, _ := s.Claim(ctx, gone.ID)
	if g3.Version != g.Version || g3.Revision != 1 {
		t.Errorf("the orphan changed in the third revision: %+v", g3)
	}
	if snap, _ := s.RevisionClaims(ctx, d.ID, 2); len(snap) != 2 {
		t.Errorf("snapshot of revision 2 holds %d claims, want the 2 anchored in it", len(snap))
	}
	// A claim made against an old revision is refused.
	c := &citecheck.Claim{DocumentID: d.ID, Start: 0, End: 5, Quote: "Alpha", CreatedByID: ana.ID, Revision: 2}
	if _, err := s.CreateClaim(ctx, c); citecheck.ErrorCode(err) != citecheck.ECodeConflict {
		t.Errorf("claim on revision 2 of a document at 3: %v", err)
	}
	// Purging the deleted document takes its revisions along.
	if err := s.DeleteDocument(ctx, d.ID, ana.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.PurgeTrash(ctx, 0); err != nil {
		t.Fatal(err)
	}
	var n int
	s.reader.QueryRow(`SELECT (SELECT COUNT(*) FROM revisions WHERE document_id = ?) + (SELECT COUNT(*) FROM revision_claims WHERE document_id = ?)`, d.ID, d.ID).Scan(&n)
	if n != 0 {
		t.Errorf("%d revision rows outlive their document", n)
	}
}

func TestImportDocumentHasItsFirstRevision(t *testing.T) {
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleAdmin)
	text := "Imported. [1]"
	d, err := s.ImportDocument(context.Background(), &citecheck.Document{Title: "I", Text: text,
		TextSHA256: citecheck.TextSHA256(text), Length: 13}, []citecheck.Claim{{Start: 0, End: 9, Quote: "Imported."}}, ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	revs, err := s.Revisions(context.Background(), d.ID)
	if err != nil || len(revs) != 1 || d.Revision != 1 {
		t.Fatalf("revisions of an imported document: %+v %v", revs, err)
	}
	claims, _ := s.Claims(context.Background(), d.ID, citecheck.ClaimFilter{})
	if len(claims) != 1 || claims[0].Revision != 1 {
		t.Fatalf("imported claims: %+v", claims)
	}
}

// TestReviseDocumentRestoresOrphansOnlyAtTheirVersion writes an orphan of an earlier revision
// found again, with its event, and refuses the whole revision when that orphan changed after
// it was read.
func TestReviseDocumentRestoresOrphansOnlyAtTheirVersion(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	ana := mustUser(t, s, "ana", citecheck.RoleAdmin)
	d := newDoc(t, s, ana, rev1)
	gone := claimOn(t, s, ana, d, "A short one.")
	d2, err := s.ReviseDocument(ctx, plan(t, s, d, rev2, ana.ID))
	if err != nil {
		t.Fatal(err)
	}
	orphan, _ := s.Claim(ctx, gone.ID)
	if orphan.Anchor != string(citecheck.AnchorOrphaned) {
		t.Fatalf("not orphaned: %+v", orphan)
	}
	rev3 := rev2 + " A short one. [3]"
	nt := citecheck.NewText(rev3)
	a := anchor.Reanchor(rev1, rev3, []citecheck.Claim{*orphan})
	restored := citecheck.ReviseClaims(nt, 3, []citecheck.Claim{*orphan}, a)
	if a[0].Kind == citecheck.AnchorOrphaned {
		t.Fatalf("the restored passage was not found: %+v", a[0])
	}
	for _, tt := range []struct {
		name    string
		version int
		code    string
	}{{"stale", orphan.Version - 1, citecheck.ECodeConflict}, {"current", orphan.Version, ""}} {
		r := plan(t, s, d2, rev3, ana.ID)
		stale := *orphan
		stale.Version = tt.version
		r.RestoredBefore, r.RestoredAfter = []citecheck.Claim{stale}, restored
		_, err := s.ReviseDocument(ctx, r)
		if tt.code != "" {
			wantCode(t, err, tt.code)
			if got, _ := s.Claim(ctx, gone.ID); got.Anchor != string(citecheck.AnchorOrphaned) || got.Version != orphan.Version {
				t.Fatalf("%s: a refused revision changed the orphan: %+v", tt.name, got)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got, _ := s.Claim(ctx, gone.ID)
		if got.Revision != 3 || got.Anchor == string(citecheck.AnchorOrphaned) || nt.Slice(got.Start, got.End) != "A short one." || got.Version != orphan.Version+1 {
			t.Fatalf("%s: restored claim %+v", tt.name, got)
		}
	}
}
