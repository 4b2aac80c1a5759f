package store

import (
	"context"
	"reflect"
	"testing"

	"github.com/citecheck/citecheck"
)

// sourceText holds emoji, Arabic and combining marks, so that a passage's offsets only match
// when they count code points.
const sourceText = "Family 👨‍👩‍👧 met.\n\nقال المتحدث إن المفاوضات مستمرة.\n\nZ͑͒a̐l̢go café closed."

// mustCapture stores a pasted source of ref for document doc, by u.
func mustCapture(tb testing.TB, s *Store, u *citecheck.User, doc int64, ref int) *citecheck.Capture {
	tb.Helper()
	c, err := citecheck.NewCapture(sourceText, "", "https://example.org/a", 0)
	if err != nil {
		tb.Fatal(err)
	}
	c.DocumentID, c.Ref, c.Method, c.ContentType, c.CapturedByID = doc, ref, citecheck.CapturePaste, "text/plain", u.ID
	out, err := s.CreateCapture(context.Background(), c)
	if err != nil {
		tb.Fatalf("CreateCapture: %v", err)
	}
	return out
}

// mustEvidence adds the passage of src's text quoted by passage to claim cl, by u.
func mustEvidence(tb testing.TB, s *Store, u *citecheck.User, cl *citecheck.Claim, src *citecheck.Capture, passage string, stance citecheck.Stance) (*citecheck.Evidence, *citecheck.Claim) {
	tb.Helper()
	t := citecheck.NewText(src.Text)
	start, end := codePointSpan(tb, src.Text, passage)
	e, err := citecheck.NewEvidence(cl, src, t, citecheck.EvidenceInput{Start: start, End: end, Quote: &passage, Stance: string(stance), Note: "p. 2"}, u.ID)
	if err != nil {
		tb.Fatal(err)
	}
	out, claim, err := s.AddEvidence(context.Background(), e)
	if err != nil {
		tb.Fatalf("AddEvidence: %v", err)
	}
	return out, claim
}

func codePointSpan(tb testing.TB, text, sub string) (int, int) {
	tb.Helper()
	for b := 0; b+len(sub) <= len(text); b++ {
		if text[b:b+len(sub)] == sub {
			return len([]rune(text[:b])), len([]rune(text[:b+len(sub)]))
		}
	}
	tb.Fatalf("%q not in %q", sub, text)
	return 0, 0
}

func TestEvidenceRoundTripsWithCodePointOffsets(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "doc")
	src := mustCapture(t, s, ana, d.ID, 46)
	cl := mustClaim(t, s, ana, d.ID, 0, 9, []int{46}, citecheck.StatusSupported)
	if cl.Evidence == nil || len(cl.Evidence) != 0 {
		t.Fatalf("a new claim's evidence %v, want []", cl.Evidence)
	}
	for _, passage := range []string{"👨‍👩‍👧 met.", "إن المفاوضات مستمرة", "Z͑͒a̐l̢go café"} {
		e, claim := mustEvidence(t, s, ana, cl, src, passage, citecheck.StanceSupports)
		start, end := codePointSpan(t, sourceText, passage)
		if e.Start != start || e.End != end || e.Quote != passage || e.Ref != 46 || e.SourceID != src.ID ||
			e.ClaimID != cl.ID || e.CreatedBy != "ana" || e.Stance != citecheck.StanceSupports || e.Note != "p. 2" {
			t.Errorf("evidence %+v", e)
		}
		if last := claim.Evidence[len(claim.Evidence)-1]; !reflect.DeepEqual(last, *e) {
			t.Errorf("claim's evidence %+v, want %+v", last, *e)
		}
	}
	got, err := s.Claim(ctx, cl.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Evidence) != 3 || got.Evidence[0].ID > got.Evidence[2].ID {
		t.Errorf("claim evidence, oldest first: %+v", got.Evidence)
	}
}

