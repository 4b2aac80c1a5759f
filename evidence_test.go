package citecheck

import (
	"reflect"
	"sort"
	"testing"
	"time"
)

func TestNewEvidenceOffsetsCountCodePoints(t *testing.T) {
	tests := []struct {
		fixture, passage string
	}{
		{"emoji.txt", "flags 🇸🇾🇯🇴 said so."},
		{"emoji.txt", "👍🏽 up"},
		{"arabic.txt", "وأضاف أن الاتفاق هش."},
		{"combining.txt", "Z͑͒a̐l̢go"},
		{"combining.txt", "q̇ and ñ"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture+" "+tt.passage, func(t *testing.T) {
			// A source's text is stored normalised, as a document's is.
			text, err := NormalizeText(readFixture(t, tt.fixture), 0)
			if err != nil {
				t.Fatal(err)
			}
			txt := NewText(text)
			start, end := spanOf(t, text, tt.passage)
			src := &Capture{ID: 5, DocumentID: 1, Ref: 2, Text: text}
			cl := &Claim{ID: 9, DocumentID: 1}
			quote := tt.passage
			e, err := NewEvidence(cl, src, txt, EvidenceInput{Start: start, End: end, Quote: &quote, Stance: "supports", Note: "n"}, 7)
			if err != nil {
				t.Fatal(err)
			}
			if e.Quote != tt.passage || e.Start != start || e.End != end {
				t.Errorf("evidence %d..%d %q, want %d..%d %q", e.Start, e.End, e.Quote, start, end, tt.passage)
			}
			if e.Prefix+e.Quote+e.Suffix != txt.Slice(max(start-ContextLen, 0), min(end+ContextLen, txt.Len())) {
				t.Errorf("prefix %q and suffix %q do not surround the quote", e.Prefix, e.Suffix)
			}
			if e.ClaimID != 9 || e.SourceID != 5 || e.Ref != 2 || e.Stance != StanceSupports || e.CreatedByID != 7 {
				t.Errorf("evidence %+v", e)
			}
		})
	}
}

func TestNewEvidenceRefusesBadInput(t *testing.T) {
	text := readFixture(t, "emoji.txt")
	txt := NewText(text)
	n := txt.Len()
	src := &Capture{ID: 5, DocumentID: 1, Ref: 2}
	wrong := "Family"
	tests := []struct {
		name  string
		cl    *Claim
		in    EvidenceInput
		code  string
		field string
	}{
		{"another document's source", &Claim{ID: 9, DocumentID: 2}, EvidenceInput{Start: 0, End: 6, Stance: "supports"}, ECodeInvalid, "source_id"},
		{"start past the end", &Claim{DocumentID: 1}, EvidenceInput{Start: n, End: n + 1, Stance: "supports"}, ECodeOffsetOutOfRange, "start"},
		{"end past the end", &Claim{DocumentID: 1}, EvidenceInput{Start: 0, End: n + 1, Stance: "supports"}, ECodeOffsetOutOfRange, "end"},
		{"negative start", &Claim{DocumentID: 1}, EvidenceInput{Start: -1, End: 3, Stance: "supports"}, ECodeOffsetOutOfRange, "start"},
		{"empty span", &Claim{DocumentID: 1}, EvidenceInput{Start: 3, End: 3, Stance: "supports"}, ECodeOffsetOutOfRange, "end"},
		{"only white space", &Claim{DocumentID: 1}, EvidenceInput{Start: 6, End: 7, Stance: "supports"}, ECodeEmptySpan, "start"},
		{"quote of other text", &Claim{DocumentID: 1}, EvidenceInput{Start: 1, End: 7, Quote: &wrong, Stance: "supports"}, ECodeQuoteMismatch, "quote"},
		{"no stance", &Claim{DocumentID: 1}, EvidenceInput{Start: 0, End: 6}, ECodeInvalidStance, "stance"},
		{"unknown stance", &Claim{DocumentID: 1}, EvidenceInput{Start: 0, End: 6, Stance: "agrees"}, ECodeInvalidStance, "stance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewEvidence(tt.cl, src, txt, tt.in, 1)
			e, ok := err.(*Error)
			if !ok || e.Code != tt.code || e.Field != tt.field {
				t.Errorf("err = %v, want %s about %s", err, tt.code, tt.field)
			}
		})
	}
}

