package citecheck

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

const checksText = "Talks began. [30] [31] Second round. [32] Kurds[46] and others.\n\n[47] Two members."

// spanOf returns the code point span of the first occurrence of sub in text.
func spanOf(t testing.TB, text, sub string) (int, int) {
	t.Helper()
	b := strings.Index(text, sub)
	if b < 0 {
		t.Fatalf("%q not in text", sub)
	}
	return ByteToCodePoint(text, b), ByteToCodePoint(text, b+len(sub))
}

func TestClaimChecks(t *testing.T) {
	txt := NewText(checksText)
	cits := ParseCitations(checksText)
	tests := []struct {
		name   string
		span   string
		refs   []int
		status Status
		want   map[string][]int // code -> refs of the check
	}{
		{"all attached refs listed", "Talks began.", []int{30, 31}, StatusUnsupported, map[string][]int{}},
		{"unknown ref", "Talks began.", []int{30, 31, 99}, StatusUnsupported,
			map[string][]int{CheckUnknownRef: {99}}},
		{"several unknown refs in one check", "Second round.", []int{32, 98, 99}, StatusUnsupported,
			map[string][]int{CheckUnknownRef: {98, 99}}},
		{"marker after the claim not attached", "Talks began.", []int{30}, StatusUnsupported,
			map[string][]int{CheckMarkerNotAttached: {31}}},
		{"marker inside the claim not attached", "Kurds[46] and", []int{32}, StatusUnsupported,
			map[string][]int{CheckMarkerNotAttached: {46}}},
		{"paragraph-opening marker not attached", "and others.", nil, StatusUnverified,
			map[string][]int{CheckMarkerNotAttached: {47}}},
		{"no refs on a verdict", "Two members.", nil, StatusUnsupported, map[string][]int{CheckNoRefs: nil}},
		{"no refs while unverified is fine", "Two members.", nil, StatusUnverified, map[string][]int{}},
		{"no refs while citation needed is fine", "Two members.", nil, StatusCitationNeeded, map[string][]int{}},
		{"no refs without status counts as unverified", "Two members.", nil, "", map[string][]int{}},
		{"all three at once", "Second round.", []int{99}, StatusUnsupported,
			map[string][]int{CheckUnknownRef: {99}, CheckMarkerNotAttached: {32}}},
		{"unknown ref and no refs cannot meet", "Two members.", []int{}, StatusUnsupported,
			map[string][]int{CheckNoRefs: nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end := spanOf(t, checksText, tt.span)
			c := Claim{Start: start, End: end, Refs: tt.refs, Status: tt.status}
			checks := ClaimChecks(txt, cits, &c)
			if checks == nil {
				t.Fatal("checks is nil")
			}
			got := map[string][]int{}
			for _, ch := range checks {
				got[ch.Code] = ch.Refs
				if ch.Message == "" {
					t.Errorf("%s has no message", ch.Code)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("checks = %+v, want %v", checks, tt.want)
			}
		})
	}
}

func TestClaimChecksMessagesNameTheRefs(t *testing.T) {
	txt := NewText(checksText)
	c := Claim{Start: 0, End: 12, Refs: []int{30, 99}, Status: StatusSupported}
	checks := ClaimChecks(txt, ParseCitations(checksText), &c)
	want := []string{"ref 99 is not cited anywhere in the text", "cites ref 31,"}
	for i, w := range want {
		if i >= len(checks) || !strings.Contains(checks[i].Message, w) {
			t.Errorf("checks %+v lack %q", checks, w)
		}
	}
}

func TestCheckDocumentCoveredAndUncovered(t *testing.T) {
	text := "A [30] B [30, 31] C [32–34] D [46] E [47]"
	txt := NewText(text)
	cits := ParseCitations(text)
	claims := []Claim{
		{ID: 1, Start: 0, End: 1, Refs: []int{30}, Status: StatusUnsupported, Review: ReviewApproved},
		{ID: 2, Start: 7, End: 8, Refs: []int{31, 30, 99}, Status: StatusUnsupported},
		{ID: 3, Start: 18, End: 19, Refs: []int{32, 33}, Status: StatusUnsupported, Review: ReviewRejected},
		{ID: 4, Start: 28, End: 29, Refs: []int{46}},
	}
	dc := CheckDocument(txt, cits, claims)
	if dc.Markers != 5 || dc.Covered != 3 {
		t.Errorf("markers %d covered %d, want 5 and 3", dc.Markers, dc.Covered)
	}
	want := []Citation{cits[2], cits[4]} // [32–34] lacks 34 in any one claim; [47] has no claim
	if !reflect.DeepEqual(dc.Uncovered, want) {
		t.Errorf("uncovered = %v, want %v", dc.Uncovered, want)
	}
	if len(dc.Claims) != 4 || dc.Claims[1].ID != 2 || len(dc.Claims[1].Checks) != 1 ||
		dc.Claims[1].Checks[0].Code != CheckUnknownRef {
		t.Errorf("claims = %+v", dc.Claims)
	}
	if dc.Claims[2].Checks[0].Code != CheckMarkerNotAttached || !reflect.DeepEqual(dc.Claims[2].Checks[0].Refs, []int{34}) {
		t.Errorf("claim 3 checks = %+v", dc.Claims[2].Checks)
	}
	wantStatus := map[Status]int{StatusUnsupported: 3, StatusUnverified: 1}
	wantReview := map[Review]int{ReviewApproved: 1, ReviewRejected: 1, ReviewPending: 2}
	if !reflect.DeepEqual(dc.ByStatus, wantStatus) || !reflect.DeepEqual(dc.ByReview, wantReview) {
		t.Errorf("by status %v, by review %v", dc.ByStatus, dc.ByReview)
	}
}

func TestCheckDocumentWithoutClaimsOrMarkers(t *testing.T) {
	tests := []struct{ name, text string }{
		{"no markers", "plain text"},
		{"markers", "text [1] [2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cits := ParseCitations(tt.text)
			dc := CheckDocument(NewText(tt.text), cits, nil)
			if dc.Uncovered == nil || dc.Claims == nil || dc.ByStatus == nil || dc.ByReview == nil {
				t.Fatalf("nil field in %+v", dc)
			}
			if dc.Markers != len(cits) || dc.Covered != 0 || len(dc.Uncovered) != len(cits) {
				t.Errorf("got %+v", dc)
			}
		})
	}
}

