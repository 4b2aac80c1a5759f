package handlers

import (
	"strings"
	"unicode/utf8"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/views"
)

// blockTarget is the size a block of the document text aims at, in code points: a few KB, so
// that the browser lays out only the blocks on screen, and a change re-renders one or two.
const blockTarget = 3000

// lineWidth is about how many characters a line of the text column holds, for the height that
// an unrendered block takes in the page (the browser keeps the real one once it has seen it).
const lineWidth = 80

// blockCuts answers where the blocks of a text start: 0, then, once a block holds blockTarget
// code points, the position after the next run of line feeds; with none within another
// blockTarget, after the next space; else right there. The cuts depend on the text alone, so
// a block keeps its index and bounds while claims come and go, and a fragment can replace it.
func blockCuts(t *citecheck.Text) []int {
	s, n := t.String(), t.Len()
	cuts := []int{0}
	for pos := 0; pos+blockTarget < n; {
		from := t.ByteOffset(pos + blockTarget)
		upto := t.ByteOffset(pos + 2*blockTarget)
		cut := -1
		if i := strings.IndexByte(s[from:upto], '\n'); i >= 0 {
			j := from + i
			for j < len(s) && s[j] == '\n' {
				j++
			}
			cut = t.CodePointOffset(j)
		} else if i := strings.IndexByte(s[from:upto], ' '); i >= 0 {
			cut = t.CodePointOffset(from+i) + 1
		} else {
			cut = pos + blockTarget
		}
		if cut >= n {
			break
		}
		cuts = append(cuts, cut)
		pos = cut
	}
	return cuts
}

// buildBlocks deals the runs of a text into the blocks that start at cuts. A run that crosses a
// cut is split there, each piece in its block, as overlapping claims are split into runs; only
// the first piece keeps the run's ids.
func buildBlocks(runs []views.Run, cuts []int, textLen int) []views.Block {
	blocks := make([]views.Block, len(cuts))
	// One array holds the runs of every block, each block a slice of it: a cut splits at most
	// one run in two.
	all := make([]views.Run, 0, len(runs)+len(cuts))
	first := make([]int, len(cuts)+1)
	bi := 0
	for _, r := range runs {
		for {
			for bi+1 < len(cuts) && cuts[bi+1] <= r.Start {
				bi++
				first[bi] = len(all)
			}
			end := textLen
			if bi+1 < len(cuts) {
				end = cuts[bi+1]
			}
			if r.Start+utf8.RuneCountInString(r.Text) <= end {
				all = append(all, r)
				break
			}
			head, tail := splitRun(r, end-r.Start)
			all = append(all, head)
			r = tail
		}
	}
	for bi++; bi <= len(cuts); bi++ {
		first[bi] = len(all)
	}
	for i, c := range cuts {
		blocks[i] = newBlock(i, c, all[first[i]:first[i+1]:first[i+1]])
	}
	return blocks
}

// newBlock is block i of the text, from start, with its runs rendered once: the views patched
// from the one that holds it share it while no claim over it changes, HTML and its
// compressed segment (pagegzip.go) included.
func newBlock(i, start int, runs []views.Run) views.Block {
	html := views.RunsHTML(runs)
	starts := 0
	for _, r := range runs {
		starts += len(r.Anchors)
	}
	return views.Block{Index: i, Start: start, Runs: runs, Lines: estimateLines(runs), HTML: html, Deflated: deflateSegment(html),
		Starts: starts}
}

// keptBlocks drops the runs of blocks that the view keeps rendered: the page and its fragments
// write the HTML, and the runs of a 5 MB text (and the claims' references they hold) would
// stay in memory beside it for as long as any view shares a block.
func keptBlocks(blocks []views.Block) []views.Block {
	for i := range blocks {
		blocks[i].Runs = nil
	}
	return blocks
}

// splitRun cuts a run after k code points; the tail is the same stretch of highlights and
// marker without the ids that belong to the run's start.
func splitRun(r views.Run, k int) (head, tail views.Run) {
	b := 0
	for i := 0; i < k; i++ {
		_, w := utf8.DecodeRuneInString(r.Text[b:])
		b += w
	}
	head, tail = r, r
	head.Text, tail.Text = r.Text[:b], r.Text[b:]
	tail.Start = r.Start + k
	tail.Anchors, tail.MarkerHead = nil, false
	return head, tail
}

// estimateLines guesses how many lines the runs of a block take in the text column.
func estimateLines(runs []views.Run) int {
	lines, col := 1, 0
	for _, r := range runs {
		for _, ch := range r.Text {
			if ch == '\n' {
				lines++
				col = 0
				continue
			}
			if col++; col > lineWidth {
				lines++
				col = 1
			}
		}
	}
	return lines
}

// blocksOver answers the indexes of the blocks that hold any of [start, end), at least one.
func blocksOver(cuts []int, start, end int) (lo, hi int) {
	lo = 0
	for lo+1 < len(cuts) && cuts[lo+1] <= start {
		lo++
	}
	hi = lo
	for hi+1 < len(cuts) && cuts[hi+1] < end {
		hi++
	}
	return lo, hi
}
