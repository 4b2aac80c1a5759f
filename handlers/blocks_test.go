package handlers

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/views"
)

func TestBlockCutsFallAfterParagraphsWhenTheyCan(t *testing.T) {
	para := strings.Repeat("word ", blockTarget/5) // blockTarget code points, spaces inside
	emoji := strings.Repeat("😀", blockTarget)      // code points that are not bytes
	tests := []struct {
		name string
		text string
		want []int
	}{
		{"short text is one block", "One line.\n\nTwo.", []int{0}},
		{"after the run of line feeds past the target", para + "x\n\n\nnext " + para, []int{0, blockTarget + 4}},
		{"code points, not bytes", emoji + "\n" + emoji, []int{0, blockTarget + 1}},
		{"no line feed: after a space", strings.Repeat("a", blockTarget+10) + " " + strings.Repeat("b", blockTarget), []int{0, blockTarget + 11}},
		{"neither: at the target", strings.Repeat("a", 2*blockTarget+5), []int{0, blockTarget, 2 * blockTarget}},
		{"a cut at the very end is no cut", para + "\n", []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := blockCuts(citecheck.NewText(tt.text)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("cuts = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestBuildBlocksSplitsRunsAtCuts: every run lies in one block, the blocks hold the text in
// order from their start, and a run cut in two keeps its claims on both pieces and its ids
// on the first only.
func TestBuildBlocksSplitsRunsAtCuts(t *testing.T) {
	claim := []views.ClaimRef{{ID: 7, Status: citecheck.StatusSupported}}
	runs := []views.Run{
		{Start: 0, Text: "Héllo "},
		{Start: 6, Text: "wörld 😀 across", Claims: claim, Anchors: []int64{7}},
		{Start: 20, Text: "[4]", MarkerRefs: "4", MarkerHead: true},
		{Start: 23, Text: " end"},
	}
	tests := []struct {
		name   string
		cuts   []int
		starts [][]int // the run starts of each block
	}{
		{"one block", []int{0}, [][]int{{0, 6, 20, 23}}},
		{"cut at a run boundary", []int{0, 6}, [][]int{{0}, {6, 20, 23}}},
		{"cut inside a claim's run", []int{0, 12}, [][]int{{0, 6}, {12, 20, 23}}},
		{"cut inside a marker and twice in a run", []int{0, 9, 13, 21}, [][]int{{0, 6}, {9}, {13, 20}, {21, 23}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blocks := buildBlocks(runs, tt.cuts, 27)
			var text strings.Builder
			for i, b := range blocks {
				if b.Index != i || b.Start != tt.cuts[i] {
					t.Errorf("block %d: index %d start %d", i, b.Index, b.Start)
				}
				var starts []int
				at := b.Start
				for _, r := range b.Runs {
					starts = append(starts, r.Start)
					if r.Start != at {
						t.Errorf("block %d: run at %d, want %d", i, r.Start, at)
					}
					at += utf8.RuneCountInString(r.Text)
					text.WriteString(r.Text)
					if r.Start > 6 && r.Start < 20 && (len(r.Claims) != 1 || len(r.Anchors) != 0) {
						t.Errorf("piece at %d of the claim's run: claims %v anchors %v", r.Start, r.Claims, r.Anchors)
					}
					if r.MarkerRefs != "" && r.MarkerHead != (r.Start == 20) {
						t.Errorf("marker piece at %d: head %v", r.Start, r.MarkerHead)
					}
				}
				if !reflect.DeepEqual(starts, tt.starts[i]) {
					t.Errorf("block %d holds runs at %v, want %v", i, starts, tt.starts[i])
				}
			}
			if want := "Héllo wörld 😀 across[4] end"; text.String() != want {
				t.Errorf("the blocks hold %q, want %q", text.String(), want)
			}
		})
	}
}

func TestBlocksOverASpan(t *testing.T) {
	cuts := []int{0, 100, 200, 300}
	tests := []struct {
		start, end int
		lo, hi     int
	}{
		{0, 10, 0, 0}, {99, 100, 0, 0}, {100, 101, 1, 1}, {150, 250, 1, 2}, {50, 350, 0, 3}, {300, 400, 3, 3},
	}
	for _, tt := range tests {
		if lo, hi := blocksOver(cuts, tt.start, tt.end); lo != tt.lo || hi != tt.hi {
			t.Errorf("blocksOver(%d, %d) = %d..%d, want %d..%d", tt.start, tt.end, lo, hi, tt.lo, tt.hi)
		}
	}
}
