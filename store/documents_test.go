package store

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

func TestCreateDocumentAndReadItBack(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "Kurds")
	if d.ID == 0 || d.CreatedBy != "ana" || d.CreatedAt.IsZero() {
		t.Fatalf("CreateDocument = %+v", d)
	}
	got, err := s.Document(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, d) {
		t.Errorf("Document =\n%+v\nwant\n%+v", got, d)
	}
}

func TestCreateDocumentWithoutCitationsStoresEmptyList(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d, err := s.CreateDocument(ctx, &citecheck.Document{Title: "t", Text: "x", Length: 1, CreatedByID: ana.ID})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Document(ctx, d.ID)
	if err != nil || got.Citations == nil || len(got.Citations) != 0 {
		t.Errorf("Citations = %#v, %v; want empty non-nil", got.Citations, err)
	}
}

func TestCreateDocumentByUnknownUserIsNotFound(t *testing.T) {
	s := mustOpen(t)
	_, err := s.CreateDocument(context.Background(), &citecheck.Document{Title: "t", Text: "x", CreatedByID: 7})
	wantCode(t, err, citecheck.ECodeNotFound)
}

func TestDocumentsNewestFirstWithCounts(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleEditor)
	old := mustDocument(t, s, ana, "old")
	empty := mustDocument(t, s, ana, "empty")
	newer := mustDocument(t, s, ana, "newer")
	for _, c := range []struct {
		doc    int64
		status citecheck.Status
	}{{old.ID, citecheck.StatusSupported}, {old.ID, citecheck.StatusSupported},
		{old.ID, citecheck.StatusContradicted}, {newer.ID, citecheck.StatusUnverified}} {
		mustClaim(t, s, ana, c.doc, 0, 3, []int{46}, c.status)
	}
	cl, _ := s.Claims(ctx, old.ID, citecheck.ClaimFilter{Status: citecheck.StatusContradicted})
	approve(t, s, ana, cl[0].ID)

	docs, err := s.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	if want := []int64{newer.ID, empty.ID, old.ID}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("Documents ids = %v, want %v", ids, want)
	}
	wantCounts := []citecheck.Counts{
		{Claims: 1, ByStatus: map[citecheck.Status]int{"unverified": 1}, ByReview: map[citecheck.Review]int{"pending": 1}},
		{Claims: 0, ByStatus: map[citecheck.Status]int{}, ByReview: map[citecheck.Review]int{}},
		{Claims: 3, ByStatus: map[citecheck.Status]int{"supported": 2, "contradicted": 1},
			ByReview: map[citecheck.Review]int{"pending": 2, "approved": 1}},
	}
	for i, d := range docs {
		if !reflect.DeepEqual(d.Counts, wantCounts[i]) {
			t.Errorf("%s counts = %+v, want %+v", d.Title, d.Counts, wantCounts[i])
		}
		if d.CreatedBy != "ana" || d.Length == 0 || d.CreatedAt.IsZero() {
			t.Errorf("summary %+v lacks fields", d)
		}
	}
}

func TestDocumentsOnEmptyStoreIsEmptyList(t *testing.T) {
	docs, err := mustOpen(t).Documents(context.Background())
	if err != nil || docs == nil || len(docs) != 0 {
		t.Errorf("Documents = %#v, %v", docs, err)
	}
}

func TestDeleteDocumentCascadesToClaims(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleEditor)
	d := mustDocument(t, s, ana, "doomed")
	keep := mustDocument(t, s, ana, "kept")
	c := mustClaim(t, s, ana, d.ID, 0, 3, nil, "")
	k := mustClaim(t, s, ana, keep.ID, 0, 3, nil, "")

	if err := s.DeleteDocument(ctx, d.ID, ana.ID); err != nil {
		t.Fatal(err)
	}
	_, err := s.Document(ctx, d.ID)
	wantCode(t, err, citecheck.ECodeNotFound)
	_, err = s.Claim(ctx, c.ID)
	wantCode(t, err, citecheck.ECodeNotFound)
	if _, _, err := s.PurgeTrash(ctx, 0); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.reader.QueryRow(`SELECT COUNT(*) FROM claims WHERE document_id = ?`, d.ID).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d claims left of the purged document (%v)", n, err)
	}
	if _, err := s.Claim(ctx, k.ID); err != nil {
		t.Errorf("claim of another document gone: %v", err)
	}
	wantCode(t, s.DeleteDocument(ctx, d.ID, ana.ID), citecheck.ECodeNotFound)
}