func TestCountClaims(t *testing.T) {
	c := CountClaims(nil)
	if c.Claims != 0 || c.ByStatus == nil || c.ByReview == nil {
		t.Errorf("CountClaims(nil) = %+v", c)
	}
	c = CountClaims([]Claim{{Status: StatusSupported, Review: ReviewApproved}, {}})
	if c.Claims != 2 || c.ByStatus[StatusSupported] != 1 || c.ByStatus[StatusUnverified] != 1 ||
		c.ByReview[ReviewPending] != 1 || c.ByReview[ReviewApproved] != 1 {
		t.Errorf("CountClaims = %+v", c)
	}
	// Every status and review, and one the domain does not know (counted as it is), over many
	// claims: the counts are those of a count one by one, and only states that occur are keys.
	var claims []Claim
	want := Counts{ByStatus: map[Status]int{}, ByReview: map[Review]int{}}
	for i := range 1000 {
		st, rv := Statuses[i%len(Statuses)], Reviews[(i/3)%len(Reviews)]
		if i%97 == 0 {
			st = "made-up"
		}
		claims = append(claims, Claim{Status: st, Review: rv})
		want.ByStatus[st]++
		want.ByReview[rv]++
	}
	want.Claims = len(claims)
	if got := CountClaims(claims); !reflect.DeepEqual(got, want) {
		t.Errorf("CountClaims of 1000 = %+v, want %+v", got, want)
	}
}

// bigDocument builds about 1 MB of text and n claims, each on one sentence with the refs of the
// markers after it.
func bigDocument(n int) (*Text, []Citation, []Claim) {
	text := buildMegabyteText()
	txt := NewText(text)
	cits := ParseCitations(text)
	claims := make([]Claim, 0, n)
	for i := 0; i < n && i < len(cits); i++ {
		c := cits[i*len(cits)/n]
		start := max(c.Start-20, 0)
		claims = append(claims, Claim{ID: int64(i + 1), Start: start, End: c.End, Refs: c.Refs,
			Status: Statuses[i%len(Statuses)]})
	}
	return txt, cits, claims
}

func TestCheckDocumentScalesTo5000ClaimsAndMarkers(t *testing.T) {
	txt, cits, claims := bigDocument(5000)
	if len(cits) < 5000 {
		t.Fatalf("only %d markers", len(cits))
	}
	dc := CheckDocument(txt, cits, claims)
	if dc.Markers != len(cits) || dc.Covered+len(dc.Uncovered) != dc.Markers || len(dc.Claims) != 5000 {
		t.Errorf("markers %d covered %d uncovered %d claims %d", dc.Markers, dc.Covered, len(dc.Uncovered), len(dc.Claims))
	}
	if testing.Verbose() {
		fmt.Println("markers", dc.Markers, "covered", dc.Covered)
	}
}

func BenchmarkCheckDocument(b *testing.B) {
	txt, cits, claims := bigDocument(5000)
	b.ResetTimer()
	for b.Loop() {
		CheckDocument(txt, cits, claims)
	}
}

func TestFillChecksMatchesClaimChecks(t *testing.T) {
	text := "First claim. [1] [2]\n\nSecond [3] claim with [4–6] and more."
	tx := NewText(text)
	cits := ParseCitations(text)
	claims := []Claim{
		{Start: 0, End: 12, Refs: []int{1, 9}, Status: StatusUnsupported},
		{Start: 22, End: 28, Refs: []int{}, Status: StatusUnsupported},
		{Start: 33, End: 43, Refs: []int{4, 5, 6}, Status: StatusUnverified},
	}
	FillChecks(tx, cits, claims)
	for i := range claims {
		want := ClaimChecks(tx, cits, &claims[i])
		if fmt.Sprint(claims[i].Checks) != fmt.Sprint(want) {
			t.Errorf("claim %d: FillChecks %v, ClaimChecks %v", i, claims[i].Checks, want)
		}
	}
	if len(claims[0].Checks) != 2 || len(claims[1].Checks) != 2 || len(claims[2].Checks) != 0 {
		t.Errorf("unexpected checks: %+v", claims)
	}
}

func TestMarkerNotAttachedStaysStrictAboutPunctuation(t *testing.T) {
	// The check follows the contract (only white space between the claim and the run); the
	// suggestion is more forgiving, so a claim saved with the suggested refs never warns.
	text := "claim text. [30]"
	tx := NewText(text)
	cits := ParseCitations(text)
	c := &Claim{Start: 0, End: 10, Refs: []int{}, Status: StatusUnverified}
	if got := ClaimChecks(tx, cits, c); len(got) != 0 {
		t.Fatalf("checks %v, want none", got)
	}
	if got := SuggestRefs(tx, cits, 0, 10); len(got) != 1 || got[0] != 30 {
		t.Fatalf("suggested %v, want [30]", got)
	}
}