func TestClaimsLoadTheirOwnEvidence(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "doc")
	src := mustCapture(t, s, ana, d.ID, 46)
	a := mustClaim(t, s, ana, d.ID, 0, 9, []int{46}, citecheck.StatusSupported)
	b := mustClaim(t, s, ana, d.ID, 14, 20, []int{30}, citecheck.StatusUnverified)
	c := mustClaim(t, s, ana, d.ID, 22, 30, []int{31}, citecheck.StatusSupported)
	mustEvidence(t, s, ana, a, src, "met.", citecheck.StanceSupports)
	mustEvidence(t, s, ana, c, src, "café", citecheck.StanceContext)
	mustEvidence(t, s, ana, a, src, "closed", citecheck.StanceContradicts)
	claims, err := s.Claims(ctx, d.ID, citecheck.ClaimFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][]string{a.ID: {"met.", "closed"}, b.ID: {}, c.ID: {"café"}}
	for _, cl := range claims {
		quotes := []string{}
		for _, e := range cl.Evidence {
			quotes = append(quotes, e.Quote)
		}
		if !reflect.DeepEqual(quotes, want[cl.ID]) {
			t.Errorf("claim %d evidence %v, want %v", cl.ID, quotes, want[cl.ID])
		}
	}
	queue, err := s.ReviewQueue(ctx, citecheck.QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range queue {
		if len(it.Claim.Evidence) != len(want[it.Claim.ID]) {
			t.Errorf("queue claim %d evidence %v", it.Claim.ID, it.Claim.Evidence)
		}
	}
}

func TestEvidenceChangesReopenAReviewedClaimWithHistory(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	d := mustDocument(t, s, ana, "doc")
	src := mustCapture(t, s, ana, d.ID, 46)
	cl := mustClaim(t, s, ana, d.ID, 0, 9, []int{46}, citecheck.StatusSupported)
	approved := approve(t, s, ed, cl.ID)

	e, after := mustEvidence(t, s, ana, approved, src, "met.", citecheck.StanceSupports)
	if after.Review != citecheck.ReviewPending || after.ReviewedBy != nil || after.ReviewComment != "" ||
		after.Version != approved.Version+1 || after.UpdatedBy != "ana" {
		t.Errorf("after adding evidence: %+v", after)
	}
	approved = approve(t, s, ed, cl.ID)
	var calls int
	removed, err := s.RemoveEvidence(ctx, e.ID, ed.ID, func(got *citecheck.Evidence) error {
		calls++
		if got.ID != e.ID {
			t.Errorf("authorize saw %+v", got)
		}
		return nil
	})
	if err != nil || calls != 1 {
		t.Fatalf("RemoveEvidence: %v (authorize called %d times)", err, calls)
	}
	if removed.Review != citecheck.ReviewPending || removed.Version != approved.Version+1 || len(removed.Evidence) != 0 {
		t.Errorf("after removing evidence: %+v", removed)
	}
	if _, err := s.Evidence(ctx, e.ID); citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		t.Errorf("removed evidence still there: %v", err)
	}

	events := mustHistory(t, s, cl.ID)
	var actions []string
	for _, ev := range events {
		actions = append(actions, ev.Action)
	}
	wantActions := []string{citecheck.ActionCreated, citecheck.ActionReviewed, citecheck.ActionEvidenceAdded,
		citecheck.ActionReviewed, citecheck.ActionEvidenceRemoved}
	if !reflect.DeepEqual(actions, wantActions) {
		t.Fatalf("actions %v, want %v", actions, wantActions)
	}
	added, gone := events[2], events[4]
	if added.By != "ana" || gone.By != "ed" {
		t.Errorf("by %s and %s", added.By, gone.By)
	}
	for _, ev := range []citecheck.ClaimEvent{added, gone} {
		if ch, ok := ev.Changes["review"]; !ok || ch.From != "approved" || ch.To != "pending" {
			t.Errorf("%s: review change %+v", ev.Action, ev.Changes)
		}
	}
	to, _ := added.Changes["evidence"].To.(map[string]any)
	from, _ := gone.Changes["evidence"].From.(map[string]any)
	if added.Changes["evidence"].From != nil || to["quote"] != "met." || to["stance"] != "supports" ||
		gone.Changes["evidence"].To != nil || from["quote"] != "met." {
		t.Errorf("evidence changes %+v and %+v", added.Changes["evidence"], gone.Changes["evidence"])
	}
}

