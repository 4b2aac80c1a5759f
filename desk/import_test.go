package desk

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/formats"
	"github.com/citecheck/citecheck/store"
)

const importText = "Claim “one” 😀. [1] Claim two stays. [2]"

// exported is the native export of a document with one claim by rita, approved by ed.
func exported(t *testing.T, st *store.Store) (data []byte, rita, ed *citecheck.User) {
	t.Helper()
	ctx := context.Background()
	rita = mustUser(t, st, "rita", citecheck.RoleReviewer)
	ed = mustUser(t, st, "ed", citecheck.RoleEditor)
	d := mustDocument(t, st, rita, importText)
	mustClaim(t, st, rita, d, 0, 11)
	claims, err := st.Claims(ctx, d.ID, citecheck.ClaimFilter{})
	if err != nil {
		t.Fatal(err)
	}
	ex := formats.BuildExport(d, claims, t0)
	name := ed.Name
	ex.Claims[0].Review, ex.Claims[0].ReviewedBy = citecheck.ReviewApproved, &name
	data, err = json.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	return data, rita, ed
}

func TestImportStoresANativeExportPending(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	data, rita, ed := exported(t, st)
	opts := ImportOptions{MaxTextBytes: citecheck.DefaultMaxTextBytes}
	restore := ImportOptions{MaxTextBytes: citecheck.DefaultMaxTextBytes, RestoreReviews: true}
	operator := Actor{User: rita, Operator: true}
	for _, tt := range []struct {
		name   string
		by     Actor
		data   []byte
		opts   ImportOptions
		code   string
		review citecheck.Review
	}{
		{"a user imports it pending", AsUser(ed), data, opts, "", citecheck.ReviewPending},
		{"the operator restores the review", operator, data, restore, "", citecheck.ReviewApproved},
		{"a server user may not restore reviews", AsUser(ed), data, restore, citecheck.ECodeForbidden, ""},
		{"an actor without a user", Operator, data, opts, citecheck.ECodeInvalid, ""},
		{"a file past the limit", AsUser(ed), []byte(strings.Repeat(" ", int(MaxImportBytes(10))+1)),
			ImportOptions{MaxTextBytes: 10}, citecheck.ECodeTooLarge, ""},
		{"a text past the limit", AsUser(ed), data, ImportOptions{MaxTextBytes: 10}, citecheck.ECodeTextTooLarge, ""},
		{"a malformed file", AsUser(ed), []byte(`{"format":`), opts, citecheck.ECodeMalformed, ""},
		{"a wrong hash", AsUser(ed), []byte(strings.Replace(string(data), citecheck.TextSHA256(importText), strings.Repeat("0", 64), 1)),
			opts, formats.ECodeHashMismatch, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before, err := st.Documents(ctx)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Import(ctx, st, tt.by, tt.data, tt.opts)
			wantCode(t, err, tt.code)
			if tt.code != "" {
				if after, _ := st.Documents(ctx); len(after) != len(before) {
					t.Fatalf("a refused import stored a document: %d before, %d after", len(before), len(after))
				}
				return
			}
			claims, err := st.Claims(ctx, doc.ID, citecheck.ClaimFilter{})
			if err != nil || doc.Text != importText || doc.CreatedByID != tt.by.User.ID || len(claims) != 1 ||
				claims[0].Review != tt.review || claims[0].CreatedByID != tt.by.User.ID || claims[0].Imported == nil {
				t.Fatalf("imported %+v with %+v (%v)", doc, claims, err)
			}
		})
	}
}

func TestImportAnnotationsAnchorsWhatItCan(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	rita := mustUser(t, st, "rita", citecheck.RoleReviewer)
	src := mustDocument(t, st, rita, importText)
	mustClaim(t, st, rita, src, 0, 11)
	mustClaim(t, st, rita, src, 19, 34)
	claims, _ := st.Claims(ctx, src.ID, citecheck.ClaimFilter{})
	w3c, err := json.Marshal(formats.BuildW3C(formats.BuildExport(src, claims, t0)))
	if err != nil {
		t.Fatal(err)
	}
	// The second claim's quote is gone from this text: it cannot anchor.
	target := mustDocument(t, st, rita, "Preface. Claim “one” 😀. [1] Something else. [2]")
	res, err := ImportAnnotations(ctx, st, AsUser(rita), target.ID, w3c)
	if err != nil || res.Anchored != 1 || res.Unanchored != 1 || len(res.Claims) != 1 || len(res.Failures) != 1 {
		t.Fatalf("result %+v %v, want one anchored and one failure", res, err)
	}
	stored, err := st.Claim(ctx, res.Claims[0])
	if err != nil || stored.Start != 9 || stored.Quote != "Claim “one”" || stored.CreatedByID != rita.ID ||
		stored.Review != citecheck.ReviewPending {
		t.Fatalf("claim %+v %v", stored, err)
	}
	for _, tt := range []struct {
		name string
		id   int64
		data []byte
		code string
	}{
		{"an unknown document", 99, w3c, citecheck.ECodeNotFound},
		{"not annotations", target.ID, []byte(`[1, 2`), citecheck.ECodeMalformed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ImportAnnotations(ctx, st, AsUser(rita), tt.id, tt.data)
			wantCode(t, err, tt.code)
		})
	}
	none, err := ImportAnnotations(ctx, st, AsUser(rita), target.ID, []byte(`[]`))
	if after, _ := st.Claims(ctx, target.ID, citecheck.ClaimFilter{}); err != nil || none.Anchored != 0 || len(after) != 1 {
		t.Fatalf("nothing to anchor: %+v %v, %d claims", none, err, len(after))
	}
}
