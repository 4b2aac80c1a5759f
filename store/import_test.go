package store

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

// importable is a document and two claims: one that its file says rita made and ed approved,
// the other by a user this database does not know. The first claim still carries the file's
// sign-off on its live fields, as a careless caller might pass it; the store must ignore it.
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
			CreatedBy: "rita", CreatedAt: made, UpdatedBy: "rita", UpdatedAt: made.Add(time.Hour),
			Imported: &citecheck.Provenance{FromFormat: citecheck.FromNative, SourceID: "7", Review: citecheck.ReviewApproved,
				ReviewComment: "fine", ReviewedBy: "ed", ReviewedAt: &reviewed, CreatedBy: "rita", CreatedAt: &made,
				UpdatedBy: "rita"}},
		{Start: 14, End: 36, Quote: "live in four countries", Refs: []int{30, 31},
			Status: citecheck.StatusUnsupported, Review: citecheck.ReviewPending,
			Imported: &citecheck.Provenance{FromFormat: citecheck.FromNative, SourceID: "8", Review: citecheck.ReviewPending,
				ReviewedBy: stranger, CreatedBy: "stranger", UpdatedBy: "stranger"}},
	}
	return d, claims
}

func TestImportDocumentStoresEveryClaimPendingByTheImporter(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	imp := mustUser(t, s, "imp", citecheck.RoleAdmin)
	mustUser(t, s, "rita", citecheck.RoleReviewer)
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
	for i, c := range claims {
		if c.CreatedByID != imp.ID || c.UpdatedBy != "imp" || c.Review != citecheck.ReviewPending || c.ReviewedBy != nil ||
			c.ReviewedAt != nil || c.ReviewComment != "" || c.CreatedAt.Before(t0) || c.Version != 1 {
			t.Errorf("claim %d keeps the file's sign-off: %+v", i, c)
		}
		want := *in[i].Imported
		want.ImportedBy, want.ImportedAt = "imp", c.CreatedAt
		if c.Imported == nil || !reflect.DeepEqual(*c.Imported, want) {
			t.Errorf("claim %d provenance %+v, want %+v", i, c.Imported, want)
		}
	}
	if a := claims[0]; a.Note != "atlas p. 3" || a.Quote != "Kurds" || a.Prefix != "The " ||
		a.Status != citecheck.StatusSupported || !reflect.DeepEqual(a.Refs, []int{46}) {
		t.Errorf("first claim %+v", a)
	}
	ev, err := s.ClaimHistory(ctx, claims[0].ID)
	if err != nil || len(ev) != 2 || ev[0].Action != citecheck.ActionCreated || ev[0].By != "imp" ||
		ev[0].Changes["review"].To != "pending" || ev[1].Action != citecheck.ActionImported || ev[1].By != "imp" ||
		ev[1].Changes["review"] != (citecheck.FieldChange{From: "approved", To: "pending"}) ||
		ev[1].Changes["reviewed_by"] != (citecheck.FieldChange{From: "ed", To: nil}) ||
		ev[1].Changes["created_by"] != (citecheck.FieldChange{From: "rita", To: "imp"}) {
		t.Errorf("history of the first claim: %+v %v", ev, err)
	}
}

// TestRestoreDocumentRestoresOnlyReviewsThisServerCouldHaveMade: a restore keeps an approval
// by another editor known here, with a "restored" event; a review it cannot vouch for refuses
// the whole import and stores nothing.
func TestRestoreDocumentRestoresOnlyReviewsThisServerCouldHaveMade(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	imp := mustUser(t, s, "imp", citecheck.RoleAdmin)
	mustUser(t, s, "rita", citecheck.RoleReviewer)
	mustUser(t, s, "ed", citecheck.RoleEditor)
	d, in := importable()
	doc, err := s.RestoreDocument(ctx, d, in, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	claims, _ := s.Claims(ctx, doc.ID, citecheck.ClaimFilter{})
	a := claims[0]
	if a.Review != citecheck.ReviewApproved || a.ReviewedBy == nil || *a.ReviewedBy != "ed" ||
		!a.ReviewedAt.Equal(*in[0].Imported.ReviewedAt) || a.ReviewComment != "fine" || a.CreatedBy != "imp" {
		t.Fatalf("restored claim %+v", a)
	}
	if b := claims[1]; b.Review != citecheck.ReviewPending || b.ReviewedBy != nil {
		t.Fatalf("pending claim %+v", b)
	}
	ev, _ := s.ClaimHistory(ctx, a.ID)
	if len(ev) != 3 || ev[2].Action != citecheck.ActionRestored || ev[2].By != "imp" ||
		ev[2].Changes["review"] != (citecheck.FieldChange{From: "pending", To: "approved"}) ||
		ev[2].Changes["reviewed_by"] != (citecheck.FieldChange{From: nil, To: "ed"}) {
		t.Fatalf("history %+v", ev)
	}

	docs, _ := s.Documents(ctx)
	for _, tc := range []struct {
		name string
		edit func(p *citecheck.Provenance)
	}{
		{"unknown reviewer", func(p *citecheck.Provenance) { p.ReviewedBy = "nobody" }},
		{"a reviewer's approval", func(p *citecheck.Provenance) { p.ReviewedBy = "rita" }},
		{"approved by its author", func(p *citecheck.Provenance) { p.CreatedBy = "ed" }},
		{"approved by the importer", func(p *citecheck.Provenance) { p.ReviewedBy = "imp" }},
		{"rejected without a comment", func(p *citecheck.Provenance) { p.Review, p.ReviewComment = citecheck.ReviewRejected, "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, in := importable()
			tc.edit(in[0].Imported)
			_, err := s.RestoreDocument(ctx, d, in, imp.ID)
			wantCode(t, err, citecheck.ECodeRestoreRefused)
			if e := err.(*citecheck.Error); e.Field != "claims[0].review" || !strings.Contains(e.Message, "claim 7 (number 1") {
				t.Fatalf("error %+v", e)
			}
			if now, _ := s.Documents(ctx); len(now) != len(docs) {
				t.Fatalf("a refused restore stored a document")
			}
		})
	}
}

func TestImportDocumentWritesNothingOnFailure(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	imp := mustUser(t, s, "imp", citecheck.RoleAdmin)
	// The second claim's insert fails half-way through the transaction.
	failingTrigger(t, s, "boom", "claims", "NEW.note = 'boom'", false)
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
			c.Version != 1 || c.DocumentID != d.ID || c.CreatedAt.Before(t0) || c.Imported == nil || c.Imported.ImportedBy != "ana" {
			t.Errorf("claim %+v", c)
		}
		if ev, err := s.ClaimHistory(ctx, c.ID); err != nil || len(ev) != 2 || ev[1].Action != citecheck.ActionImported {
			t.Errorf("history %v %v", ev, err)
		}
	}
	if out[0].Status != citecheck.StatusSupported || out[1].Quote != "live in four countries" {
		t.Errorf("claims %+v", out)
	}
	_, err = s.CreateClaims(ctx, 999, in, ana.ID)
	wantCode(t, err, citecheck.ECodeNotFound)
}

