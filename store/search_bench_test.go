package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store/pgtest"
)

// The desk that BenchmarkSearch builds: 10,000 documents of 50 claims each (500,000 claims),
// each document's text the 50 quoted sentences, one a line, and one claim in four with one or
// two comments (each a row of its claim in the index). CITECHECK_SEARCH_BENCH_DOCS sets
// another number of documents.
const benchClaimsPerDoc = 50

// benchDesk is the database that BenchmarkSearch builds once per run, and its vocabulary.
type benchDesk struct {
	s     *Store
	words []string // by frequency, most common first (Zipf)
	docs  int
	build time.Duration
}

var (
	benchOnce sync.Once
	benchDB   *benchDesk
	benchErr  error
)

// BenchmarkSearch measures searches on a desk of 10,000 documents and 500,000 claims in a temp
// SQLite file (or PostgreSQL database), built through the triggers and indexPassages that keep
// the index (one transaction per 100 documents), and reports per kind of query its p50 and p95 beside those of the baseline, a
// lookup of a claim by id (Store.Claim), in the same run:
//
//	make bench-search    (go test -tags sqlite_fts5 -run '^$' -bench '^BenchmarkSearch$' -benchtime 200x ./store/)
//
// common is the most frequent word (in about a third of all rows), rare a word in a few dozen,
// prefix a three-letter prefix as typed, filtered a frequent word among one verdict and review,
// document a frequent word in one document. Each sub-benchmark runs its queries b.N times in
// turn.
func BenchmarkSearch(b *testing.B) {
	benchOnce.Do(func() { benchDB, benchErr = buildBenchDesk(benchPath(b)) })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	d := benchDB
	b.Logf("desk of %d documents, %d claims built in %s", d.docs, d.docs*benchClaimsPerDoc, d.build.Round(time.Second))
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 3))
	query := func(q citecheck.SearchQuery, text string) func() error {
		return func() error {
			terms, prefix, err := citecheck.ParseSearchTerms(text)
			if err != nil {
				return err
			}
			q.Terms, q.Prefix, q.Limit = terms, prefix, citecheck.DefaultSearchLimit
			res, _, err := d.s.Search(ctx, q)
			if err == nil && len(res) == 0 {
				err = fmt.Errorf("%q found nothing", text)
			}
			return err
		}
	}
	cases := []struct {
		name string
		next func() func() error
	}{
		{"baseline-claim-by-id", func() func() error {
			id := int64(1 + rng.IntN(d.docs*benchClaimsPerDoc))
			return func() error { _, err := d.s.Claim(ctx, id); return err }
		}},
		{"baseline-fts5-alone-common", func() func() error {
			// On PostgreSQL, the GIN index and ts_rank alone.
			q, match := `SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rank LIMIT 1`, `"`+d.words[0]+`"`
			if d.s.pg {
				q = pgSearchQuery + `
 SELECT e.id FROM q CROSS JOIN search_entries e WHERE e.tsv @@ q.q ORDER BY ts_rank(e.tsv, q.q) DESC LIMIT 1`
				match = pgMatch([]string{d.words[0]}, false)
			}
			return func() error {
				var id int64
				return d.s.reader.QueryRowContext(ctx, q, match).Scan(&id)
			}
		}},
		{"common", func() func() error { return query(citecheck.SearchQuery{}, d.words[0]+" ") }},
		{"rare", func() func() error { return query(citecheck.SearchQuery{}, d.words[1000+rng.IntN(500)]+" ") }},
		{"prefix", func() func() error {
			return query(citecheck.SearchQuery{}, d.words[rng.IntN(20)]+" "+d.words[100+rng.IntN(200)][:3])
		}},
		{"filtered", func() func() error {
			return query(citecheck.SearchQuery{Status: citecheck.StatusContradicted, Review: citecheck.ReviewPending}, d.words[1+rng.IntN(10)]+" ")
		}},
		{"document", func() func() error {
			return query(citecheck.SearchQuery{DocumentID: int64(1 + rng.IntN(d.docs))}, d.words[1+rng.IntN(10)]+" ")
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				run := c.next()
				start := time.Now()
				if err := run(); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(took[len(took)*95/100].Microseconds()), "p95-µs")
		})
	}
}

