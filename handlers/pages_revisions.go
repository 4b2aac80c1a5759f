package handlers

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/anchor"
	"github.com/citecheck/citecheck/views"
)

// maxDiffBytes bounds the texts the revision view diffs; past it the page shows the new text
// with its claims but no diff.
const maxDiffBytes = 2 << 20

// reanchorTarget is the orphan named by ?reanchor=ID, which the next selection places; nil when
// there is none or it is not an orphan.
func reanchorTarget(c echo.Context, orphans []citecheck.Claim) *citecheck.Claim {
	id, err := strconv.ParseInt(c.QueryParam("reanchor"), 10, 64)
	if err != nil {
		return nil
	}
	for i := range orphans {
		if orphans[i].ID == id {
			return &orphans[i]
		}
	}
	return nil
}

// createRevisionPage takes the new revision form: pasted text or an uploaded .txt file. It
// opens the new revision's page, with the counts of its anchors, or shows the document again
// with the refusal.
func (s *Server) createRevisionPage(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	text := c.FormValue("text")
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		if fh.Size > int64(s.cfg.MaxTextBytes)+3 {
			return s.renderDocumentWith(c, http.StatusRequestEntityTooLarge,
				fmt.Sprintf("The file is larger than the limit of %d bytes.", s.cfg.MaxTextBytes), "")
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			return err
		}
		text = string(b)
	}
	res, err := s.revise(c, text)
	if err != nil {
		if citecheck.ErrorCode(err) == "internal" {
			return err
		}
		status, detail := s.toDetail(c, err)
		if detail.Code == citecheck.ECodeNotFound {
			return err
		}
		keep := text
		if len(keep) > 1<<20 {
			keep = ""
		}
		return s.renderDocumentWith(c, status, detail.Message, keep)
	}
	n := res.Counts
	msg := fmt.Sprintf("Revision %d saved: %d exact, %d moved, %d fuzzy, %d orphaned.",
		res.Revision, n.Exact, n.Moved, n.Fuzzy, n.Orphaned)
	return redirectWithFlash(c, fmt.Sprintf("%s/revisions/%d", docURL(d.doc.ID), res.Revision), msg, false)
}