// TestImportedEvidenceGetsAnEvidenceAddedEvent: evidence that arrives with an import is recorded
// in its claim's history as evidence added by the importer at the import, after the claim's
// created and imported events, with the passage as stored and what the file said of it: the
// format, its id and its source's id there, and who added it there and when.
func TestImportedEvidenceGetsAnEvidenceAddedEvent(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	imp := mustUser(t, s, "imp", citecheck.RoleAdmin)
	d, in := importable()
	src, err := citecheck.NewCapture("The atlas: Kurds 🚀 live here.", "Atlas", "https://example.org/atlas", 0)
	if err != nil {
		t.Fatal(err)
	}
	src.ID, src.Ref, src.Method = 70, 46, citecheck.CapturePaste
	added := t0.Add(-36 * time.Hour)
	e, err := citecheck.NewEvidence(&citecheck.Claim{}, src, citecheck.NewText(src.Text),
		citecheck.EvidenceInput{Start: 11, End: 16, Stance: "supports", Note: "p. 3"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	e.ID, e.CreatedBy, e.CreatedAt = 90, "rita", added
	in[0].Evidence = []citecheck.Evidence{*e}
	doc, err := s.ImportDocumentSources(ctx, d, in, []citecheck.Capture{*src}, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	claims, err := s.Claims(ctx, doc.ID, citecheck.ClaimFilter{})
	if err != nil || len(claims) != 2 || len(claims[0].Evidence) != 1 {
		t.Fatalf("claims %+v %v", claims, err)
	}
	stored := claims[0].Evidence[0]
	if stored.Quote != "Kurds" || stored.CreatedBy != "imp" || stored.ID == 90 || stored.SourceID == 70 {
		t.Fatalf("stored evidence %+v", stored)
	}
	ev, err := s.ClaimHistory(ctx, claims[0].ID)
	if err != nil || len(ev) != 3 {
		t.Fatalf("history %+v %v", ev, err)
	}
	last := ev[2]
	if last.Action != citecheck.ActionEvidenceAdded || last.By != "imp" || !last.At.Equal(stored.CreatedAt) {
		t.Fatalf("event %+v, want evidence-added by imp at the import", last)
	}
	want := map[string]citecheck.FieldChange{
		"from_format":       {From: citecheck.FromNative, To: nil},
		"id_in_file":        {From: 90, To: int(stored.ID)}, // the history reads whole numbers back as int
		"source_id_in_file": {From: 70, To: int(stored.SourceID)},
		"created_by":        {From: "rita", To: "imp"},
		"created_at":        {From: added.UTC().Format(time.RFC3339Nano), To: stored.CreatedAt.UTC().Format(time.RFC3339Nano)},
	}
	for k, w := range want {
		if last.Changes[k] != w {
			t.Errorf("change %s = %+v, want %+v", k, last.Changes[k], w)
		}
	}
	got, _ := last.Changes["evidence"].To.(map[string]any)
	if last.Changes["evidence"].From != nil || got["quote"] != "Kurds" || got["stance"] != "supports" ||
		fmt.Sprint(got["start"]) != "11" || fmt.Sprint(got["source_id"]) != fmt.Sprint(stored.SourceID) ||
		fmt.Sprint(got["id"]) != fmt.Sprint(stored.ID) {
		t.Errorf("the passage recorded: %+v", last.Changes["evidence"])
	}
	if c := claims[1]; len(c.Evidence) != 0 {
		t.Errorf("the second claim got evidence")
	}
	if ev, _ := s.ClaimHistory(ctx, claims[1].ID); len(ev) != 2 {
		t.Errorf("a claim without evidence has %d events, want created and imported", len(ev))
	}
}