// benchPath is where the desk is built: a new file, or a new PostgreSQL database when the
// suite runs on PostgreSQL (CITECHECK_TEST_ENGINE=postgres).
func benchPath(b *testing.B) string {
	if pgtest.Postgres() {
		return pgtest.URL(b, migrateOnly)
	}
	return filepath.Join(b.TempDir(), "search-bench.db")
}

// buildBenchDesk makes the desk at path.
func buildBenchDesk(path string) (*benchDesk, error) {
	docs := 10_000
	if v := os.Getenv("CITECHECK_SEARCH_BENCH_DOCS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("CITECHECK_SEARCH_BENCH_DOCS=%q", v)
		}
		docs = n
	}
	s, err := Open(path)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "rita", citecheck.RoleReviewer, []byte("x"))
	if err != nil {
		return nil, err
	}
	d := &benchDesk{s: s, words: benchVocabulary(5000), docs: docs}
	rng := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(d.words)-1))
	sentence := func(n int) string {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = d.words[zipf.Uint64()]
		}
		return strings.Join(ws, " ")
	}
	statuses, reviews := citecheck.Statuses, citecheck.Reviews
	start := time.Now()
	const batch = 100
	for first := 0; first < docs; first += batch {
		err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			for range min(batch, docs-first) {
				quotes := make([]string, benchClaimsPerDoc)
				for i := range quotes {
					quotes[i] = sentence(8+rng.IntN(10)) + "."
				}
				text := strings.Join(quotes, "\n")
				res, err := insertRow(ctx, tx, insertDocument, sentence(3+rng.IntN(5)), text, "sha", len([]rune(text)), "[]", nil, u.ID, benchTime)
				if err != nil {
					return err
				}
				docID, _ := res.LastInsertId()
				if err := indexPassages(ctx, tx, citecheck.SearchDocument, docID, docID, text); err != nil {
					return err
				}
				at := 0
				for _, q := range quotes {
					n := len([]rune(q))
					note := ""
					if rng.IntN(2) == 0 {
						note = sentence(5 + rng.IntN(10))
					}
					if _, err := tx.ExecContext(ctx, benchInsertClaim, docID, at, at+n, q, string(statuses[rng.IntN(len(statuses))]),
						note, string(reviews[rng.IntN(len(reviews))]), u.ID, benchTime, u.ID, benchTime); err != nil {
						return err
					}
					// A claim in four has a discussion of one or two comments.
					comments := 0
					if rng.IntN(4) == 0 {
						comments = 1 + rng.IntN(2)
					}
					for range comments {
						if _, err := tx.ExecContext(ctx, benchInsertComment, docID, u.ID, sentence(6+rng.IntN(12)), benchTime); err != nil {
							return err
						}
					}
					at += n + 1
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	d.build = time.Since(start)
	if s.pg {
		// The planner's statistics of a desk that autovacuum has seen, not of empty tables: a
		// freshly loaded desk otherwise joins claims by scanning them for every match.
		if _, err := s.writer.ExecContext(ctx, `ANALYZE`); err != nil {
			return nil, err
		}
	}
	return d, nil
}

const (
	benchTime        = "2026-01-01T00:00:00.000000000Z"
	benchInsertClaim = `INSERT INTO claims (document_id, start, "end", quote, refs, status, note, review,
	created_by, created_at, updated_by, updated_at) VALUES (?, ?, ?, ?, '[1]', ?, ?, ?, ?, ?, ?, ?)`
	// benchInsertComment comments on the claim inserted last.
	benchInsertComment = `INSERT INTO claim_comments (claim_id, document_id, user_id, body, created_at)
	SELECT max(id), ?, ?, ?, ? FROM claims`
)

// benchVocabulary makes n distinct pronounceable words from syllables, the same on every run.
func benchVocabulary(n int) []string {
	rng := rand.New(rand.NewPCG(9, 9))
	syllables := strings.Fields("ka lo mi ren tor sa vel qui dan ur pe ste cor ni fa ba lum ger hol tin")
	seen := map[string]bool{}
	var words []string
	for len(words) < n {
		var w strings.Builder
		for range 2 + rng.IntN(3) {
			w.WriteString(syllables[rng.IntN(len(syllables))])
		}
		if !seen[w.String()] {
			seen[w.String()] = true
			words = append(words, w.String())
		}
	}
	return words
}
