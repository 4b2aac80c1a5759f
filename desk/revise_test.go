package desk

import (
	"context"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

func TestReviseReanchorsTheClaims(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	rita := mustUser(t, st, "rita", citecheck.RoleReviewer)
	d := mustDocument(t, st, rita, importText)
	mustClaim(t, st, rita, d, 0, 11)
	mustClaim(t, st, rita, d, 19, 34)
	gone := *rita
	gone.Disabled = true
	const next = "New start. Claim two stays. [2]"
	for _, tt := range []struct {
		name, text string
		by         Actor
		id         int64
		max        int
		code       string
	}{
		{"a disabled user", next, AsUser(&gone), d.ID, 1000, citecheck.ECodeForbidden},
		{"no user to record", next, Operator, d.ID, 1000, citecheck.ECodeInvalid},
		{"an unknown document", next, AsUser(rita), 99, 1000, citecheck.ECodeNotFound},
		{"a text past the limit", next, AsUser(rita), d.ID, 10, citecheck.ECodeTextTooLarge},
		{"an empty text", " \n", AsUser(rita), d.ID, 1000, citecheck.ECodeEmptyText},
		{"the same text", importText, AsUser(rita), d.ID, 1000, citecheck.ECodeSameText},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Revise(ctx, st, tt.by, tt.id, tt.text, tt.max)
			wantCode(t, err, tt.code)
			if now, _ := st.Document(ctx, d.ID); now.Revision != 1 {
				t.Fatalf("a refused revision made revision %d", now.Revision)
			}
		})
	}
	res, err := Revise(ctx, st, AsUser(rita), d.ID, next+"\r\n", 1000)
	if err != nil || res.Revision != 2 || res.Counts != (citecheck.AnchorCounts{Moved: 1, Orphaned: 1}) {
		t.Fatalf("revise: %+v %v", res, err)
	}
	now, _ := st.Document(ctx, d.ID)
	claims, _ := st.Claims(ctx, d.ID, citecheck.ClaimFilter{})
	in, orphans := citecheck.AnchoredIn(now.Revision, claims)
	if now.Text != next+"\n" || len(in) != 1 || !strings.HasPrefix(in[0].Quote, "Claim two") || len(orphans) != 1 {
		t.Fatalf("after the revision: %q, anchored %+v, orphans %+v", now.Text, in, orphans)
	}
}