func TestEvidenceOnAPendingClaimKeepsItPending(t *testing.T) {
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "doc")
	src := mustCapture(t, s, ana, d.ID, 46)
	cl := mustClaim(t, s, ana, d.ID, 0, 9, []int{46}, citecheck.StatusSupported)
	_, after := mustEvidence(t, s, ana, cl, src, "met.", citecheck.StanceSupports)
	if after.Review != citecheck.ReviewPending || after.Version != cl.Version+1 {
		t.Errorf("claim %+v", after)
	}
	ev := mustHistory(t, s, cl.ID)[1]
	if _, ok := ev.Changes["review"]; ok || ev.Action != citecheck.ActionEvidenceAdded {
		t.Errorf("event %+v", ev)
	}
}

func TestRefusedEvidenceChangesNothing(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	d := mustDocument(t, s, ana, "doc")
	src := mustCapture(t, s, ana, d.ID, 46)
	cl := mustClaim(t, s, ana, d.ID, 0, 9, []int{46}, citecheck.StatusSupported)
	e, _ := mustEvidence(t, s, ana, cl, src, "met.", citecheck.StanceSupports)
	approved := approve(t, s, ed, cl.ID)

	// An unknown source or claim.
	for _, bad := range []citecheck.Evidence{
		{ClaimID: cl.ID, SourceID: 999, Start: 0, End: 1, Quote: "F", Stance: citecheck.StanceSupports, CreatedByID: ana.ID},
		{ClaimID: 999, SourceID: src.ID, Start: 0, End: 1, Quote: "F", Stance: citecheck.StanceSupports, CreatedByID: ana.ID},
	} {
		if _, _, err := s.AddEvidence(ctx, &bad); citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
			t.Errorf("AddEvidence(%+v): %v", bad, err)
		}
	}
	// A removal that authorize refuses, and one of unknown evidence.
	forbidden := citecheck.Errorf(citecheck.ECodeForbidden, "no")
	if _, err := s.RemoveEvidence(ctx, e.ID, ana.ID, func(*citecheck.Evidence) error { return forbidden }); err != forbidden {
		t.Errorf("RemoveEvidence refused: %v", err)
	}
	if _, err := s.RemoveEvidence(ctx, 999, ana.ID, func(*citecheck.Evidence) error { return nil }); citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		t.Errorf("RemoveEvidence unknown: %v", err)
	}
	now, err := s.Claim(ctx, cl.ID)
	if err != nil {
		t.Fatal(err)
	}
	if now.Version != approved.Version || now.Review != citecheck.ReviewApproved || len(now.Evidence) != 1 {
		t.Errorf("claim changed: %+v", now)
	}
	if n := len(mustHistory(t, s, cl.ID)); n != 3 {
		t.Errorf("%d events, want 3", n)
	}
}

func TestDeletingAClaimOrDocumentRemovesItsEvidenceAndSources(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "doc")
	src := mustCapture(t, s, ana, d.ID, 46)
	a := mustClaim(t, s, ana, d.ID, 0, 9, []int{46}, citecheck.StatusSupported)
	b := mustClaim(t, s, ana, d.ID, 14, 20, []int{46}, citecheck.StatusSupported)
	ea, _ := mustEvidence(t, s, ana, a, src, "met.", citecheck.StanceSupports)
	eb, _ := mustEvidence(t, s, ana, b, src, "café", citecheck.StanceSupports)
	if err := s.DeleteClaim(ctx, a.ID, ana.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Evidence(ctx, ea.ID); citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		t.Errorf("evidence of a deleted claim: %v", err)
	}
	if err := s.DeleteDocument(ctx, d.ID, ana.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Evidence(ctx, eb.ID); citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		t.Errorf("evidence of a deleted document: %v", err)
	}
	if _, err := s.Capture(ctx, src.ID); citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		t.Errorf("source of a deleted document: %v", err)
	}
}
