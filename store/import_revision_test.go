package store

import (
	"context"
	"testing"

	"github.com/citecheck/citecheck"
)

// TestCreateClaimsRefusesClaimsAnchoredInAnEarlierRevision: annotations anchored in the text of
// revision 1 must not land in revision 2, where their offsets mean another passage.
func TestCreateClaimsRefusesClaimsAnchoredInAnEarlierRevision(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "doc")
	if _, err := s.ReviseDocument(ctx, plan(t, s, d, "Preface. "+d.Text, ana.ID)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name     string
		revision int
		code     string
	}{
		{"anchored in the revision before", 1, citecheck.ECodeConflict},
		{"anchored in a revision to come", 3, citecheck.ECodeConflict},
		{"anchored in the current revision", 2, ""},
		{"with no revision given", 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := s.Claims(ctx, d.ID, citecheck.ClaimFilter{})
			in := []citecheck.Claim{{Start: 0, End: 7, Quote: "Preface", Revision: tt.revision}}
			_, err := s.CreateClaims(ctx, d.ID, in, ana.ID)
			after, _ := s.Claims(ctx, d.ID, citecheck.ClaimFilter{})
			if tt.code != "" {
				wantCode(t, err, tt.code)
				if len(after) != len(before) {
					t.Fatalf("a refused import stored claims: %d before, %d after", len(before), len(after))
				}
				return
			}
			if err != nil || len(after) != len(before)+1 {
				t.Fatalf("%v; %d claims before, %d after", err, len(before), len(after))
			}
		})
	}
}
