package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
)

// viewServer is a Server over the harness's store with only what documentState needs, so a
// test can look at the views it shares.
func viewServer(h *harness) *Server {
	return &Server{store: h.st, docs: newDocumentCache(4), states: newDocStateCache(4),
		bigSlots: make(chan struct{}, bigWorkSlots())}
}

// TestConcurrentReadersShareOneDocumentView asks for the view of a big document (one that takes
// a render slot) from many goroutines at once, then again: every one gets the same immutable
// view, built once, until a claim write makes the next reader build a new one, which the
// readers after it share again.
func TestConcurrentReadersShareOneDocumentView(t *testing.T) {
	h := newHarness(t, Config{})
	doc, _ := hotDocument(t, h, bigDocumentChars+10_000, 200)
	s := viewServer(h)
	ctx := t.Context()
	d, err := s.loadDocument(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.text.Len() < bigDocumentChars {
		t.Fatalf("the document has %d code points, want a big one", d.text.Len())
	}
	readAll := func() []*docState {
		const readers = 16
		got := make([]*docState, readers)
		var wg sync.WaitGroup
		for i := range readers {
			wg.Go(func() {
				st, err := s.documentState(ctx, d)
				if err != nil {
					t.Error(err)
				}
				got[i] = st
			})
		}
		wg.Wait()
		return got
	}
	first := readAll()
	for i, st := range first {
		if st != first[0] {
			t.Fatalf("reader %d got its own view %p, reader 0 got %p", i, st, first[0])
		}
	}
	if len(first[0].exported) != 200 || len(first[0].blocks) == 0 {
		t.Fatalf("the view holds %d claims and %d blocks", len(first[0].exported), len(first[0].blocks))
	}
	if again, _ := s.documentState(ctx, d); again != first[0] {
		t.Fatal("a later reader of the same state built a new view")
	}
	if _, err := h.st.CreateClaim(ctx, &citecheck.Claim{DocumentID: doc.ID, Start: 0, End: 5,
		Quote: d.text.Slice(0, 5), Refs: []int{30}, Status: citecheck.StatusUnverified, CreatedByID: h.userID("rita")}); err != nil {
		t.Fatal(err)
	}
	second := readAll()
	for i, st := range second {
		if st != second[0] || st == first[0] {
			t.Fatalf("after a write reader %d got view %p (first state %p, others %p)", i, st, first[0], second[0])
		}
	}
	if len(second[0].exported) != 201 || len(first[0].exported) != 200 {
		t.Fatalf("views hold %d and %d claims, want 200 then 201", len(first[0].exported), len(second[0].exported))
	}
	if second[0].d != first[0].d {
		t.Fatal("a claim write made the text be loaded again")
	}
}

// TestDocumentViewSeesAnotherProcessAtOnce changes a document's claims and evidence through a
// second store on the same file (another process: the CLI, a second server) between requests
// through the real router: the page and the check show each change on the very next request.
func TestDocumentViewSeesAnotherProcessAtOnce(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Kurds", "The Kurds[46] live in four countries.[30]\n\n[47] Two of them.")
	other, err := store.Open(h.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	ctx := context.Background()
	rita := h.userID("rita")
	page := fmt.Sprintf("/documents/%d", doc.ID)
	check := fmt.Sprintf("/api/v1/documents/%d/check", doc.ID)
	br := h.newBrowser()
	br.login("rita")
	state := func() (string, citecheck.SourcesCheck) {
		t.Helper()
		p := br.get(page)
		if p.status != http.StatusOK {
			t.Fatalf("page: %d", p.status)
		}
		r := h.do("GET", check, "rita", nil)
		var got citecheck.SourcesCheck
		r.json(t, &got)
		return string(p.body), got
	}
	body, got := state() // cache the view of the document without claims
	if len(got.Claims) != 0 || strings.Contains(body, "data-claims=") {
		t.Fatalf("a new document shows claims: %+v", got.Claims)
	}
	text := citecheck.NewText(doc.Text)
	cl, err := other.CreateClaim(ctx, &citecheck.Claim{DocumentID: doc.ID, Start: 4, End: 9,
		Quote: text.Slice(4, 9), Refs: []int{46}, Status: citecheck.StatusUnverified, CreatedByID: rita})
	if err != nil {
		t.Fatal(err)
	}
	mark := fmt.Sprintf(`data-claims="%d"`, cl.ID)
	for _, step := range []struct {
		name   string
		change func() error
		want   func(body string, c citecheck.SourcesCheck) bool
	}{
		{"created", func() error { return nil }, func(body string, c citecheck.SourcesCheck) bool {
			return strings.Contains(body, mark) && len(c.Claims) == 1 && c.ByStatus[citecheck.StatusUnverified] == 1
		}},
		{"status changed", func() error {
			var err error
			cl, err = other.UpdateClaim(ctx, cl.ID, cl.Version, rita, func(c *citecheck.Claim) error {
				c.Status = citecheck.StatusSupported
				return nil
			})
			return err
		}, func(body string, c citecheck.SourcesCheck) bool {
			return strings.Contains(body, "st-supported") && c.ByStatus[citecheck.StatusSupported] == 1 &&
				len(c.Claims) == 1 && hasCheck(c.Claims[0].Checks, "no-evidence")
		}},
		{"evidence added", func() error {
			src, err := citecheck.NewCapture("The source says they live in four countries.", "", "", 0)
			if err != nil {
				return err
			}
			src.DocumentID, src.Ref, src.Method, src.ContentType, src.CapturedByID = doc.ID, 46, citecheck.CapturePaste, "text/plain", rita
			if src, err = other.CreateCapture(ctx, src); err != nil {
				return err
			}
			q := "four countries"
			e, err := citecheck.NewEvidence(cl, src, citecheck.NewText(src.Text), citecheck.EvidenceInput{Start: 29, End: 43,
				Quote: &q, Stance: string(citecheck.StanceSupports)}, rita)
			if err != nil {
				return err
			}
			_, _, err = other.AddEvidence(ctx, e)
			return err
		}, func(_ string, c citecheck.SourcesCheck) bool {
			return len(c.Claims) == 1 && !hasCheck(c.Claims[0].Checks, "no-evidence")
		}},
		{"deleted", func() error { return other.DeleteClaim(ctx, cl.ID, rita) }, func(body string, c citecheck.SourcesCheck) bool {
			return !strings.Contains(body, mark) && len(c.Claims) == 0
		}},
	} {
		if err := step.change(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if body, got := state(); !step.want(body, got) {
			t.Errorf("%s by another process: the next request shows %+v", step.name, got)
		}
	}
}

func hasCheck(checks []citecheck.Check, code string) bool {
	for _, c := range checks {
		if c.Code == code {
			return true
		}
	}
	return false
}

// TestWholeClaimListFromTheViewEqualsTheStoresPages asks for the whole claim list, which the
// shared view answers, and for the same list as one page (limit), which the store reads in SQL,
// with each filter, on a document whose orphan sits among the anchored claims by its old
// offsets: both must give the same claims, in the same order, with the same checks.
func TestWholeClaimListFromTheViewEqualsTheStoresPages(t *testing.T) {
	h := newHarness(t, Config{})
	doc, _ := revisionDoc(t, h)
	if r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/revisions", doc.ID), "rita", map[string]any{"text": revText2}); r.status != http.StatusCreated {
		t.Fatalf("revise: %d %s", r.status, r.body)
	}
	s, e := runeSpan(t, revText2, "Closing.")
	if r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
		map[string]any{"start": s, "end": e, "refs": []int{2}, "status": "supported"}); r.status != http.StatusCreated {
		t.Fatalf("claim: %d %s", r.status, r.body)
	}
	list := func(query string) []json.RawMessage {
		t.Helper()
		var ans struct{ Claims []json.RawMessage }
		r := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims?%s", doc.ID, query), "rita", nil)
		if r.status != http.StatusOK {
			t.Fatalf("list %s: %d %s", query, r.status, r.body)
		}
		r.json(t, &ans)
		return ans.Claims
	}
	all := list("")
	if len(all) != 4 || !strings.Contains(string(all[2]), `"anchor":"orphaned"`) {
		t.Fatalf("whole list: %d claims, the orphan not third among them:\n%s", len(all), all)
	}
	for _, q := range []string{"", "status=supported", "status=unverified", "review=approved", "ref=1", "ref=2", "ref=9"} {
		whole, paged := list(q), list(q+"&limit=1000")
		if !slices.EqualFunc(whole, paged, func(a, b json.RawMessage) bool { return string(a) == string(b) }) {
			t.Errorf("%q: the whole list differs from its page:\n%s\n%s", q, whole, paged)
		}
	}
}
