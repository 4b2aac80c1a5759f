package citecheck

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// listText has a range, adjacent markers, a marker opening a paragraph and a reference list
// with an entry never cited (49) and body numbers missing from it (48, 50).
const listText = "Talks began. [30–32] Kurds[46][47] and others.\n\n[48] Two members. More [50].\n\n" +
	"References\n[30] A.\n[31] B.\n[32] C.\n[46] D.\n[47] E.\n[49] F."

func TestNewSourcesKeepsListMarkersOutOfTheBody(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		markers   int
		entries   []int
		lastRefs  []int
		listStart string // text at List.Start
	}{
		{"the user sample has ten markers and no list", readFixture(t, "user-sample.txt"), 10, nil, []int{22}, ""},
		{"a headed list", readFixture(t, "with-references.txt"), 5, []int{1, 2, 3, 4, 6}, []int{5}, "References"},
		{"a bare list", readFixture(t, "with-references-bare.txt"), 3, []int{1, 2, 3}, []int{3}, "[1] Reuters"},
		{"ranges and adjacent markers", listText, 5, []int{30, 31, 32, 46, 47, 49}, []int{50}, "References"},
		{"no markers", "Plain.", 0, nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSources(tt.text)
			if s.Citations == nil || len(s.Citations) != tt.markers {
				t.Fatalf("%d body markers, want %d", len(s.Citations), tt.markers)
			}
			if got := entryNumbers(s.List); !reflect.DeepEqual(got, tt.entries) {
				t.Errorf("entries %v, want %v", got, tt.entries)
			}
			if tt.markers > 0 && !reflect.DeepEqual(s.Citations[len(s.Citations)-1].Refs, tt.lastRefs) {
				t.Errorf("last body marker %v, want %v", s.Citations[len(s.Citations)-1], tt.lastRefs)
			}
			if s.List != nil && !strings.HasPrefix(NewText(tt.text).Slice(s.List.Start, s.List.Start+20), tt.listStart) {
				t.Errorf("list starts at %d", s.List.Start)
			}
			if again := NewSourcesOf(ParseCitations(tt.text), tt.text); !reflect.DeepEqual(again, s) {
				t.Errorf("NewSourcesOf = %+v, want %+v", again, s)
			}
		})
	}
}

