package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/views"
)

// A big document's page sends its text whole, but only the blocks at its head with their runs
// (highlights, markers, the claims' anchors); every other block is its text in one run (lazy),
// and app.js fetches the runs of the blocks that near the screen from blocksFragment. The
// browser's cost of a page is parsing its elements: a 1 MB text with 5,000 claims is some
// 15,000 runs, and parsing them made the page slower than the same text as one plain node. The
// offsets stay exact in a lazy block (its run carries data-o like any run), so selection,
// find in page and the links to a passage work before its runs come. ?full=1 sends every
// block with its runs, for a reader without JavaScript.

// eagerBlocks is how many blocks at the head of a big document's page carry their runs: a few
// screens of text, so the page opens with its highlights shown and nothing to fetch.
const eagerBlocks = 4

// maxBlocksAsked is the most blocks one request for runs may name.
const maxBlocksAsked = 64

// plainBlocks are, for each block of a big document's text, its text as one run and that
// compressed (as Block.HTML and Block.Deflated): made once per text, since the claims do not
// change them.
type plainBlocks struct {
	once   sync.Once
	blocks []views.Block
}

// plain answers the lazy form of the blocks that start at cuts (blockCuts of the text).
func (d *loadedDocument) plain(cuts []int) []views.Block {
	p := &d.plainBlocks
	p.once.Do(func() {
		p.blocks = make([]views.Block, len(cuts))
		for i, start := range cuts {
			end := d.text.Len()
			if i+1 < len(cuts) {
				end = cuts[i+1]
			}
			html := views.RunsHTML([]views.Run{{Start: start, Text: d.text.Slice(start, end)}})
			p.blocks[i] = views.Block{HTML: html, Deflated: deflateSegment(html)}
		}
	})
	return p.blocks
}

// pageBlocks answers the blocks that the document page of st sends: all with their runs for a
// document below bigDocumentChars or when the reader asked for them (?full=1); else the first
// eagerBlocks so, and those over and beside the claim (?claim=ID) or the offset (?at=N) that
// the page opens on, and the rest lazy. So a link from elsewhere to a claim far down the text
// (the review queue's, a claim page's, a search result's) opens on its highlight, and its
// #c-ID is there for the browser to go to, with JavaScript or without.
func (s *Server) pageBlocks(c echo.Context, st *docState) []views.Block {
	if c.QueryParam("full") == "1" || st.d.text.Len() < bigDocumentChars || len(st.blocks) <= eagerBlocks {
		return st.blocks
	}
	ask, _ := parsePanelAsk(c) // a malformed ask is refused by fillPanel
	lo, hi := -1, -1
	switch {
	case ask.claim > 0:
		for i := range st.claims {
			if st.claims[i].ID == ask.claim {
				lo, hi = blocksOver(st.cuts, st.claims[i].Start, st.claims[i].End)
				break
			}
		}
	case ask.at >= 0:
		lo, hi = blocksOver(st.cuts, ask.at, ask.at+1)
	}
	plain := st.d.plain(st.cuts)
	out := slices.Clone(st.blocks)
	for i := eagerBlocks; i < len(out); i++ {
		if lo >= 0 && i >= lo-1 && i <= hi+1 {
			continue
		}
		out[i].HTML, out[i].Deflated, out[i].Lazy = plain[i].HTML, plain[i].Deflated, true
	}
	return out
}

// blocksFragment answers blocks of a document's text with their runs, for app.js to swap in for
// the lazy ones it shows: those whose indexes ?b= lists ("4,5,9"), or with ?claim=ID those over
// that claim's span (none when the claim is not anchored in the text). ?rev= is the revision
// the page showed: a page of another revision has other blocks, and is answered 409.
func (s *Server) blocksFragment(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return s.fragmentError(c, err)
	}
	if r := c.QueryParam("rev"); r != "" {
		if n, err := strconv.Atoi(r); err != nil || n < 1 {
			return s.fragmentError(c, citecheck.FieldErrorf(citecheck.ECodeMalformed, "rev", "%q is not a revision number", r))
		} else if n != d.doc.Revision {
			return s.fragmentError(c, citecheck.Errorf(citecheck.ECodeConflict,
				"the document is at revision %d, not %d: reload the page", d.doc.Revision, n))
		}
	}
	st, err := s.docState(c, d)
	if err != nil {
		return s.fragmentError(c, err)
	}
	var want []int
	if q := c.QueryParam("claim"); q != "" {
		id, err := strconv.ParseInt(q, 10, 64)
		if err != nil || id <= 0 {
			return s.fragmentError(c, citecheck.FieldErrorf(citecheck.ECodeMalformed, "claim", "%q is not a claim id", q))
		}
		for _, cl := range st.claims {
			if cl.ID == id {
				lo, hi := blocksOver(st.cuts, cl.Start, cl.End)
				for i := lo; i <= hi; i++ {
					want = append(want, i)
				}
			}
		}
	}
	for _, f := range strings.FieldsFunc(c.QueryParam("b"), func(r rune) bool { return r == ',' }) {
		i, err := strconv.Atoi(f)
		if err != nil || i < 0 || i >= len(st.blocks) {
			return s.fragmentError(c, citecheck.FieldErrorf(citecheck.ECodeMalformed, "b",
				"%q is not a block of this text (0 to %d)", f, len(st.blocks)-1))
		}
		want = append(want, i)
	}
	slices.Sort(want)
	want = slices.Compact(want)
	if len(want) > maxBlocksAsked {
		return s.fragmentError(c, citecheck.FieldErrorf(citecheck.ECodeTooLarge, "b",
			"%d blocks asked for, at most %d at a time", len(want), maxBlocksAsked))
	}
	blocks := make([]views.Block, len(want))
	for i, b := range want {
		blocks[i] = st.blocks[b]
	}
	return s.render(c, http.StatusOK, views.TextBlocks(blocks))
}
