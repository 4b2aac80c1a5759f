package handlers

import (
	"fmt"
	"math/rand"
	"net/http"
	"reflect"
	"testing"

	"github.com/citecheck/citecheck"
)

// TestPatchedDocumentViewEqualsAFullBuild makes random claim writes through the API (creates,
// span and status changes, reviews, deletions to the trash, restores, evidence added and
// removed) on a document of several blocks with orphans, a few at a time, and after each round
// asks for the shared view, which is patched from the previous one: it must equal the view built
// from scratch out of all the claims read at the same moment, field by field, blocks included.
func TestPatchedDocumentViewEqualsAFullBuild(t *testing.T) {
	h := newHarness(t, Config{})
	doc, _ := hotDocument(t, h, 24_000, 60)
	text := []rune(doc.Text)
	// Revise the text so that the claims over a dropped stretch become orphans.
	cut := len(text) / 3
	revised := string(text[:cut]) + string(text[cut+900:])
	if r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/revisions", doc.ID), "rita", map[string]any{"text": revised}); r.status != http.StatusCreated {
		t.Fatalf("revise: %d %s", r.status, r.body)
	}
	text = []rune(revised)
	var src struct{ ID int64 }
	if r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/references/31/sources", doc.ID), "rita",
		map[string]any{"text": "What the source says about the talks in Vienna."}); r.status != http.StatusCreated {
		t.Fatalf("source: %d %s", r.status, r.body)
	} else {
		r.json(t, &src)
	}
	s := viewServer(h)
	ctx := t.Context()
	rng := rand.New(rand.NewSource(12))
	var trashed, evidence []int64
	claimIDs := func() []int64 {
		read, err := h.st.ClaimsWithMark(ctx, doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, len(read.Claims))
		for i, c := range read.Claims {
			ids[i] = c.ID
		}
		return ids
	}
	version := func(id int64) int {
		var c citecheck.Claim
		h.do("GET", fmt.Sprintf("/api/v1/claims/%d", id), "rita", nil).json(t, &c)
		return c.Version
	}
	span := func() (int, int) {
		a := rng.Intn(len(text) - 400)
		for text[a] == ' ' || text[a] == '\n' {
			a++
		}
		return a, a + 5 + rng.Intn(300)
	}
	pick := func(ids []int64) int64 { return ids[rng.Intn(len(ids))] }
	writes := map[string]int{}
	write := func() {
		ids := claimIDs()
		var r response
		op := rng.Intn(8)
		switch {
		case op == 0 || len(ids) == 0:
			a, b := span()
			r = h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
				map[string]any{"start": a, "end": b, "refs": []int{30 + rng.Intn(3)}})
			op = 0
		case op == 1:
			id := pick(ids)
			a, b := span()
			r = h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", id), "rita", map[string]any{"version": version(id), "start": a, "end": b})
		case op == 2:
			id := pick(ids)
			r = h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", id), "rita", map[string]any{"version": version(id),
				"status": citecheck.Statuses[rng.Intn(len(citecheck.Statuses))], "refs": []int{30 + rng.Intn(4)}})
		case op == 3:
			id := pick(ids)
			r = h.do("POST", fmt.Sprintf("/api/v1/claims/%d/review", id), "ed",
				map[string]any{"decision": "approved", "version": version(id), "override": true})
		case op == 4:
			id := pick(ids)
			if r = h.do("DELETE", fmt.Sprintf("/api/v1/claims/%d", id), "rita", nil); r.status == http.StatusNoContent {
				trashed = append(trashed, id)
			}
		case op == 5 && len(trashed) > 0:
			k := rng.Intn(len(trashed))
			id := trashed[k]
			if r = h.do("POST", fmt.Sprintf("/api/v1/claims/%d/restore", id), "rita", nil); r.status == http.StatusOK {
				trashed = append(trashed[:k], trashed[k+1:]...)
			}
		case op == 6 || op == 5:
			var e struct{ ID int64 }
			if r = h.do("POST", fmt.Sprintf("/api/v1/claims/%d/evidence", pick(ids)), "rita", map[string]any{
				"source_id": src.ID, "start": 0, "end": 4, "stance": "supports"}); r.status == http.StatusCreated {
				r.json(t, &e)
				evidence = append(evidence, e.ID)
			}
			op = 6
		case len(evidence) > 0:
			k := rng.Intn(len(evidence))
			r = h.do("DELETE", fmt.Sprintf("/api/v1/evidence/%d", evidence[k]), "rita", nil)
			evidence = append(evidence[:k], evidence[k+1:]...)
		default:
			return
		}
		if r.status < 300 {
			writes[[]string{"create", "span", "status", "review", "delete", "restore", "evidence", "unevidence"}[op]]++
		}
	}
	patched := 0
	var prev *docState
	for round := range 80 {
		for range 1 + rng.Intn(3) {
			write()
		}
		d, err := s.loadDocument(ctx, doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		st, err := s.documentState(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		read, err := h.st.ClaimsWithMark(ctx, doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if read.Stamp != st.stamp {
			t.Fatalf("round %d: the view is of %+v, the store is at %+v", round, st.stamp, read.Stamp)
		}
		if diff := viewDiff(st, newDocState(st.d, read)); diff != "" {
			t.Fatalf("round %d (writes so far %v): the patched view differs from a full build: %s", round, writes, diff)
		}
		if prev != nil && st.checker == prev.checker {
			patched++
		}
		prev = st
	}
	if patched < 70 || len(prev.orphans) == 0 {
		t.Errorf("%d of 80 views were patched, %d orphans; writes %v", patched, len(prev.orphans), writes)
	}
	for _, op := range []string{"create", "span", "status", "review", "delete", "restore", "evidence", "unevidence"} {
		if writes[op] == 0 {
			t.Errorf("no %s among the writes %v", op, writes)
		}
	}
	t.Logf("%d views patched; writes %v; %d claims, %d orphans", patched, writes, len(prev.claims), len(prev.orphans))
}

// viewDiff says how two views of a document differ in what they answer, or "" when they do not.
func viewDiff(got, want *docState) string {
	for _, f := range []struct {
		name      string
		got, want any
	}{
		{"stamp", got.stamp, want.stamp}, {"mark", got.mark, want.mark},
		{"claims", got.claims, want.claims}, {"orphans", got.orphans, want.orphans},
		{"exported", got.exported, want.exported}, {"check", got.check, want.check},
		{"cover", got.cover, want.cover}, {"summary", got.summary, want.summary}, {"cuts", got.cuts, want.cuts},
	} {
		if !reflect.DeepEqual(f.got, f.want) {
			return fmt.Sprintf("%s:\n got %+v\nwant %+v", f.name, f.got, f.want)
		}
	}
	if len(got.blocks) != len(want.blocks) {
		return fmt.Sprintf("%d blocks, want %d", len(got.blocks), len(want.blocks))
	}
	for i := range got.blocks {
		if !reflect.DeepEqual(got.blocks[i], want.blocks[i]) {
			return fmt.Sprintf("block %d:\n got %+v\nwant %+v", i, got.blocks[i], want.blocks[i])
		}
	}
	return ""
}

// TestDocumentViewSeesAWriteWithoutHistory changes a claim with plain SQL on the database file,
// as the sqlite3 shell would, writing no history: the view cannot be patched from the history
// then, and the next request builds it from all the claims, so it shows the change at once.
func TestDocumentViewSeesAWriteWithoutHistory(t *testing.T) {
	h := newHarness(t, Config{})
	doc, claims := hotDocument(t, h, 12_000, 20)
	s := viewServer(h)
	ctx := t.Context()
	d, err := s.loadDocument(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	before, err := s.documentState(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	db := h.rawDB(false)
	if _, err := db.ExecContext(ctx, `UPDATE claims SET status = 'contradicted' WHERE id = ?`, claims[3].ID); err != nil {
		t.Fatal(err)
	}
	after, err := s.documentState(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if after == before || after.checker == before.checker {
		t.Fatal("a write without history was patched into the old view, or not seen")
	}
	if got := after.summary.ByStatus[citecheck.StatusContradicted]; got != before.summary.ByStatus[citecheck.StatusContradicted]+1 {
		t.Errorf("the view counts %d contradicted claims after the write, %d before", got, before.summary.ByStatus[citecheck.StatusContradicted])
	}
}