func TestClaimChecksIn(t *testing.T) {
	txt := NewText(listText)
	s := NewSources(listText)
	tests := []struct {
		name    string
		span    string
		refs    []int
		status  Status
		want    map[string][]int
		message string // part of the unknown-ref message
	}{
		{"a range fully claimed", "Talks began.", []int{30, 31, 32}, StatusUnsupported, map[string][]int{}, ""},
		{"a range partly claimed", "Talks began.", []int{30, 31}, StatusUnsupported,
			map[string][]int{CheckMarkerNotAttached: {32}}, ""},
		{"adjacent markers glued to a word", "Kurds", []int{46}, StatusUnsupported,
			map[string][]int{CheckMarkerNotAttached: {47}}, ""},
		{"a marker opening the next paragraph is attached", "and others.", nil, StatusUnverified,
			map[string][]int{CheckMarkerNotAttached: {48}}, ""},
		{"a body number with no entry is unknown", "and others.", []int{48}, StatusUnsupported,
			map[string][]int{CheckUnknownRef: {48}}, "ref 48 is not in the reference list"},
		{"an entry the body never cites is unknown", "Two members.", []int{49}, StatusUnsupported,
			map[string][]int{CheckUnknownRef: {49}}, "ref 49 is not cited in the text"},
		{"a number neither cited nor listed", "Two members.", []int{99}, StatusUnsupported,
			map[string][]int{CheckUnknownRef: {99}}, "ref 99 is not cited in the text and not in the reference list"},
		{"all three kinds of unknown in one check", "Two members.", []int{48, 49, 98, 99}, StatusUnsupported,
			map[string][]int{CheckUnknownRef: {48, 49, 98, 99}},
			"refs 98, 99 are not cited in the text and not in the reference list; ref 49 is not cited in the text; ref 48 is not in the reference list"},
		{"a glued marker before a full stop", "More [50].", []int{}, StatusUnsupported,
			map[string][]int{CheckMarkerNotAttached: {50}, CheckNoRefs: nil}, ""},
		{"no refs while citation needed", "Two members.", nil, StatusCitationNeeded, map[string][]int{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end := spanOf(t, listText, tt.span)
			c := Claim{Start: start, End: end, Refs: tt.refs, Status: tt.status}
			checks := ClaimChecksIn(txt, s, &c)
			if checks == nil {
				t.Fatal("nil checks")
			}
			got := map[string][]int{}
			for _, ch := range checks {
				got[ch.Code] = ch.Refs
				if ch.Message == "" {
					t.Errorf("%s has no message", ch.Code)
				}
				if ch.Code == CheckUnknownRef && !strings.Contains(ch.Message, tt.message) {
					t.Errorf("message %q lacks %q", ch.Message, tt.message)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("checks = %+v, want %v", checks, tt.want)
			}
			claims := []Claim{c}
			FillChecksIn(txt, s, claims)
			if !reflect.DeepEqual(claims[0].Checks, checks) {
				t.Errorf("FillChecksIn = %+v, want %+v", claims[0].Checks, checks)
			}
		})
	}
}

func TestClaimChecksInWithoutAListIsClaimChecks(t *testing.T) {
	txt := NewText(checksText)
	cits := ParseCitations(checksText)
	s := NewSources(checksText)
	if s.List != nil {
		t.Fatalf("list %+v", s.List)
	}
	for _, span := range []string{"Talks began.", "Second round.", "Kurds[46] and", "and others.", "Two members."} {
		for _, refs := range [][]int{nil, {30}, {30, 31, 99}, {46, 47}} {
			start, end := spanOf(t, checksText, span)
			c := Claim{Start: start, End: end, Refs: refs, Status: StatusSupported}
			if got, want := ClaimChecksIn(txt, s, &c), ClaimChecks(txt, cits, &c); !reflect.DeepEqual(got, want) {
				t.Errorf("%q %v: %+v, want %+v", span, refs, got, want)
			}
		}
	}
}

func TestCheckSourcesWithAList(t *testing.T) {
	text := readFixture(t, "with-references.txt")
	txt := NewText(text)
	s := NewSources(text)
	claim := func(id int64, span string, status Status, refs ...int) Claim {
		start, end := spanOf(t, text, span)
		return Claim{ID: id, Start: start, End: end, Refs: refs, Status: status}
	}
	claims := []Claim{
		claim(1, "foreign ministers met in Vienna.", StatusUnsupported, 1),
		claim(2, "They agreed that the Syrian government and the opposition should start political talks.", StatusUnsupported, 2, 3),
		claim(3, "Observers doubted it would hold.", StatusUnsupported, 5, 6),
		claim(4, "On 30 October", StatusUnverified, 1),
	}
	sc := CheckSources(txt, s, claims)
	if sc.Markers != 5 || sc.Covered != 4 || len(sc.Uncovered) != 1 || !reflect.DeepEqual(sc.Uncovered[0].Refs, []int{4}) {
		t.Errorf("markers %d covered %d uncovered %v", sc.Markers, sc.Covered, sc.Uncovered)
	}
	wantProblems := []Check{
		{Code: CheckRefNotInList, Refs: []int{5}},
		{Code: CheckEntryNeverCited, Refs: []int{6}},
	}
	if len(sc.Problems) != len(wantProblems) {
		t.Fatalf("problems = %+v", sc.Problems)
	}
	for i, w := range wantProblems {
		if p := sc.Problems[i]; p.Code != w.Code || !reflect.DeepEqual(p.Refs, w.Refs) || p.Message == "" {
			t.Errorf("problem %d = %+v, want %+v", i, p, w)
		}
	}
	if !strings.Contains(sc.Problems[1].Message, "entry 6 is never cited") {
		t.Errorf("message %q", sc.Problems[1].Message)
	}
	if len(sc.Claims) != 4 || len(sc.Claims[0].Checks) != 0 || len(sc.Claims[2].Checks) != 1 ||
		sc.Claims[2].Checks[0].Code != CheckUnknownRef || !reflect.DeepEqual(sc.Claims[2].Checks[0].Refs, []int{5, 6}) {
		t.Errorf("claims = %+v", sc.Claims)
	}
	wantUses := map[int]struct {
		claims  []int64
		citedBy int
	}{1: {[]int64{1, 4}, 1}, 2: {[]int64{2}, 1}, 3: {[]int64{2}, 1}, 4: {[]int64{}, 1}, 6: {[]int64{3}, 0}}
	if len(sc.References) != len(wantUses) {
		t.Fatalf("references = %+v", sc.References)
	}
	for _, u := range sc.References {
		w := wantUses[u.Number]
		if !reflect.DeepEqual(u.Claims, w.claims) || u.CitedBy != w.citedBy || u.Text == "" {
			t.Errorf("entry %d: claims %v cited by %d, want %v and %d", u.Number, u.Claims, u.CitedBy, w.claims, w.citedBy)
		}
	}
	if sc.ByStatus[StatusUnsupported] != 3 || sc.ByReview[ReviewPending] != 4 {
		t.Errorf("by status %v by review %v", sc.ByStatus, sc.ByReview)
	}
}

func TestCheckSourcesWithoutAListIsCheckDocument(t *testing.T) {
	text := readFixture(t, "user-sample.txt")
	txt := NewText(text)
	cits := ParseCitations(text)
	start, end := spanOf(t, text, "Ministers agreed")
	claims := []Claim{
		{ID: 1, Start: start, End: end, Refs: []int{30, 31}, Status: StatusSupported},
		{ID: 2, Start: 0, End: 5, Refs: []int{99}, Status: StatusContradicted, Review: ReviewRejected},
	}
	sc := CheckSources(txt, NewSources(text), claims)
	if want := CheckDocument(txt, cits, claims); !reflect.DeepEqual(sc.DocumentCheck, want) {
		t.Errorf("document check %+v, want %+v", sc.DocumentCheck, want)
	}
	if sc.Markers != 10 || sc.Problems == nil || len(sc.Problems) != 0 || sc.References == nil || len(sc.References) != 0 {
		t.Errorf("sources check %+v", sc)
	}
}

func TestSourcesCheckJSONIsADocumentCheckPlusTwoFields(t *testing.T) {
	for _, text := range []string{readFixture(t, "user-sample.txt"), readFixture(t, "with-references.txt")} {
		b, err := json.Marshal(CheckSources(NewText(text), NewSources(text), nil))
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]json.RawMessage
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"markers", "covered", "uncovered", "claims", "by_status", "by_review", "problems", "references", "uncited"} {
			if v, ok := got[k]; !ok || string(v) == "null" {
				t.Errorf("%s: key %q is %s in %s", text[:10], k, v, b)
			}
		}
		if len(got) != 9 {
			t.Errorf("keys %v", got)
		}
	}
	b, _ := json.Marshal(CheckSources(NewText(listText), NewSources(listText), nil).References[0])
	if want := `{"number":30,"text":"A.","start":`; !strings.HasPrefix(string(b), want) || !strings.Contains(string(b), `"claims":[],"cited_by":1`) {
		t.Errorf("reference use JSON %s", b)
	}
}

