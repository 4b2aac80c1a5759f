package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store/pgtest"
)

// search runs q (what a user typed) with the filters in base and fails the test on an error.
func search(t *testing.T, s *Store, q string, base citecheck.SearchQuery) ([]citecheck.SearchResult, *citecheck.SearchCursor) {
	t.Helper()
	terms, prefix, err := citecheck.ParseSearchTerms(q)
	if err != nil {
		t.Fatalf("ParseSearchTerms(%q): %v", q, err)
	}
	base.Terms, base.Prefix = terms, prefix
	if base.Limit == 0 {
		base.Limit = citecheck.DefaultSearchLimit
	}
	res, next, err := s.Search(context.Background(), base)
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	return res, next
}

// hits names each result as kind:id, in order.
func hits(res []citecheck.SearchResult) []string {
	out := make([]string, len(res))
	for i, r := range res {
		out[i] = fmt.Sprintf("%s:%d", r.Kind, r.ID)
	}
	return out
}

func newTextDoc(t *testing.T, s *Store, u *citecheck.User, title, text string) *citecheck.Document {
	t.Helper()
	d, err := s.CreateDocument(context.Background(), &citecheck.Document{Title: title, Text: text,
		TextSHA256: citecheck.TextSHA256(text), Length: citecheck.NewText(text).Len(),
		Citations: citecheck.ParseCitations(text), References: citecheck.DetectReferences(text), CreatedByID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// indexedRows lists the index's rows as the tables say they should be, and as search_entries
// holds them, each as "kind object part start end head|body", for a comparison.
func indexedRows(t *testing.T, s *Store) (want, got []string) {
	t.Helper()
	ctx := context.Background()
	row := func(kind string, id int64, part int, start, end sql.NullInt64, head, body string) string {
		return fmt.Sprintf("%s %d %d %v %v %s|%s", kind, id, part, start, end, head, body)
	}
	null := sql.NullInt64{}
	span := func(a, b int) (sql.NullInt64, sql.NullInt64) {
		return sql.NullInt64{Int64: int64(a), Valid: true}, sql.NullInt64{Int64: int64(b), Valid: true}
	}
	docs, err := s.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, sum := range docs {
		d, err := s.Document(ctx, sum.ID)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, row("document", d.ID, 0, null, null, d.Title, ""))
		for i, p := range citecheck.Passages(d.Text) {
			a, b := span(p.Start, p.End)
			want = append(want, row("document", d.ID, i+1, a, b, "", p.Text))
		}
		if d.References != nil {
			for _, e := range d.References.Entries {
				a, b := span(e.Start, e.End)
				if e.Manual {
					a, b = null, null
				}
				want = append(want, row("reference", int64(e.Number), 0, a, b, e.Text, e.URL))
			}
		}
		claims, err := s.Claims(ctx, d.ID, citecheck.ClaimFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range claims {
			a, b := span(c.Start, c.End)
			want = append(want, row("claim", c.ID, 0, a, b, c.Quote, c.Note))
			comments, err := s.Comments(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, cm := range comments {
				want = append(want, row("claim", c.ID, int(cm.ID), null, null, "", cm.Body))
			}
		}
		caps, err := s.CapturesWithText(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range caps {
			want = append(want, row("source", c.ID, 0, null, null, c.Title, c.URL))
			for i, p := range citecheck.Passages(c.Text) {
				a, b := span(p.Start, p.End)
				want = append(want, row("source", c.ID, i+1, a, b, "", p.Text))
			}
		}
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT kind, object_id, part, start, "end", head, body FROM search_entries`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			kind, head, body string
			id               int64
			part             int
			a, b             sql.NullInt64
		)
		if err := rows.Scan(&kind, &id, &part, &a, &b, &head, &body); err != nil {
			t.Fatal(err)
		}
		got = append(got, row(kind, id, part, a, b, head, body))
	}
	slices.Sort(want)
	slices.Sort(got)
	return want, got
}

// checkIndexConsistent fails unless search_entries holds exactly the rows the tables call for
// and the full-text index agrees with it: on SQLite, FTS5's integrity-check reads both; on
// PostgreSQL, every row's stored tsvector is the one its head and body make now (a change of the
// text search configuration or of unaccent's rules since it was written would break that).
func checkIndexConsistent(t *testing.T, s *Store) {
	t.Helper()
	want, got := indexedRows(t, s)
	if !slices.Equal(want, got) {
		t.Fatalf("index out of step with the tables:\nwant %q\n got %q", want, got)
	}
	if s.pg {
		var stale int
		if err := s.reader.QueryRow(`SELECT count(*) FROM search_entries WHERE tsv IS DISTINCT FROM search_vector(head, body)`).Scan(&stale); err != nil || stale != 0 {
			t.Fatalf("tsvector check: %d stale rows, %v", stale, err)
		}
		return
	}
	if _, err := s.writer.Exec(`INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Fatalf("FTS5 integrity-check: %v", err)
	}
}

// TestSearchIndexFollowsEveryWrite creates, changes and deletes documents, claims, reference
// lists, revisions and sources, and after each step finds the index exactly as the tables say.
func TestSearchIndexFollowsEveryWrite(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	u := mustUser(t, s, "rita", citecheck.RoleReviewer)
	text := "The committee met in Riyadh. [1]\n\nTalks stalled in Geneva. [2]\n\nReferences\n[1] Reuters, 10 Dec 2015 https://example.org/r\n[2] BBC News\n"
	d := newTextDoc(t, s, u, "Syrian talks", text)
	other := newTextDoc(t, s, u, "Other", "Another text entirely.")
	checkIndexConsistent(t, s)

	c := claimOn(t, s, u, d, "The committee met in Riyadh.")
	checkIndexConsistent(t, s)
	if _, err := s.UpdateClaim(ctx, c.ID, c.Version, u.ID, func(cl *citecheck.Claim) error {
		cl.Note = "Checked against the Reuters wire."
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	checkIndexConsistent(t, s)

	refs := citecheck.DetectReferences(text)
	refs.Entries = append(refs.Entries, citecheck.Reference{Number: 3, Text: "Al Jazeera, by hand", Manual: true})
	if err := s.SetReferences(ctx, d.ID, u.ID, refs); err != nil {
		t.Fatal(err)
	}
	checkIndexConsistent(t, s)

	cp, err := citecheck.NewCapture("The wire said the committee met in Riyadh on 10 December.", "Reuters wire", "https://example.org/r", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	cp.DocumentID, cp.Ref, cp.CapturedByID = d.ID, 1, u.ID
	if _, err := s.CreateCapture(ctx, cp); err != nil {
		t.Fatal(err)
	}
	checkIndexConsistent(t, s)

	if _, err := s.ReviseDocument(ctx, plan(t, s, d, "The committee met in Riyadh. [1]\n\nTalks resumed in Vienna. [2]\n", u.ID)); err != nil {
		t.Fatal(err)
	}
	checkIndexConsistent(t, s)
	if res, _ := search(t, s, "Geneva", citecheck.SearchQuery{}); len(res) != 0 {
		t.Fatalf("the revised-away text is still found: %v", hits(res))
	}
	if res, _ := search(t, s, "Vienna", citecheck.SearchQuery{}); !slices.Equal(hits(res), []string{fmt.Sprintf("document:%d", d.ID)}) {
		t.Fatalf("the new text is not found: %v", hits(res))
	}

	// A claim's discussion is found as the claim (migration 0021).
	if _, err := s.AddComment(ctx, c.ID, u.ID, "Ask the harbourmaster about Riyadh"); err != nil {
		t.Fatal(err)
	}
	checkIndexConsistent(t, s)
	if res, _ := search(t, s, "harbourmaster", citecheck.SearchQuery{}); !slices.Equal(hits(res), []string{fmt.Sprintf("claim:%d", c.ID)}) {
		t.Fatalf("a comment is not found as its claim: %v", hits(res))
	}
	// A claim is one result however many of its rows match: its quote and a comment, or two
	// comments. Its best row stands for it: the quote (the head weighs most) when it matches.
	if _, err := s.AddComment(ctx, c.ID, u.ID, "The harbourmaster confirmed it"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"Riyadh", "harbourmaster"} {
		res, _ := search(t, s, q, citecheck.SearchQuery{Kind: citecheck.SearchClaim})
		if !slices.Equal(hits(res), []string{fmt.Sprintf("claim:%d", c.ID)}) {
			t.Fatalf("%s: the claim is found as %v, want once", q, hits(res))
		}
		if want := map[string]string{"Riyadh": "committee", "harbourmaster": "harbourmaster"}[q]; !strings.Contains(res[0].Snippet, want) {
			t.Errorf("%s: the claim's result shows %q, want %q in it", q, res[0].Snippet, want)
		}
		if _, next := search(t, s, q, citecheck.SearchQuery{Kind: citecheck.SearchClaim, Limit: 1}); next != nil {
			t.Errorf("%s: a page of one result has a next page: the claim would come again", q)
		}
	}
	if err := s.DeleteClaim(ctx, c.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	checkIndexConsistent(t, s)
	if res, _ := search(t, s, "harbourmaster", citecheck.SearchQuery{}); len(res) != 0 {
		t.Fatalf("a trashed claim's comment is found: %v", hits(res))
	}
	if err := s.DeleteDocument(ctx, d.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	checkIndexConsistent(t, s)
	if res, _ := search(t, s, "Riyadh", citecheck.SearchQuery{}); len(res) != 0 {
		t.Fatalf("a deleted document is still found: %v", hits(res))
	}
	if res, _ := search(t, s, "another", citecheck.SearchQuery{}); !slices.Equal(hits(res), []string{fmt.Sprintf("document:%d", other.ID)}) {
		t.Fatalf("the other document: %v", hits(res))
	}

	// Out of the trash, the document is found again with its passages, references, sources
	// and the claims that went with it (migration 0020); a claim trashed before it stays out.
	kept := claimOn(t, s, u, other, "Another text")
	if _, err := s.AddComment(ctx, kept.ID, u.ID, "its comment comes back with it"); err != nil {
		t.Fatal(err)
	}
	gone := claimOn(t, s, u, other, "entirely")
	if err := s.DeleteClaim(ctx, gone.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDocument(ctx, other.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	checkIndexConsistent(t, s)
	if res, _ := search(t, s, "another", citecheck.SearchQuery{}); len(res) != 0 {
		t.Fatalf("a trashed document is found: %v", hits(res))
	}
	if err := s.UndeleteDocument(ctx, other.ID, u.ID, func(citecheck.Trashed) error { return nil }); err != nil {
		t.Fatal(err)
	}
	checkIndexConsistent(t, s)
	want := []string{fmt.Sprintf("claim:%d", kept.ID), fmt.Sprintf("document:%d", other.ID)}
	if res, _ := search(t, s, "another", citecheck.SearchQuery{}); !slices.Equal(slices.Sorted(slices.Values(hits(res))), want) {
		t.Fatalf("after the restore: %v, want %v", hits(res), want)
	}
}

// TestSearchRanksQuoteAndTitleAboveText searches a designed set: the word in a title, in a
// claim's quote, in a note and in a long passage. Title and quote come before note and text,
// and a passage with the word twice comes before a like one with it once.
func TestSearchRanksQuoteAndTitleAboveText(t *testing.T) {
	s := mustOpen(t)
	u := mustUser(t, s, "rita", citecheck.RoleReviewer)
	filler := strings.Repeat("words that say nothing much ", 3)
	titled := newTextDoc(t, s, u, "Ceasefire", "A text about other things. "+filler)
	body := newTextDoc(t, s, u, "Body", "Talk of a ceasefire in passing. "+filler+"\nA ceasefire, and again a ceasefire. "+filler)
	quoted := newTextDoc(t, s, u, "Quoted", "The ceasefire held. "+filler)
	c := claimOn(t, s, u, quoted, "The ceasefire held.")
	noted := newTextDoc(t, s, u, "Noted", "Nothing here. "+filler)
	n := claimOn(t, s, u, noted, "Nothing here.")
	if _, err := s.UpdateClaim(context.Background(), n.ID, n.Version, u.ID, func(cl *citecheck.Claim) error {
		cl.Note = "Compare the ceasefire of 2016 and its many long and winding terms."
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	res, _ := search(t, s, "ceasefire", citecheck.SearchQuery{})
	got := hits(res)
	want := []string{fmt.Sprintf("claim:%d", c.ID), fmt.Sprintf("document:%d", titled.ID)}
	if len(got) < 2 || !slices.Equal(slices.Sorted(slices.Values(got[:2])), slices.Sorted(slices.Values(want))) {
		t.Fatalf("quote and title should lead: %v", got)
	}
	// Of the two passages of body, the one with the word twice ranks first.
	var passages []citecheck.SearchResult
	for _, r := range res {
		if r.Kind == citecheck.SearchDocument && r.ID == body.ID {
			passages = append(passages, r)
		}
	}
	if len(passages) != 2 || *passages[0].Start <= *passages[1].Start {
		t.Fatalf("passages of %d: %+v", body.ID, passages)
	}
	for i := 1; i < len(res); i++ {
		if res[i].Score > res[i-1].Score {
			t.Fatalf("not best first at %d: %v", i, res)
		}
	}
	if !strings.Contains(strings.ToLower(res[0].Snippet), citecheck.SnippetOpen+"ceasefire"+citecheck.SnippetClose) {
		t.Fatalf("snippet without its marked match: %q", res[0].Snippet)
	}
}

// TestSearchFilters narrows by kind, status, review, checker and document.
func TestSearchFilters(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	rita := mustUser(t, s, "rita", citecheck.RoleReviewer)
	ralph := mustUser(t, s, "ralph", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	d1 := newTextDoc(t, s, rita, "Oil prices", "Oil rose by a third. [1]\nOil fell again. [1]")
	d2 := newTextDoc(t, s, rita, "More oil", "Oil, oil everywhere.")
	a := claimOn(t, s, rita, d1, "Oil rose by a third.") // supported
	b := claimOn(t, s, ralph, d1, "Oil fell again.")
	if _, err := s.UpdateClaim(ctx, b.ID, b.Version, ralph.ID, func(cl *citecheck.Claim) error {
		cl.Status = citecheck.StatusContradicted
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateClaim(ctx, a.ID, a.Version, ed.ID, func(cl *citecheck.Claim) error {
		cl.Review = citecheck.ReviewApproved
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	claimHit := func(c *citecheck.Claim) string { return fmt.Sprintf("claim:%d", c.ID) }
	for _, tc := range []struct {
		name string
		q    citecheck.SearchQuery
		want []string
	}{
		{"kind claim", citecheck.SearchQuery{Kind: citecheck.SearchClaim}, []string{claimHit(a), claimHit(b)}},
		{"status", citecheck.SearchQuery{Status: citecheck.StatusContradicted}, []string{claimHit(b)}},
		{"review", citecheck.SearchQuery{Review: citecheck.ReviewApproved}, []string{claimHit(a)}},
		{"checker", citecheck.SearchQuery{Checker: "ralph"}, []string{claimHit(b)}},
		{"unknown checker", citecheck.SearchQuery{Checker: "nobody"}, nil},
		{"document and kind", citecheck.SearchQuery{DocumentID: d2.ID, Kind: citecheck.SearchDocument}, []string{fmt.Sprintf("document:%d", d2.ID), fmt.Sprintf("document:%d", d2.ID)}},
		{"kind source", citecheck.SearchQuery{Kind: citecheck.SearchSource}, nil},
	} {
		res, _ := search(t, s, "oil", tc.q)
		got := hits(res)
		slices.Sort(got)
		slices.Sort(tc.want)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestSearchPagesWithTheCursor pages through 25 matches 10 at a time: every match once, in
// the order of one unpaged search, and no cursor after the last page.
func TestSearchPagesWithTheCursor(t *testing.T) {
	s := mustOpen(t)
	u := mustUser(t, s, "rita", citecheck.RoleReviewer)
	var lines []string
	for i := range 25 {
		lines = append(lines, fmt.Sprintf("Line %d mentions the harbour%s.", i, strings.Repeat(" again", i%4)))
	}
	newTextDoc(t, s, u, "Harbour log", strings.Join(lines, "\n"))
	all, next := search(t, s, "harbour", citecheck.SearchQuery{Kind: citecheck.SearchDocument, Limit: 100})
	if len(all) != 26 || next != nil { // the title and 25 lines
		t.Fatalf("unpaged: %d results, next %v", len(all), next)
	}
	var paged []citecheck.SearchResult
	var after *citecheck.SearchCursor
	for page := 0; ; page++ {
		res, next := search(t, s, "harbour", citecheck.SearchQuery{Kind: citecheck.SearchDocument, Limit: 10, After: after})
		paged = append(paged, res...)
		if next == nil {
			break
		}
		if page > 3 {
			t.Fatal("the cursor never ends")
		}
		c, err := citecheck.ParseSearchCursor(next.Encode())
		if err != nil || *c != *next {
			t.Fatalf("cursor round trip: %v %v", c, err)
		}
		after = c
	}
	if len(paged) != len(all) {
		t.Fatalf("paged %d, unpaged %d", len(paged), len(all))
	}
	for i := range all {
		if all[i].Score != paged[i].Score || (all[i].Start == nil) != (paged[i].Start == nil) || all[i].Start != nil && *all[i].Start != *paged[i].Start {
			t.Fatalf("result %d differs: %+v vs %+v", i, all[i], paged[i])
		}
	}
}

// TestSearchUnicode finds accented words without their accents (and the reverse), Arabic
// words, words beside emoji, Greek in any case, and a prefix; its offsets count code points.
// (FTS5's unicode61 removes the diacritics of Latin letters only: Greek tonos and Arabic
// harakat must be typed as written.)
func TestSearchUnicode(t *testing.T) {
	s := mustOpen(t)
	u := mustUser(t, s, "rita", citecheck.RoleReviewer)
	text := "🎉🎉 Le café de la gare 👍🏽 était fermé.\nقال المتحدث إن المفاوضات ستستأنف.\nΗ Αθήνα αποφάσισε."
	d := newTextDoc(t, s, u, "Señor Ñandú", text)
	for _, tc := range []struct {
		q, match string
	}{
		{"cafe", "café"},
		{"CAFÉ", "café"},
		{"etait ferme", "était"},
		{"المفاوضات", "المفاوضات"},
		{"المفاو", "المفاوضات"}, // a prefix, as typed
		{"ΑΘΉΝΑ", "Αθήνα"},
		{"Ἀθῆναι", ""}, // no such word: another spelling
		{"قَالَ", ""},  // the text has no harakat
		{"senor nandu", "Señor"},
		{"gar", "gare"},
	} {
		res, _ := search(t, s, tc.q, citecheck.SearchQuery{DocumentID: d.ID})
		if tc.match == "" {
			if len(res) != 0 {
				t.Errorf("%q: %v", tc.q, hits(res))
			}
			continue
		}
		if len(res) != 1 {
			t.Errorf("%q: %v", tc.q, hits(res))
			continue
		}
		r := res[0]
		if !strings.Contains(r.Snippet, citecheck.SnippetOpen+tc.match) {
			t.Errorf("%q: snippet %q does not mark %q", tc.q, r.Snippet, tc.match)
		}
		if r.Start != nil {
			got := string([]rune(text)[*r.Start:*r.End])
			if !strings.Contains(got, tc.match) {
				t.Errorf("%q: span %d..%d is %q", tc.q, *r.Start, *r.End, got)
			}
		}
	}
	if res, _ := search(t, s, "gar ", citecheck.SearchQuery{DocumentID: d.ID}); len(res) != 0 {
		t.Errorf("a finished word is not a prefix: %v", hits(res))
	}
}

// TestSearchTakesFTS5SyntaxAsText sends the operators and punctuation of FTS5's query language:
// each is matched as text (or ignored), never an error.
func TestSearchTakesFTS5SyntaxAsText(t *testing.T) {
	s := mustOpen(t)
	u := mustUser(t, s, "rita", citecheck.RoleReviewer)
	newTextDoc(t, s, u, "Syntax", `He said "NOT now" AND left (at noon) - head: body* NEAR the U.S. border.`)
	for _, q := range []string{`"NOT`, `NOT now`, `AND`, `(at`, `head:`, `body*`, `NEAR(`, `U.S.`, `"""`, `a"b`, `^left`, `{head}`, `now OR`} {
		terms, prefix, err := citecheck.ParseSearchTerms(q)
		if err != nil {
			continue // nothing to search for in it, refused before the store
		}
		if _, _, err := s.Search(context.Background(), citecheck.SearchQuery{Terms: terms, Prefix: prefix, Limit: 5}); err != nil {
			t.Errorf("%q: %v", q, err)
		}
	}
	if res, _ := search(t, s, "U.S. border", citecheck.SearchQuery{}); len(res) != 1 {
		t.Errorf("U.S. border: %v", hits(res))
	}
}

// TestSearchSnippetKeepsATextsOwnMarkerLikeCharacters: a text may hold the private-use
// characters U+E000 and U+E001 (which the PostgreSQL snippet function marks matches with); they
// come back as they are, never as a match, and a NUL in the search separates words.
func TestSearchSnippetKeepsATextsOwnMarkerLikeCharacters(t *testing.T) {
	s := mustOpen(t)
	u := mustUser(t, s, "rita", citecheck.RoleReviewer)
	text := "The puatest \uE000fake\uE001 marked text, then zebra."
	d := newTextDoc(t, s, u, "Private use", text)
	res, _ := search(t, s, "puatest", citecheck.SearchQuery{DocumentID: d.ID})
	if len(res) != 1 {
		t.Fatalf("puatest: %v", hits(res))
	}
	var matched []string
	for _, p := range citecheck.SnippetParts(res[0].Snippet) {
		if p.Match {
			matched = append(matched, p.Text)
		}
	}
	if !slices.Equal(matched, []string{"puatest"}) || !strings.Contains(citecheck.PlainSnippet(res[0].Snippet), "\uE000fake\uE001") {
		t.Errorf("snippet %q: matches %q", res[0].Snippet, matched)
	}
	terms, prefix, err := citecheck.ParseSearchTerms("zebra\x00")
	if err != nil || !slices.Equal(terms, []string{"zebra"}) || prefix {
		t.Fatalf("a NUL in the search: %q %v %v", terms, prefix, err)
	}
	if res, _, err := s.Search(context.Background(), citecheck.SearchQuery{Terms: terms, DocumentID: d.ID, Limit: 5}); err != nil || len(res) != 1 {
		t.Errorf("zebra: %v %v", hits(res), err)
	}
}

// oldDatabase answers a database of the test engine with the migrations before version only
// (applied by hand, as an older binary left it), open through OpenSQL, and the path that opens
// it as a store.
func oldDatabase(t *testing.T, version int) (*sql.DB, string) {
	t.Helper()
	path, dir := filepath.Join(t.TempDir(), "old.db"), sqliteMigrations
	if pgtest.Postgres() {
		path, dir = pgtest.URL(t, migrateOnly), postgresMigrations
	}
	db, err := OpenSQL(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if pgtest.Postgres() {
		// A new database of the suite holds every migration: emptied, it is a new server's.
		if _, err := db.Exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public`); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(createMigrationsTable); err != nil {
		t.Fatal(err)
	}
	list, err := listMigrations(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		if m.version >= version {
			break
		}
		body, _ := migrations.ReadFile(m.path)
		if _, err := db.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if _, err := db.Exec(insertMigration, m.version, "2025-01-01T00:00:00.000000000Z"); err != nil {
			t.Fatal(err)
		}
	}
	return db, path
}

// TestMigration0014IndexesWhatIsThere stores a document with a reference list, a claim and a
// source under the migrations before 0014, then opens the store: the backfill indexes them all
// (on PostgreSQL, the passages by the Go step of its 0014, migrationSteps).
func TestMigration0014IndexesWhatIsThere(t *testing.T) {
	db, path := oldDatabase(t, 14)
	const at = "2025-01-02T00:00:00.000000000Z"
	text := "Old talks in Lausanne. [1]\n\nReferences\n[1] Le Temps, https://example.org/lt\n"
	refs, _ := json.Marshal(citecheck.DetectReferences(text))
	for _, st := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO users (id, name, role, created_at) VALUES (1, 'ana', 'admin', ?)`, []any{at}},
		{`INSERT INTO documents (id, title, text, text_sha256, length, citations, reference_list, created_by, created_at)
		 VALUES (7, 'Lausanne', ?, 'sha', ?, '[]', ?, 1, ?)`, []any{text, citecheck.NewText(text).Len(), string(refs), at}},
		{`INSERT INTO claims (id, document_id, start, "end", quote, note, created_by, created_at, updated_by, updated_at)
		 VALUES (3, 7, 0, 22, 'Old talks in Lausanne.', 'Vérifié', 1, ?, 1, ?)`, []any{at, at}},
		{`INSERT INTO sources (id, document_id, ref, title, text, text_sha256, length, method, captured_by, captured_at)
		 VALUES (5, 7, 1, 'Le Temps', 'Les pourparlers de Lausanne.', 'sha', 28, 'paste', 1, ?)`, []any{at}},
	} {
		if _, err := db.Exec(st.sql, st.args...); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s := mustOpenPath(t, path)
	checkIndexConsistent(t, s)
	res, _ := search(t, s, "lausanne", citecheck.SearchQuery{})
	got := hits(res)
	slices.Sort(got)
	want := []string{"claim:3", "document:7", "document:7", "source:5"} // the title and the first line
	if !slices.Equal(got, want) {
		t.Fatalf("after the backfill: %v", got)
	}
	if res, _ := search(t, s, "verifie", citecheck.SearchQuery{}); !slices.Equal(hits(res), []string{"claim:3"}) {
		t.Fatalf("the note: %v", hits(res))
	}
	if res, _ := search(t, s, "temps", citecheck.SearchQuery{Kind: citecheck.SearchReference}); !slices.Equal(hits(res), []string{"reference:1"}) {
		t.Fatalf("the entry: %v", hits(res))
	}
}

// TestSearchRanksTheNewestCandidatesOnly lowers the bound of ranked rows to 5 on a search that
// matches 12: the pages, through the cursor, hold the 5 newest matches and only them.
func TestSearchRanksTheNewestCandidatesOnly(t *testing.T) {
	s := mustOpen(t)
	u := mustUser(t, s, "rita", citecheck.RoleReviewer)
	var docs []int64
	for i := range 12 {
		docs = append(docs, newTextDoc(t, s, u, fmt.Sprintf("Report %d", i), "Nothing of note.").ID)
	}
	defer func(n int) { searchCandidates = n }(searchCandidates)
	searchCandidates = 5
	var got []int64
	var after *citecheck.SearchCursor
	for range 5 {
		res, next := search(t, s, "report", citecheck.SearchQuery{Limit: 2, After: after})
		for _, r := range res {
			got = append(got, r.ID)
		}
		if after = next; next == nil {
			break
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, docs[7:]) {
		t.Fatalf("ranked %v, want the newest five %v", got, docs[7:])
	}
}
