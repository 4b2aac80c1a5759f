package desk

import (
	"context"
	"testing"

	"github.com/citecheck/citecheck"
)

func TestRestoreClaimAfterARevisionReanchorsItOrBringsItBackOrphaned(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	rita := mustUser(t, st, "rita", citecheck.RoleReviewer)
	rex := mustUser(t, st, "rex", citecheck.RoleReviewer)
	d := mustDocument(t, st, rita, importText) // "Claim “one” 😀. [1] Claim two stays. [2]"
	one := mustClaim(t, st, rita, d, 0, 11)
	two := mustClaim(t, st, rita, d, 19, 34)
	for _, c := range []*citecheck.Claim{one, two} {
		if err := st.DeleteClaim(ctx, c.ID, rita.ID); err != nil {
			t.Fatal(err)
		}
	}
	// The revision drops claim one's passage and moves claim two's.
	if _, err := Revise(ctx, st, AsUser(rita), d.ID, "A new start. Claim two stays. [2]", 1000); err != nil {
		t.Fatal(err)
	}
	_, err := RestoreClaim(ctx, st, rex, two.ID)
	wantCode(t, err, citecheck.ECodeForbidden)

	moved, err := RestoreClaim(ctx, st, rita, two.ID)
	if err != nil {
		t.Fatal(err)
	}
	if moved.Revision != 2 || moved.Quote != two.Quote || moved.Start != 13 || moved.Anchor == string(citecheck.AnchorOrphaned) {
		t.Errorf("claim two restored as %+v", moved)
	}
	orphan, err := RestoreClaim(ctx, st, rita, one.ID)
	if err != nil {
		t.Fatal(err)
	}
	if orphan.Anchor != string(citecheck.AnchorOrphaned) || orphan.OldQuote != one.Quote {
		t.Errorf("claim one restored as %+v", orphan)
	}
	events, _ := st.ClaimHistory(ctx, two.ID)
	last := events[len(events)-1]
	if last.Action != citecheck.ActionRestored || last.Changes["start"].To != 13 || last.Changes["revision"].To != 2 {
		t.Errorf("restore event %+v", last)
	}
}