func TestWithEntries(t *testing.T) {
	text := readFixture(t, "user-sample.txt")
	txt := NewText(text)
	s := NewSources(text)
	manual := []Reference{
		{Number: 31, Text: "  AP, 31 Oct 2015 https://apnews.com/x. ", Manual: true},
		{Number: 30, Text: "Reuters", URL: "https://reuters.com/given", Manual: true},
		{Number: 7, Text: "Never cited", Manual: true},
	}
	got, err := s.WithEntries(manual)
	if err != nil {
		t.Fatal(err)
	}
	if s.List != nil {
		t.Fatal("WithEntries changed its receiver")
	}
	if got.List == nil || got.List.Start != txt.Len() || got.List.Heading != "" || !reflect.DeepEqual(entryNumbers(got.List), []int{7, 30, 31}) {
		t.Fatalf("list = %+v", got.List)
	}
	if e := got.List.Entries[2]; e.Text != "AP, 31 Oct 2015 https://apnews.com/x." || e.URL != "https://apnews.com/x" || !e.Manual {
		t.Errorf("entry 31 = %+v", e)
	}
	if e := got.List.Entries[1]; e.URL != "https://reuters.com/given" {
		t.Errorf("entry 30 url = %q", e.URL)
	}
	if manual[0].Number != 31 || manual[0].Text[0] != ' ' {
		t.Error("WithEntries changed its argument")
	}
	if !reflect.DeepEqual(got.Citations, s.Citations) {
		t.Error("the body's markers changed")
	}
	sc := CheckSources(txt, got, nil)
	if len(sc.Problems) != 2 || !reflect.DeepEqual(sc.Problems[0].Refs, []int{13, 22, 32, 45, 46, 47, 48}) ||
		!reflect.DeepEqual(sc.Problems[1].Refs, []int{7}) {
		t.Errorf("problems = %+v", sc.Problems)
	}

	// Editing a detected list keeps its place and heading.
	listed := NewSources(listText)
	edited, err := listed.WithEntries([]Reference{{Number: 48, Text: "G."}})
	if err != nil || edited.List.Start != listed.List.Start || edited.List.Heading != "References" || len(edited.List.Entries) != 1 {
		t.Errorf("edited = %+v, %v", edited.List, err)
	}
	// Removing every entry leaves no list.
	if none, err := listed.WithEntries(nil); err != nil || none.List != nil || len(none.Citations) != len(listed.Citations) {
		t.Errorf("no entries: %+v, %v", none, err)
	}

	for _, bad := range [][]Reference{
		{{Number: 3, Text: "a"}, {Number: 3, Text: "b"}},
		{{Number: 0, Text: "a"}},
		{{Number: -1, Text: "a"}},
	} {
		if _, err := s.WithEntries(bad); ErrorCode(err) != ECodeInvalid {
			t.Errorf("WithEntries(%+v) = %v, want %s", bad, err, ECodeInvalid)
		}
	}
}