func TestUnknownDocumentIsNotFound(t *testing.T) {
	_, err := mustOpen(t).Document(context.Background(), 7)
	wantCode(t, err, citecheck.ECodeNotFound)
	if err.Error() != "not-found: document 7 not found" {
		t.Errorf("message = %q", err.Error())
	}
}

func TestReferenceListRoundTripsAndCanBeReplaced(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	text := "Body claim. [1]\n\nReferences\n[1] Reuters, https://example.org/a"
	list := citecheck.DetectReferences(text)
	if list == nil {
		t.Fatal("fixture has no list")
	}
	d, err := s.CreateDocument(ctx, &citecheck.Document{Title: "r", Text: text, TextSHA256: citecheck.TextSHA256(text),
		Length: len([]rune(text)), Citations: citecheck.NewSources(text).Citations, References: list, CreatedByID: ana.ID})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Document(ctx, d.ID)
	if err != nil || !reflect.DeepEqual(got.References, list) {
		t.Fatalf("read back %+v, want %+v (%v)", got.References, list, err)
	}
	edited := *list
	edited.Entries = append([]citecheck.Reference{}, list.Entries...)
	edited.Entries = append(edited.Entries, citecheck.Reference{Number: 2, Text: "By hand", Manual: true})
	if err := s.SetReferences(ctx, d.ID, ana.ID, &edited); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Document(ctx, d.ID)
	if len(got.References.Entries) != 2 || !got.References.Entries[1].Manual {
		t.Fatalf("after edit: %+v", got.References)
	}
	if err := s.SetReferences(ctx, d.ID, ana.ID, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.Document(ctx, d.ID); got.References != nil {
		t.Fatalf("list not removed: %+v", got.References)
	}
	if err := s.SetReferences(ctx, 999, ana.ID, nil); citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		t.Fatalf("unknown document: %v", err)
	}
	spans := []citecheck.Span{{Start: 0, End: 11}, {Start: 0, End: 11}, {Start: 2, End: 5}}
	if err := s.DismissSuggestions(ctx, d.ID, spans); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.DismissedSuggestions(ctx, d.ID); len(got) != 2 || got[0] != (citecheck.Span{Start: 0, End: 11}) {
		t.Fatalf("dismissed %v", got)
	}
	if err := s.DismissSuggestions(ctx, 999, spans); citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		t.Fatalf("dismiss on unknown document: %v", err)
	}
}

// TestDocumentStampChangesWithEveryUpdate reads a document's stamp after each kind of change,
// made through this store and by another process on the same file: each changes it, and the
// stamp is read from the covering index alone.
func TestDocumentStampChangesWithEveryUpdate(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s := mustOpenPath(t, path)
	other := mustOpenPath(t, path) // another process, such as `citecheck revise`
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "Kurds")
	first, err := s.DocumentStamp(ctx, d.ID)
	if err != nil || first != (DocumentStamp{Changes: 0, Revision: 1, TextSHA256: "abc"}) {
		t.Fatalf("stamp of a new document: %+v %v", first, err)
	}
	seen := map[DocumentStamp]string{first: "created"}
	for _, step := range []struct {
		name   string
		change func() error
	}{
		{"references set here", func() error {
			return s.SetReferences(ctx, d.ID, ana.ID, &citecheck.ReferenceList{Entries: []citecheck.Reference{{Number: 1, Text: "A"}}})
		}},
		{"references set by another process", func() error {
			return other.SetReferences(ctx, d.ID, ana.ID, &citecheck.ReferenceList{Entries: []citecheck.Reference{{Number: 1, Text: "B"}}})
		}},
		{"text changed by another process", func() error {
			_, err := other.writer.ExecContext(ctx, `UPDATE documents SET text = 'x', text_sha256 = 'def', revision = 2 WHERE id = ?`, d.ID)
			return err
		}},
	} {
		if err := step.change(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		got, err := s.DocumentStamp(ctx, d.ID)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if prev, dup := seen[got]; dup {
			t.Errorf("%s: stamp %+v is the same as after %s", step.name, got, prev)
		}
		seen[got] = step.name
	}
	var plan string
	var id, parent, unused int
	if err := s.reader.QueryRowContext(ctx, "EXPLAIN QUERY PLAN "+selectDocumentStamp, d.ID).Scan(&id, &parent, &unused, &plan); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "COVERING INDEX documents_changes") {
		t.Errorf("the stamp reads the row: %s", plan)
	}
	if err := other.DeleteDocument(ctx, d.ID, ana.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DocumentStamp(ctx, d.ID); citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		t.Fatalf("stamp of a deleted document: %v", err)
	}
}
