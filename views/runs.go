package views

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strconv"
	"sync"

	"github.com/a-h/templ"

	"github.com/citecheck/citecheck"
)

// blockRuns writes the runs of one block of the text: each run one span, its text the only
// child, with nothing between the spans (see docText). A block cut by the document's view
// carries them rendered already (Block.HTML), so a page writes the bytes it holds; a block
// without them is rendered here.
func blockRuns(b Block) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		if b.HTML != nil {
			_, err := w.Write(b.HTML)
			return err
		}
		bp := runBuffers.Get().(*[]byte)
		defer runBuffers.Put(bp)
		*bp = appendRuns((*bp)[:0], b.Runs)
		_, err := w.Write(*bp)
		return err
	})
}

// RunsHTML renders the runs of a block once, for the view of a document to keep with the
// block (Block.HTML): a block that no claim write touches is the same value in the next view,
// so its HTML is rendered once for every reader of every state that keeps it. It is written
// out by hand instead of in templ: a big document has tens of thousands of runs, and templ's
// class handling and one component per run were a third of the page's render time and
// allocation. Every text and attribute value still goes through templ.EscapeString.
func RunsHTML(runs []Run) []byte {
	bp := runBuffers.Get().(*[]byte)
	defer runBuffers.Put(bp)
	*bp = appendRuns((*bp)[:0], runs)
	return bytes.Clone(*bp)
}

// appendRuns appends the runs of a block, one span each.
func appendRuns(buf []byte, runs []Run) []byte {
	for i := range runs {
		buf = appendRun(buf, &runs[i])
	}
	return buf
}

// runBuffers keeps the buffers blocks are rendered into, one block at a time: a big page has
// hundreds of blocks, and a new buffer for each was a third of the page's allocation.
var runBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// appendRun appends one run as the document page shows it: the empty anchors of the claims
// that start here beyond the first, then the run's span.
func appendRun(buf []byte, r *Run) []byte {
	for _, id := range extraAnchors(*r) {
		buf = append(buf, `<span id="c-`...)
		buf = strconv.AppendInt(buf, id, 10)
		buf = append(buf, `" class="anchor"></span>`...)
	}
	buf = append(buf, `<span data-o="`...)
	buf = strconv.AppendInt(buf, int64(r.Start), 10)
	buf = append(buf, '"')
	if len(r.Claims) > 0 || r.MarkerRefs != "" {
		buf = append(buf, ` class="`...)
		buf = appendRunClass(buf, r)
		buf = append(buf, '"')
		if r.MarkerRefs != "" {
			buf = append(buf, ` data-refs="`...)
			buf = append(buf, templ.EscapeString(r.MarkerRefs)...)
			buf = append(buf, '"')
		}
		if len(r.Claims) > 0 {
			buf = append(buf, ` data-claims="`...)
			for i, c := range r.Claims {
				if i > 0 {
					buf = append(buf, ' ')
				}
				buf = strconv.AppendInt(buf, c.ID, 10)
			}
			buf = append(buf, '"')
		}
		if len(r.Claims) > 1 {
			buf = append(buf, ` title="`...)
			buf = appendOverlapTitle(buf, r.Claims)
			buf = append(buf, '"')
		}
		switch {
		case r.MarkerHead:
			buf = append(buf, ` id="m-`...)
			buf = strconv.AppendInt(buf, int64(r.Start), 10)
			buf = append(buf, '"')
		case len(r.Anchors) > 0:
			buf = append(buf, ` id="c-`...)
			buf = strconv.AppendInt(buf, r.Anchors[0], 10)
			buf = append(buf, '"')
		}
	}
	buf = append(buf, '>')
	buf = append(buf, templ.EscapeString(r.Text)...)
	return append(buf, `</span>`...)
}

// appendRunClass appends a run's classes: marker runs look like badges, covered runs are
// coloured by the status of the last claim over them and darker where claims overlap.
func appendRunClass(buf []byte, r *Run) []byte {
	sep := false
	if r.MarkerRefs != "" {
		buf = append(buf, "mk"...)
		sep = true
	}
	if n := len(r.Claims); n > 0 {
		if sep {
			buf = append(buf, ' ')
		}
		buf = append(buf, "hl st-"...)
		buf = append(buf, templ.EscapeString(string(r.Claims[n-1].Status))...)
		switch {
		case n == 2:
			buf = append(buf, " ov2"...)
		case n >= 3:
			buf = append(buf, " ov3"...)
		}
		// Every other verdict of an overlap gets its own underline: u2-STATUS and u3-STATUS
		// colour the second and third, so no verdict hides behind the newest.
		var seen [maxUnderlines]citecheck.Status
		for i, st := range distinctVerdicts(seen[:0], r.Claims, maxUnderlines)[1:] {
			buf = append(buf, " u"...)
			buf = strconv.AppendInt(buf, int64(i+2), 10)
			buf = append(buf, '-')
			buf = append(buf, templ.EscapeString(string(st))...)
		}
	}
	return buf
}

// maxUnderlines is how many verdicts an overlap shows as underlines; its title names them all.
const maxUnderlines = 3

// distinctVerdicts appends to out the distinct verdicts of the claims over a run, the newest
// claim's first (it colours the run), until out holds max of them. The caller passes the room
// for them, so a page of tens of thousands of runs allocates nothing here.
func distinctVerdicts(out []citecheck.Status, claims []ClaimRef, max int) []citecheck.Status {
	for i := len(claims) - 1; i >= 0 && len(out) < max; i-- {
		if !slices.Contains(out, claims[i].Status) {
			out = append(out, claims[i].Status)
		}
	}
	return out
}

// appendOverlapTitle appends what an overlap holds, for the run's title: "3 claims:
// supported, unsupported, contradicted" (each verdict once, newest first).
func appendOverlapTitle(buf []byte, claims []ClaimRef) []byte {
	var seen [8]citecheck.Status // room for every verdict of the vocabulary (six)
	buf = strconv.AppendInt(buf, int64(len(claims)), 10)
	buf = append(buf, " claims: "...)
	for i, st := range distinctVerdicts(seen[:0], claims, len(seen)) {
		if i > 0 {
			buf = append(buf, ", "...)
		}
		buf = append(buf, templ.EscapeString(string(st))...)
	}
	return buf
}
