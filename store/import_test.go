package store

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

// importable is a document and two claims as PrepareImport gives them: one approved by ed and
// made by rita, one by a user this database does not know.
func importable() (*citecheck.Document, []citecheck.Claim) {
	text := "The Kurds[46] live in four countries.[30, 31]"
	src := citecheck.NewSources(text)
	d := &citecheck.Document{Title: "Kurds", Text: text, TextSHA256: citecheck.TextSHA256(text),
		Length: len([]rune(text)), Citations: src.Citations,
		References: &citecheck.ReferenceList{Start: 45, Entries: []citecheck.Reference{{Number: 46, Text: "Atlas", Manual: true}}}}
	made := t0.Add(-48 * time.Hour)
	reviewed := t0.Add(-24 * time.Hour)
	ed := "ed"
	stranger := "stranger"
	claims := []citecheck.Claim{
		{Start: 4, End: 9, Quote: "Kurds", Prefix: "The ", Suffix: "[46] live", Refs: []int{46},
			Status: citecheck.StatusSupported, Note: "atlas p. 3", Review: citecheck.ReviewApproved,
			ReviewComment: "fine", ReviewedBy: &ed, ReviewedAt: &reviewed,
			CreatedBy: "rita", CreatedAt: made, UpdatedBy: "rita", UpdatedAt: made.Add(time.Hour)},
		{Start: 14, End: 36, Quote: "live in four countries", Refs: []int{30, 31},
			Status: citecheck.StatusUnsupported, Review: citecheck.ReviewPending, ReviewedBy: &stranger,
			CreatedBy: "stranger", UpdatedBy: "stranger"},
	}
	return d, claims
}

func TestImportDocumentKeepsClaimsAndResolvesNames(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	imp := mustUser(t, s, "imp", citecheck.RoleAdmin)
	rita := mustUser(t, s, "rita", citecheck.RoleReviewer)
	mustUser(t, s, "ed", citecheck.RoleEditor)
	d, in := importable()
	doc, err := s.ImportDocument(ctx, d, in, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Document(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != d.Text || got.CreatedBy != "imp" || !reflect.DeepEqual(got.Citations, d.Citations) ||
		!reflect.DeepEqual(got.References, d.References) {
		t.Fatalf("document %+v", got)
	}
	claims, err := s.Claims(ctx, doc.ID, citecheck.ClaimFilter{})
	if err != nil || len(claims) != 2 {
		t.Fatalf("claims %v %v", claims, err)
	}
	a, b := claims[0], claims[1]
	if a.CreatedByID != rita.ID || a.UpdatedBy != "rita" || *a.ReviewedBy != "ed" || !a.ReviewedAt.Equal(*in[0].ReviewedAt) ||
		!a.CreatedAt.Equal(in[0].CreatedAt) || !a.UpdatedAt.Equal(in[0].UpdatedAt) || a.Version != 1 ||
		a.Review != citecheck.ReviewApproved || a.ReviewComment != "fine" || a.Note != "atlas p. 3" ||
		a.Quote != "Kurds" || a.Prefix != "The " || a.Status != citecheck.StatusSupported || !reflect.DeepEqual(a.Refs, []int{46}) {
		t.Errorf("first claim %+v", a)
	}
	if b.CreatedBy != "imp" || b.UpdatedBy != "imp" || b.ReviewedBy != nil || b.CreatedAt.IsZero() ||
		!b.UpdatedAt.Equal(b.CreatedAt) || !reflect.DeepEqual(b.Refs, []int{30, 31}) {
		t.Errorf("second claim %+v", b)
	}
	for _, c := range claims {
		ev, err := s.ClaimHistory(ctx, c.ID)
		if err != nil || len(ev) != 1 || ev[0].Action != citecheck.ActionCreated || ev[0].By != "imp" ||
			ev[0].Changes["status"].To != string(c.Status) {
			t.Errorf("history of %d: %+v %v", c.ID, ev, err)
		}
	}
}

func TestImportDocumentWritesNothingOnFailure(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	imp := mustUser(t, s, "imp", citecheck.RoleAdmin)
	// The second claim's insert fails half-way through the transaction.
	if _, err := s.writer.Exec(`CREATE TRIGGER boom BEFORE INSERT ON claims WHEN NEW.note = 'boom'
BEGIN SELECT RAISE(ABORT, 'boom'); END`); err != nil {
		t.Fatal(err)
	}
	d, in := importable()
	in[1].Note = "boom"
	if _, err := s.ImportDocument(ctx, d, in, imp.ID); err == nil {
		t.Fatal("import succeeded")
	}
	docs, _ := s.Documents(ctx)
	var events int
	s.reader.QueryRow(`SELECT COUNT(*) FROM claim_events`).Scan(&events)
	var claims int
	s.reader.QueryRow(`SELECT COUNT(*) FROM claims`).Scan(&claims)
	if len(docs) != 0 || claims != 0 || events != 0 {
		t.Fatalf("left behind: %d documents, %d claims, %d events", len(docs), claims, events)
	}
	if _, err := s.ImportDocument(ctx, d, in[:1], 999); err == nil {
		t.Fatal("import by an unknown user succeeded")
	}
}

func TestCreateClaimsStoresAllAsNewPendingClaims(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "doc")
	_, in := importable()
	out, err := s.CreateClaims(ctx, d.ID, in, ana.ID)
	if err != nil || len(out) != 2 {
		t.Fatalf("%v %v", out, err)
	}
	for _, c := range out {
		if c.CreatedBy != "ana" || c.Review != citecheck.ReviewPending || c.ReviewedBy != nil || c.ReviewComment != "" ||
			c.Version != 1 || c.DocumentID != d.ID || c.CreatedAt.Before(t0) {
			t.Errorf("claim %+v", c)
		}
		if ev, err := s.ClaimHistory(ctx, c.ID); err != nil || len(ev) != 1 {
			t.Errorf("history %v %v", ev, err)
		}
	}
	if out[0].Status != citecheck.StatusSupported || out[1].Quote != "live in four countries" {
		t.Errorf("claims %+v", out)
	}
	_, err = s.CreateClaims(ctx, 999, in, ana.ID)
	wantCode(t, err, citecheck.ECodeNotFound)
}