func TestNewEvidenceAcceptsAQuoteInAnotherNormalForm(t *testing.T) {
	text := "The café closed."
	txt := NewText(text)
	quote := "cafe\u0301" // decomposed, as some clients send it
	start, end := spanOf(t, text, "café")
	e, err := NewEvidence(&Claim{DocumentID: 1}, &Capture{DocumentID: 1}, txt,
		EvidenceInput{Start: start, End: end, Quote: &quote, Stance: "context"}, 1)
	if err != nil || e.Quote != "café" {
		t.Fatalf("evidence %+v, err %v", e, err)
	}
}

func TestEvidenceChecks(t *testing.T) {
	ev := func(ref int, stance Stance) Evidence { return Evidence{Ref: ref, Stance: stance} }
	tests := []struct {
		name     string
		status   Status
		refs     []int
		evidence []Evidence
		want     map[string][]int
	}{
		{"supported without evidence", StatusSupported, []int{1}, nil, map[string][]int{CheckNoEvidence: nil}},
		{"partly supported without evidence", StatusPartlySupported, []int{1}, nil, map[string][]int{CheckNoEvidence: nil}},
		{"contradicted without evidence", StatusContradicted, []int{1}, nil, map[string][]int{CheckNoEvidence: nil}},
		{"unverified needs none", StatusUnverified, []int{1}, nil, map[string][]int{}},
		{"unsupported needs none", StatusUnsupported, []int{1}, nil, map[string][]int{}},
		{"citation needed needs none", StatusCitationNeeded, nil, nil, map[string][]int{}},
		{"supported with supporting evidence", StatusSupported, []int{1}, []Evidence{ev(1, StanceSupports)}, map[string][]int{}},
		{"context evidence counts as evidence", StatusPartlySupported, []int{1}, []Evidence{ev(1, StanceContext)}, map[string][]int{}},
		{"evidence from an uncited source", StatusSupported, []int{1}, []Evidence{ev(1, StanceSupports), ev(4, StanceSupports), ev(3, StanceContext), ev(4, StanceContext)},
			map[string][]int{CheckEvidenceRefNotCited: {3, 4}}},
		{"supported with only contradicting evidence", StatusSupported, []int{1}, []Evidence{ev(1, StanceContradicts)},
			map[string][]int{CheckStanceConflict: nil}},
		{"supported, contradicting evidence and context", StatusSupported, []int{1}, []Evidence{ev(1, StanceContradicts), ev(1, StanceContext)},
			map[string][]int{CheckStanceConflict: nil}},
		{"supported with both stances", StatusSupported, []int{1}, []Evidence{ev(1, StanceContradicts), ev(1, StanceSupports)}, map[string][]int{}},
		{"contradicted with only supporting evidence", StatusContradicted, []int{1}, []Evidence{ev(1, StanceSupports)},
			map[string][]int{CheckStanceConflict: nil}},
		{"contradicted with contradicting evidence", StatusContradicted, []int{1}, []Evidence{ev(1, StanceContradicts)}, map[string][]int{}},
		{"partly supported takes no side", StatusPartlySupported, []int{1}, []Evidence{ev(1, StanceContradicts)}, map[string][]int{}},
		{"all three at once", StatusSupported, []int{1}, []Evidence{ev(2, StanceContradicts)},
			map[string][]int{CheckEvidenceRefNotCited: {2}, CheckStanceConflict: nil}},
	}
	text := "A claim. [1] [2] [3] [4]"
	txt := NewText(text)
	cits := ParseCitations(text)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Through ClaimChecks, as every door computes a claim's checks.
			c := Claim{Start: 0, End: 8, Refs: tt.refs, Status: tt.status, Evidence: tt.evidence}
			got := map[string][]int{}
			for _, ch := range ClaimChecks(txt, cits, &c) {
				if ch.Code == CheckMarkerNotAttached || ch.Code == CheckNoRefs {
					continue // the citation checks of the span, tested in checks_test.go
				}
				got[ch.Code] = ch.Refs
				if ch.Message == "" {
					t.Errorf("%s has no message", ch.Code)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("checks %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReopenReview(t *testing.T) {
	by := "ed"
	for _, rv := range Reviews {
		c := &Claim{Review: rv, ReviewComment: "c", ReviewedBy: &by}
		changed := ReopenReview(c)
		if changed != (rv != ReviewPending) {
			t.Errorf("%s: changed %v", rv, changed)
		}
		if c.Review != ReviewPending || changed && (c.ReviewComment != "" || c.ReviewedBy != nil) {
			t.Errorf("%s: claim after %+v", rv, c)
		}
	}
}

func TestParseStance(t *testing.T) {
	for _, s := range Stances {
		if got, err := ParseStance(string(s)); err != nil || got != s {
			t.Errorf("%s: %v %v", s, got, err)
		}
	}
	for _, bad := range []string{"", "Supports", "support"} {
		if _, err := ParseStance(bad); ErrorCode(err) != ECodeInvalidStance {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestImportedEvidenceChangesKeepWhatTheFileSaid: the record of imported evidence has the
// passage as stored, and of the file's word only what the file gave.
func TestImportedEvidenceChangesKeepWhatTheFileSaid(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	stored := &Evidence{ID: 5, SourceID: 6, Ref: 1, Start: 0, End: 4, Quote: "Talk", Stance: StanceContext,
		CreatedBy: "imp", CreatedAt: at.Add(time.Hour)}
	for _, c := range []struct {
		name   string
		file   Evidence
		format string
		keys   []string
	}{
		{"everything", Evidence{ID: 9, SourceID: 3, CreatedBy: "rita", CreatedAt: at}, FromNative,
			[]string{"created_at", "created_by", "evidence", "from_format", "id_in_file", "source_id_in_file"}},
		{"nothing", Evidence{}, "", []string{"evidence"}},
	} {
		got := ImportedEvidenceChanges(&c.file, stored, c.format)
		var keys []string
		for k := range got {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if !reflect.DeepEqual(keys, c.keys) {
			t.Errorf("%s: keys %v, want %v", c.name, keys, c.keys)
		}
		if !reflect.DeepEqual(got["evidence"], FieldChange{From: nil, To: EvidenceChange(stored)}) {
			t.Errorf("%s: evidence %+v", c.name, got["evidence"])
		}
		if c.file.CreatedBy != "" && (got["created_by"] != FieldChange{From: "rita", To: "imp"} ||
			got["created_at"] != FieldChange{From: "2026-01-02T03:04:05Z", To: "2026-01-02T04:04:05Z"}) {
			t.Errorf("%s: provenance %+v", c.name, got)
		}
	}
}

func TestCheckEvidenceRemovalLetsEditorsAndTheAuthor(t *testing.T) {
	e := &Evidence{ID: 1, CreatedByID: 7}
	for _, tt := range []struct {
		name string
		u    User
		code string
	}{
		{"its author, a reviewer", User{ID: 7, Role: RoleReviewer}, ""},
		{"another reviewer", User{ID: 8, Role: RoleReviewer}, ECodeForbidden},
		{"an editor", User{ID: 9, Role: RoleEditor}, ""},
		{"an admin", User{ID: 10, Role: RoleAdmin}, ""},
	} {
		if got := ErrorCode(CheckEvidenceRemoval(tt.u, e)); got != tt.code {
			t.Errorf("%s: code %q, want %q", tt.name, got, tt.code)
		}
	}
}