// revisionPage shows revision n: the diff from revision n-1 with the claims of revision n
// marked by anchor kind (as they are now for the current revision, as they were for an older
// one), the counts, and the orphan tray.
func (s *Server) revisionPage(c echo.Context) error {
	ans, d, err := s.loadRevision(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v := views.RevisionView{Doc: d.doc, Revision: ans.RevisionSummary, Current: ans.Current}
	if v.Revisions, err = s.store.Revisions(ctx, d.doc.ID); err != nil {
		return err
	}
	var orphansOfPrev []citecheck.Claim // claims of revision n-1 that did not come into n
	if ans.Current {
		st, err := s.documentState(ctx, d)
		if err != nil {
			return err
		}
		v.Orphans = st.orphans
		orphansOfPrev = citecheck.OrphanedBy(ans.Number, v.Orphans)
	} else if ans.Number > 1 {
		prev, err := s.store.RevisionClaims(ctx, d.doc.ID, ans.Number-1)
		if err != nil {
			return err
		}
		orphansOfPrev = citecheck.OrphansOf(prev, ans.Claims)
	}
	oldText := ""
	if ans.Number > 1 {
		prev, err := s.store.Revision(ctx, d.doc.ID, ans.Number-1)
		if err != nil {
			return err
		}
		oldText = prev.Text
	}
	var chunks []anchor.DiffChunk
	switch {
	case ans.Number == 1:
		chunks = []anchor.DiffChunk{{Op: anchor.DiffEqual, Text: ans.Text}}
	case len(oldText)+len(ans.Text) > maxDiffBytes:
		chunks = []anchor.DiffChunk{{Op: anchor.DiffEqual, Text: ans.Text}}
		v.Truncated = true
	default:
		chunks = anchor.WordDiff(oldText, ans.Text)
	}
	v.Runs = diffRuns(chunks, ans.Claims, orphansOfPrev)
	if ans.Current {
		v.Candidates = orphanCandidates(ans.Text, v.Orphans)
	}
	for _, cl := range ans.Claims {
		if cl.Anchor == string(citecheck.AnchorMoved) || cl.Anchor == string(citecheck.AnchorFuzzy) {
			v.Claims = append(v.Claims, views.RevisionClaim{Claim: cl, Kind: cl.Anchor})
		}
	}
	for _, cl := range orphansOfPrev {
		v.Claims = append(v.Claims, views.RevisionClaim{Claim: cl, Kind: string(citecheck.AnchorOrphaned)})
	}
	p := s.page(c, fmt.Sprintf("%s — revision %d", d.doc.Title, ans.Number))
	return s.render(c, http.StatusOK, views.RevisionPage(p, v))
}

// candidateBudget bounds the work of the tray's candidate searches on one page view (code
// points of text times 64-code-point blocks of quote, summed over orphans): each search is a
// pass over the text, and a page must stay fast on a 1 MB text with many orphans. Orphans past
// it are shown without candidates.
const candidateBudget = 1 << 26

// orphanCandidates finds, for each orphan with an old quote, up to three passages of the
// current text it may have become, while the budget lasts.
func orphanCandidates(text string, orphans []citecheck.Claim) map[int64][]views.OrphanCandidate {
	out := map[int64][]views.OrphanCandidate{}
	n, budget := utf8.RuneCountInString(text), candidateBudget
	for _, o := range orphans {
		if budget -= n * (utf8.RuneCountInString(o.Quote) + 63) / 64; budget < 0 {
			break
		}
		for _, c := range anchor.Candidates(text, o) {
			out[o.ID] = append(out[o.ID], views.OrphanCandidate{Start: c.Start, End: c.End, Quote: c.Quote, Score: c.Score})
		}
	}
	return out
}

// acceptCandidatePage anchors an orphan at the passage the tray offered, through the same
// change as a claim PATCH with start and end: checked against the current text, recorded in
// the claim's history, and back to pending. It returns to the current revision's page.
func (s *Server) acceptCandidatePage(c echo.Context) error {
	cl, d, err := s.claimFromPath(c)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("%s/revisions/%d#orphans", docURL(d.doc.ID), d.doc.Revision)
	version, errV := strconv.Atoi(c.FormValue("version"))
	start, errS := strconv.Atoi(c.FormValue("start"))
	end, errE := strconv.Atoi(c.FormValue("end"))
	if errV != nil || errS != nil || errE != nil {
		return redirectWithFlash(c, back, "The candidate form is missing its version, start or end.", true)
	}
	if !isOrphan(d, cl) {
		return redirectWithFlash(c, back, fmt.Sprintf("Claim #%d is anchored already.", cl.ID), true)
	}
	if _, err := s.changeClaim(c, d, cl.ID, version, citecheck.ClaimChange{Start: &start, End: &end}); err != nil {
		if citecheck.ErrorCode(err) == "internal" {
			return err
		}
		_, detail := s.toDetail(c, err)
		return redirectWithFlash(c, back, fmt.Sprintf("Claim #%d was not re-anchored: %s", cl.ID, detail.Message), true)
	}
	return redirectWithFlash(c, back, fmt.Sprintf("Claim #%d re-anchored at the accepted passage.", cl.ID), false)
}

// kindRank orders anchor kinds for marking: where claims overlap, the least certain shows.
var kindRank = map[string]int8{
	string(citecheck.AnchorExact): 1, string(citecheck.AnchorMoved): 2,
	string(citecheck.AnchorFuzzy): 3, string(citecheck.AnchorOrphaned): 4,
}

var rankKind = []string{"", string(citecheck.AnchorExact), string(citecheck.AnchorMoved),
	string(citecheck.AnchorFuzzy), string(citecheck.AnchorOrphaned)}

// diffRuns cuts the diff chunks where the anchor kind of the claims over them changes: claims
// (in the new text) over equal and inserted text, orphans (in the old text) over deleted and
// equal text.
func diffRuns(chunks []anchor.DiffChunk, claims, orphans []citecheck.Claim) []views.DiffRun {
	newLen, oldLen := 0, 0
	for _, ch := range chunks {
		n := len([]rune(ch.Text))
		if ch.Op != anchor.DiffDelete {
			newLen = max(newLen, ch.NewStart+n)
		}
		if ch.Op != anchor.DiffInsert {
			oldLen = max(oldLen, ch.OldStart+n)
		}
	}
	newRank, newClaim := paint(newLen, claims, 0)
	oldRank, oldClaim := paint(oldLen, orphans, kindRank[string(citecheck.AnchorOrphaned)])
	var out []views.DiffRun
	for _, ch := range chunks {
		op := map[anchor.DiffOp]string{anchor.DiffEqual: "eq", anchor.DiffDelete: "del", anchor.DiffInsert: "ins"}[ch.Op]
		rs := []rune(ch.Text)
		start := 0
		at := func(i int) (int8, int64) {
			var r int8
			var id int64
			if ch.Op != anchor.DiffDelete {
				r, id = newRank[ch.NewStart+i], newClaim[ch.NewStart+i]
			}
			if ch.Op != anchor.DiffInsert && oldRank[ch.OldStart+i] > r {
				r, id = oldRank[ch.OldStart+i], oldClaim[ch.OldStart+i]
			}
			return r, id
		}
		for i := 1; i <= len(rs); i++ {
			r0, id0 := at(start)
			if i < len(rs) {
				if r1, _ := at(i); r1 == r0 {
					continue
				}
			}
			out = append(out, views.DiffRun{Op: op, Text: string(rs[start:i]), Kind: rankKind[r0], Claim: id0})
			start = i
		}
	}
	return out
}

// paint marks each code point of a text of n code points with the highest anchor rank of the
// claims over it (force, when not 0, instead of each claim's own), and one of those claims.
func paint(n int, claims []citecheck.Claim, force int8) ([]int8, []int64) {
	rank := make([]int8, n)
	ids := make([]int64, n)
	for _, cl := range claims {
		k := kindRank[cl.Anchor]
		if force != 0 {
			k = force
		}
		if k == 0 {
			k = 1
		}
		for i := max(cl.Start, 0); i < min(cl.End, n); i++ {
			if k > rank[i] {
				rank[i], ids[i] = k, cl.ID
			}
		}
	}
	return rank, ids
}