// TestCoverageCountsMarkersNotNumbers: on the user's sample, a claim covers the markers in or
// right after its span whose numbers its refs include, not every marker that carries one of its
// numbers. The sample's markers, in order: [30] [31] [32] [13] [45] [46] Kurds[46] [47] [48] [22].
func TestCoverageCountsMarkersNotNumbers(t *testing.T) {
	text := readFixture(t, "user-sample.txt")
	txt := NewText(text)
	s := NewSources(text)
	if len(s.Citations) != 10 {
		t.Fatalf("the sample has %d markers, want 10", len(s.Citations))
	}
	type claim struct {
		span string
		refs []int
	}
	committee := "34 opposition groups and individuals allied as the “High Negotiating Committee”."
	tests := []struct {
		name    string
		claims  []claim
		covered []int // indices of the covered markers
	}{
		{"ref 46 over the committee covers its own [46] only", []claim{{committee, []int{46}}}, []int{5}},
		{"a claim ending before the closing ”. is not: the contract's run takes white space only",
			[]claim{{"the “High Negotiating Committee", []int{46}}}, nil},
		{"but not across words", []claim{{"34 opposition groups", []int{46}}}, nil},
		{"Kurds[46] is covered by a claim ending right before it", []claim{{"but also not Syrian Kurds", []int{46}}}, []int{6}},
		{"a span holding both markers covers both",
			[]claim{{"“High Negotiating Committee”. [46] These include Ahrar al-Sham and Jaysh al-Islam, but also not Syrian Kurds[46] and", []int{46}}},
			[]int{5, 6}},
		{"the right place but the wrong ref", []claim{{committee, []int{45}}}, nil},
		{"a ref the claim lists among others", []claim{{committee, []int{13, 46}}}, []int{5}},
		{"a run of two markers after the span",
			[]claim{{"the opposition should start political talks.", []int{30, 31}}}, []int{0, 1}},
		{"a run only partly backed",
			[]claim{{"the opposition should start political talks.", []int{30}}}, []int{0}},
		{"[47] opening the next paragraph follows the last sentence",
			[]claim{{"and some moderate members of the Russian-backed opposition.", []int{47}}}, []int{7}},
		{"a glued marker after a word", []claim{{"a new round of negotiations", []int{22}}}, []int{9}},
		{"an orphan covers nothing", []claim{{"orphan:" + committee, []int{46}}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var claims []Claim
			for i, c := range tt.claims {
				span, orphan := strings.CutPrefix(c.span, "orphan:")
				start, end := spanOf(t, text, span)
				cl := Claim{ID: int64(i + 1), Start: start, End: end, Refs: c.refs, Status: StatusUnverified}
				if orphan {
					cl.Anchor = string(AnchorOrphaned)
				}
				claims = append(claims, cl)
			}
			for _, dc := range []DocumentCheck{CheckSources(txt, s, claims).DocumentCheck, CheckDocument(txt, s.Citations, claims)} {
				var want []Citation
				for k, m := range s.Citations {
					if !slices.Contains(tt.covered, k) {
						want = append(want, m)
					}
				}
				if dc.Markers != 10 || dc.Covered != len(tt.covered) || !reflect.DeepEqual(dc.Uncovered, want) {
					t.Errorf("markers %d covered %d uncovered %v, want %d covered, uncovered %v",
						dc.Markers, dc.Covered, dc.Uncovered, len(tt.covered), want)
				}
			}
		})
	}
}
