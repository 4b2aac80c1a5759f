package store

import (
	"context"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

// claimCount reads the triggers' count of a document's claims.
func claimCount(t *testing.T, s *Store, doc int64) int {
	t.Helper()
	var n int
	if err := s.reader.QueryRowContext(context.Background(), selectClaimCount, doc).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestClaimCountFollowsInsertsAndDeletes checks the count kept by triggers against the claims.
func TestClaimCountFollowsInsertsAndDeletes(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "Kurds")
	a := mustClaim(t, s, ana, d.ID, 0, 9, []int{46}, "")
	mustClaim(t, s, ana, d.ID, 14, 20, nil, "")
	if _, err := s.CreateClaims(ctx, d.ID, []citecheck.Claim{{Start: 0, End: 3, Quote: "The"}}, ana.ID); err != nil {
		t.Fatal(err)
	}
	if n := claimCount(t, s, d.ID); n != 3 {
		t.Fatalf("count %d after 3 claims", n)
	}
	if err := s.DeleteClaim(ctx, a.ID, ana.ID); err != nil {
		t.Fatal(err)
	}
	if n := claimCount(t, s, d.ID); n != 2 {
		t.Fatalf("count %d after a delete", n)
	}
}

// TestWritesPastTheLimitsChangeNothing brings a document to its bound of claims and then tries
// every write of claims, and writes claims past the bounds of refs, note and review comment:
// each is refused with its code and nothing is stored.
func TestWritesPastTheLimitsChangeNothing(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "Kurds")
	full := mustDocument(t, s, ana, "Full")
	c := mustClaim(t, s, ana, d.ID, 0, 9, []int{46}, "")
	mustClaim(t, s, ana, full.ID, 0, 9, nil, "")
	// Stand for MaxClaimsPerDocument claims without writing them all.
	if _, err := s.writer.ExecContext(ctx, `UPDATE claim_counts SET n = ? WHERE document_id = ?`, citecheck.MaxClaimsPerDocument, full.ID); err != nil {
		t.Fatal(err)
	}
	many := make([]int, citecheck.MaxRefsPerClaim+1)
	for i := range many {
		many[i] = i + 1
	}
	long := strings.Repeat("x", citecheck.MaxNoteLen+1)
	for _, tc := range []struct {
		name  string
		write func() error
		code  string
	}{
		{"create on a full document", func() error {
			_, err := s.CreateClaim(ctx, &citecheck.Claim{DocumentID: full.ID, Start: 0, End: 3, Quote: "The", CreatedByID: ana.ID})
			return err
		}, citecheck.ECodeTooManyClaims},
		{"annotations into a full document", func() error {
			_, err := s.CreateClaims(ctx, full.ID, []citecheck.Claim{{Start: 0, End: 3, Quote: "The"}}, ana.ID)
			return err
		}, citecheck.ECodeTooManyClaims},
		{"too many refs", func() error {
			_, err := s.CreateClaim(ctx, &citecheck.Claim{DocumentID: d.ID, Start: 0, End: 3, Refs: many, CreatedByID: ana.ID})
			return err
		}, citecheck.ECodeTooManyRefs},
		{"a long note in an import", func() error {
			_, err := s.CreateClaims(ctx, d.ID, []citecheck.Claim{{Start: 0, End: 3, Quote: "The"}, {Start: 0, End: 3, Note: long}}, ana.ID)
			return err
		}, citecheck.ECodeTooLong},
		{"an update to a long review comment", func() error {
			_, err := s.UpdateClaim(ctx, c.ID, c.Version, ana.ID, func(cl *citecheck.Claim) error {
				cl.ReviewComment = long
				return nil
			})
			return err
		}, citecheck.ECodeTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.write(); citecheck.ErrorCode(err) != tc.code {
				t.Fatalf("%v, want %s", err, tc.code)
			}
		})
	}
	if n := claimCount(t, s, d.ID); n != 1 {
		t.Fatalf("refused writes stored claims: %d", n)
	}
	if got, _ := s.Claim(ctx, c.ID); got.Version != c.Version {
		t.Fatalf("refused update changed the claim: %+v", got)
	}
}
