package citecheck

import (
	"strings"
	"testing"
)

func TestLimitsRefuseInputPastTheirBounds(t *testing.T) {
	refs := func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i + 1
		}
		return out
	}
	long := func(n int) string { return strings.Repeat("é", n) } // code points, not bytes
	for _, tc := range []struct {
		name  string
		err   error
		code  string
		field string
	}{
		{"refs at the bound", CheckRefs(refs(MaxRefsPerClaim)), "", ""},
		{"one ref too many", CheckRefs(refs(MaxRefsPerClaim + 1)), ECodeTooManyRefs, "refs"},
		{"100,000 refs", CheckRefs(refs(100_000)), ECodeTooManyRefs, "refs"},
		{"largest ref number", CheckRefs([]int{MaxRefNumber}), "", ""},
		{"ref number too large", CheckRefs([]int{1, MaxRefNumber + 1}), ECodeRefOutOfRange, "refs"},
		{"normalised refs too many", second(NormalizeRefs(refs(MaxRefsPerClaim + 1))), ECodeTooManyRefs, "refs"},
		{"normalised ref too large", second(NormalizeRefs([]int{MaxRefNumber + 1})), ECodeRefOutOfRange, "refs"},
		{"title at the bound", CheckTitle(long(MaxTitleLen)), "", ""},
		{"title too long", CheckTitle(long(MaxTitleLen + 1)), ECodeTooLong, "title"},
		{"note at the bound", CheckNote(long(MaxNoteLen)), "", ""},
		{"note too long", CheckNote(long(MaxNoteLen + 1)), ECodeTooLong, "note"},
		{"comment too long", CheckComment(long(MaxCommentLen + 1)), ECodeTooLong, "comment"},
		{"reference at the bound", CheckReference(Reference{Number: 1, Text: long(MaxReferenceTextLen), URL: "https://example.org/"}), "", ""},
		{"reference text too long", CheckReference(Reference{Number: 1, Text: long(MaxReferenceTextLen + 1)}), ECodeTooLong, "text"},
		{"reference URL too long", CheckReference(Reference{Number: 1, Text: "a", URL: "https://example.org/" + long(MaxURLLen)}), ECodeTooLong, "url"},
		{"references at the bound", CheckReferenceCount(MaxReferenceEntries), "", ""},
		{"too many references", CheckReferenceCount(MaxReferenceEntries + 1), ECodeTooManyReferences, "references"},
		{"claims up to the bound", CheckClaimCount(MaxClaimsPerDocument-1, 1), "", ""},
		{"benchmark-sized document", CheckClaimCount(0, 25_000), "", ""},
		{"one claim too many", CheckClaimCount(MaxClaimsPerDocument, 1), ECodeTooManyClaims, "claims"},
		{"an import too big", CheckClaimCount(0, MaxClaimsPerDocument+1), ECodeTooManyClaims, "claims"},
		{"claim within bounds", CheckClaim(&Claim{Refs: refs(3), Note: "n", ReviewComment: "c"}), "", ""},
		{"claim with too many refs", CheckClaim(&Claim{Refs: refs(MaxRefsPerClaim + 1)}), ECodeTooManyRefs, "refs"},
		{"claim with a long note", CheckClaim(&Claim{Note: long(MaxNoteLen + 1)}), ECodeTooLong, "note"},
		{"claim with a long review comment", CheckClaim(&Claim{ReviewComment: long(MaxCommentLen + 1)}), ECodeTooLong, "review_comment"},
		{"entries too many", second(NewSources("x").WithEntries(make([]Reference, MaxReferenceEntries+1))), ECodeTooManyReferences, "references"},
		{"entry too long", second(NewSources("x").WithEntries([]Reference{{Number: 1, Text: long(MaxReferenceTextLen + 1)}})), ECodeTooLong, "text"},
		{"entry number too large", second(NewSources("x").WithEntries([]Reference{{Number: MaxRefNumber + 1, Text: "a"}})), ECodeRefOutOfRange, "number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.code == "" {
				if tc.err != nil {
					t.Fatalf("refused: %v", tc.err)
				}
				return
			}
			e, ok := tc.err.(*Error)
			if !ok || e.Code != tc.code || e.Field != tc.field || e.Message == "" {
				t.Fatalf("got %#v, want code %q about %q", tc.err, tc.code, tc.field)
			}
		})
	}
}

// TestTheParserReadsEveryClaimableRefNumber keeps the marker parser and the claim bound on the
// same largest number: a marker the parser finds can always be claimed, and no larger one is a
// marker.
func TestTheParserReadsEveryClaimableRefNumber(t *testing.T) {
	cits := ParseCitations("A [1000000]. B [1000001].")
	if len(cits) != 1 || cits[0].Refs[0] != MaxRefNumber {
		t.Fatalf("markers %+v", cits)
	}
	if _, err := NormalizeRefs(cits[0].Refs); err != nil {
		t.Fatal(err)
	}
}

func second[T any](_ T, err error) error { return err }
