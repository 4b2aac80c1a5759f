package store

import (
	"context"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

// allow is an authorize function that allows everything, for tests of the store alone.
func allow(citecheck.Trashed) error { return nil }

// countAndChanges reads claim_counts (n, changes) of a document.
func countAndChanges(t *testing.T, s *Store, doc int64) (n, changes int) {
	t.Helper()
	if err := s.reader.QueryRow(`SELECT n, changes FROM claim_counts WHERE document_id = ?`, doc).Scan(&n, &changes); err != nil {
		t.Fatal(err)
	}
	return n, changes
}

func TestDeletedClaimIsGoneFromEveryReadUntilRestored(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	rita := mustUser(t, s, "rita", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	d := mustDocument(t, s, rita, "doc")
	c := mustClaim(t, s, rita, d.ID, 0, 9, []int{46}, citecheck.StatusSupported)
	keep := mustClaim(t, s, rita, d.ID, 14, 20, []int{30}, citecheck.StatusUnverified)
	if err := s.DeleteClaim(ctx, c.ID, rita.ID); err != nil {
		t.Fatal(err)
	}
	_, err := s.Claim(ctx, c.ID)
	wantCode(t, err, citecheck.ECodeNotFound)
	_, err = s.ClaimDocumentID(ctx, c.ID)
	wantCode(t, err, citecheck.ECodeNotFound)
	wantCode(t, s.DeleteClaim(ctx, c.ID, rita.ID), citecheck.ECodeNotFound)
	_, err = s.UpdateClaim(ctx, c.ID, c.Version, rita.ID, func(*citecheck.Claim) error { return nil })
	wantCode(t, err, citecheck.ECodeNotFound)
	claims, _ := s.Claims(ctx, d.ID, citecheck.ClaimFilter{})
	page, _ := s.ClaimsPage(ctx, d.ID, citecheck.ClaimFilter{}, 0, 10)
	_, stamped, _ := s.ClaimsWithStamp(ctx, d.ID)
	for name, list := range map[string][]citecheck.Claim{"Claims": claims, "ClaimsPage": page, "ClaimsWithStamp": stamped} {
		if len(list) != 1 || list[0].ID != keep.ID {
			t.Errorf("%s lists %+v", name, list)
		}
	}
	queue, _ := s.ReviewQueue(ctx, citecheck.QueueFilter{})
	pending, _ := s.CountPending(ctx)
	if len(queue) != 1 || pending != 1 {
		t.Errorf("queue %d, pending %d; want 1 and 1", len(queue), pending)
	}
	docs, _ := s.Documents(ctx)
	if len(docs) != 1 || docs[0].Counts.Claims != 1 || docs[0].Counts.ByStatus[citecheck.StatusSupported] != 0 {
		t.Errorf("documents %+v", docs)
	}
	trash, err := s.Trash(ctx, time.Hour)
	if err != nil || len(trash.Claims) != 1 || len(trash.Documents) != 0 {
		t.Fatalf("trash %+v, %v", trash, err)
	}
	got := trash.Claims[0]
	if got.ID != c.ID || got.DeletedBy != "rita" || got.DeletedByID != rita.ID || got.Title != "doc" ||
		got.Quote != c.Quote || !got.PurgeAt.Equal(got.DeletedAt.Add(time.Hour)) || got.DocumentTrashed {
		t.Errorf("trashed claim %+v", got)
	}

	back, err := s.UndeleteClaim(ctx, c.ID, c.Version, d.Revision, nil, ed.ID, allow)
	if err != nil {
		t.Fatal(err)
	}
	if back.Version != c.Version+1 || back.Start != c.Start || back.Status != c.Status || back.UpdatedBy != "rita" {
		t.Errorf("restored %+v", back)
	}
	if trash, _ := s.Trash(ctx, time.Hour); len(trash.Claims) != 0 {
		t.Errorf("still in the trash: %+v", trash.Claims)
	}
	events := mustHistory(t, s, c.ID)
	last2 := events[len(events)-2:]
	if last2[0].Action != citecheck.ActionDeleted || last2[0].By != "rita" ||
		last2[1].Action != citecheck.ActionRestored || last2[1].By != "ed" || last2[1].Changes["deleted_at"].From == nil {
		t.Errorf("history ends %+v", last2)
	}
	_, err = s.UndeleteClaim(ctx, c.ID, back.Version, d.Revision, nil, ed.ID, allow)
	wantCode(t, err, citecheck.ECodeNotFound)
}

func TestUndeleteClaimObeysTheRuleTheVersionAndTheRevision(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	rita := mustUser(t, s, "rita", citecheck.RoleReviewer)
	d := mustDocument(t, s, rita, "doc")
	c := mustClaim(t, s, rita, d.ID, 0, 9, nil, "")
	if err := s.DeleteClaim(ctx, c.ID, rita.ID); err != nil {
		t.Fatal(err)
	}
	refuse := func(citecheck.Trashed) error { return citecheck.Errorf(citecheck.ECodeForbidden, "no") }
	for _, tt := range []struct {
		name      string
		version   int
		rev       int
		authorize func(citecheck.Trashed) error
		code      string
	}{
		{"refused by the rule", c.Version, d.Revision, refuse, citecheck.ECodeForbidden},
		{"a stale version", c.Version + 1, d.Revision, allow, citecheck.ECodeConflict},
		{"another revision", c.Version, d.Revision + 1, allow, citecheck.ECodeConflict},
	} {
		_, err := s.UndeleteClaim(ctx, c.ID, tt.version, tt.rev, nil, rita.ID, tt.authorize)
		wantCode(t, err, tt.code)
	}
	if _, _, err := s.TrashedClaim(ctx, c.ID); err != nil {
		t.Fatalf("a refused restore took the claim out: %v", err)
	}
}

func TestDeletedDocumentTakesItsClaimsAndRestoreBringsBackOnlyThose(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	rita := mustUser(t, s, "rita", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	d := mustDocument(t, s, rita, "doc")
	other := mustDocument(t, s, rita, "other")
	src := mustCapture(t, s, rita, d.ID, 46)
	alone := mustClaim(t, s, rita, d.ID, 0, 9, []int{46}, citecheck.StatusSupported)
	with := mustClaim(t, s, rita, d.ID, 14, 20, []int{30}, "")
	ev, with := mustEvidence(t, s, rita, with, src, "met.", citecheck.StanceSupports)
	if err := s.DeleteClaim(ctx, alone.ID, rita.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDocument(ctx, d.ID, ed.ID); err != nil {
		t.Fatal(err)
	}
	_, err := s.Document(ctx, d.ID)
	wantCode(t, err, citecheck.ECodeNotFound)
	_, err = s.DocumentStamp(ctx, d.ID)
	wantCode(t, err, citecheck.ECodeNotFound)
	_, _, err = s.ClaimsWithStamp(ctx, d.ID)
	wantCode(t, err, citecheck.ECodeNotFound)
	_, err = s.Claim(ctx, with.ID)
	wantCode(t, err, citecheck.ECodeNotFound)
	_, err = s.Capture(ctx, src.ID)
	wantCode(t, err, citecheck.ECodeNotFound)
	_, err = s.Evidence(ctx, ev.ID)
	wantCode(t, err, citecheck.ECodeNotFound)
	wantCode(t, s.SetReferences(ctx, d.ID, rita.ID, nil), citecheck.ECodeNotFound)
	_, err = s.CreateClaim(ctx, &citecheck.Claim{DocumentID: d.ID, Start: 0, End: 3, Quote: "The", CreatedByID: rita.ID})
	wantCode(t, err, citecheck.ECodeNotFound)
	wantCode(t, s.DeleteDocument(ctx, d.ID, ed.ID), citecheck.ECodeNotFound)
	if docs, _ := s.Documents(ctx); len(docs) != 1 || docs[0].ID != other.ID {
		t.Errorf("documents %+v", docs)
	}
	trash, _ := s.Trash(ctx, time.Hour)
	if len(trash.Documents) != 1 || trash.Documents[0].Claims != 1 || trash.Documents[0].DeletedBy != "ed" {
		t.Fatalf("trashed documents %+v", trash.Documents)
	}
	if len(trash.Claims) != 1 || trash.Claims[0].ID != alone.ID || !trash.Claims[0].DocumentTrashed {
		t.Fatalf("trashed claims %+v", trash.Claims)
	}
	_, withT, err := s.TrashedClaim(ctx, with.ID)
	if err != nil || !withT.WithDocument {
		t.Fatalf("claim that went with its document: %+v %v", withT, err)
	}
	wantCode(t, citecheck.CheckRestore(*ed, withT), citecheck.ECodeConflict)
	_, aloneT, _ := s.TrashedClaim(ctx, alone.ID)
	wantCode(t, citecheck.CheckRestore(*ed, aloneT), citecheck.ECodeConflict)

	if err := s.UndeleteDocument(ctx, d.ID, rita.ID, allow); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Document(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	claims, _ := s.Claims(ctx, d.ID, citecheck.ClaimFilter{})
	if len(claims) != 1 || claims[0].ID != with.ID || len(claims[0].Evidence) != 1 || claims[0].Version != with.Version+1 {
		t.Fatalf("claims after the restore %+v", claims)
	}
	if _, _, err := s.TrashedClaim(ctx, alone.ID); err != nil {
		t.Errorf("the claim deleted on its own came back with the document: %v", err)
	}
	hist, err := s.DocumentHistory(ctx, d.ID)
	if err != nil || len(hist) != 2 || hist[0].Action != "deleted" || hist[0].By != "ed" || hist[1].Action != "restored" || hist[1].By != "rita" {
		t.Errorf("document history %+v %v", hist, err)
	}
	events := mustHistory(t, s, with.ID)
	last2 := events[len(events)-2:]
	if last2[0].Action != citecheck.ActionDeleted || last2[0].Changes["with_document"].To != true || last2[1].Action != citecheck.ActionRestored {
		t.Errorf("claim history ends %+v", last2)
	}
	wantCode(t, s.UndeleteDocument(ctx, d.ID, rita.ID, allow), citecheck.ECodeNotFound)
}

func TestClaimCountsFollowTheTrash(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	rita := mustUser(t, s, "rita", citecheck.RoleReviewer)
	d := mustDocument(t, s, rita, "doc")
	a := mustClaim(t, s, rita, d.ID, 0, 9, nil, "")
	mustClaim(t, s, rita, d.ID, 14, 20, nil, "")
	n, changes := countAndChanges(t, s, d.ID)
	if n != 2 {
		t.Fatalf("n = %d, want 2", n)
	}
	stamp := func() int64 {
		st, err := s.DocumentStamp(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		return st.ClaimChanges
	}
	before := stamp()
	if err := s.DeleteClaim(ctx, a.ID, rita.ID); err != nil {
		t.Fatal(err)
	}
	if n2, c2 := countAndChanges(t, s, d.ID); n2 != 1 || c2 <= changes || stamp() == before {
		t.Errorf("after the delete n = %d, changes %d -> %d", n2, changes, c2)
	}
	if _, err := s.UndeleteClaim(ctx, a.ID, a.Version, d.Revision, nil, rita.ID, allow); err != nil {
		t.Fatal(err)
	}
	if n2, _ := countAndChanges(t, s, d.ID); n2 != 2 {
		t.Errorf("after the restore n = %d, want 2", n2)
	}
	if err := s.DeleteClaim(ctx, a.ID, rita.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.PurgeTrash(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if n2, _ := countAndChanges(t, s, d.ID); n2 != 1 {
		t.Errorf("purging a trashed claim counted it off again: n = %d, want 1", n2)
	}
	// A document's stamp changes on its delete and restore, so no cached view outlives either.
	rowBefore, _ := s.DocumentStamp(ctx, d.ID)
	if err := s.DeleteDocument(ctx, d.ID, rita.ID); err != nil {
		t.Fatal(err)
	}
	if n2, _ := countAndChanges(t, s, d.ID); n2 != 0 {
		t.Errorf("a trashed document counts %d live claims", n2)
	}
	if err := s.UndeleteDocument(ctx, d.ID, rita.ID, allow); err != nil {
		t.Fatal(err)
	}
	rowAfter, _ := s.DocumentStamp(ctx, d.ID)
	if n2, _ := countAndChanges(t, s, d.ID); n2 != 1 || rowAfter.Changes == rowBefore.Changes || rowAfter.ClaimChanges == rowBefore.ClaimChanges {
		t.Errorf("after the document's restore n = %d, stamp %+v -> %+v", n2, rowBefore, rowAfter)
	}
}

func TestPurgeTrashRemovesOnlyWhatWaitedLongEnough(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	rita := mustUser(t, s, "rita", citecheck.RoleReviewer)
	d := mustDocument(t, s, rita, "doc")
	gone := mustDocument(t, s, rita, "gone")
	c := mustClaim(t, s, rita, d.ID, 0, 9, nil, "")
	g := mustClaim(t, s, rita, gone.ID, 0, 9, nil, "")
	if err := s.DeleteClaim(ctx, c.ID, rita.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDocument(ctx, gone.ID, rita.ID); err != nil {
		t.Fatal(err)
	}
	if docs, claims, err := s.PurgeTrash(ctx, time.Hour); err != nil || docs+claims != 0 {
		t.Fatalf("purged %d documents and %d claims within the hour (%v)", docs, claims, err)
	}
	later := time.Now().Add(48 * time.Hour)
	s.Now = func() time.Time { return later }
	docs, claims, err := s.PurgeTrash(ctx, time.Hour)
	if err != nil || docs != 1 || claims != 1 {
		t.Fatalf("purged %d documents and %d claims, want 1 and 1 (%v)", docs, claims, err)
	}
	var rows int
	s.reader.QueryRow(`SELECT COUNT(*) FROM claims WHERE id IN (?, ?)`, c.ID, g.ID).Scan(&rows)
	if rows != 0 {
		t.Errorf("%d purged claim rows remain", rows)
	}
	_, err = s.TrashedDocument(ctx, gone.ID)
	wantCode(t, err, citecheck.ECodeNotFound)
	if len(mustHistory(t, s, g.ID)) == 0 {
		t.Error("the history went with the purge")
	}
	if hist, _ := s.DocumentHistory(ctx, gone.ID); len(hist) != 1 {
		t.Errorf("document history after the purge: %+v", hist)
	}
}
