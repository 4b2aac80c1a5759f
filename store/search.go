package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/citecheck/citecheck"
	sqlite3 "github.com/mattn/go-sqlite3"
)

// driverName is the go-sqlite3 driver with citecheck's own SQL function, citecheck_passages,
// which the search triggers of migration 0014 call to cut a text into passages. Every
// connection of the store is opened with it.
const driverName = "sqlite3_citecheck"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			return c.RegisterFunc("citecheck_passages", passagesJSON, true)
		},
	})
}

// passagesJSON answers the passages of a text (citecheck.Passages) as a JSON array of
// [start, end, text], for json_each in a trigger.
func passagesJSON(text string) (string, error) {
	ps := citecheck.Passages(text)
	rows := make([][3]any, len(ps))
	for i, p := range ps {
		rows[i] = [3]any{p.Start, p.End, p.Text}
	}
	b, err := json.Marshal(rows)
	return string(b), err
}

// The passage rows of a text (kind 'document' or 'source', part n for the n-th passage of
// citecheck.Passages), which the store writes itself on both engines since migration 0023:
// PostgreSQL's triggers cannot call Go.
const (
	deletePassages = `DELETE FROM search_entries WHERE kind = ? AND object_id = ? AND part > 0`
	insertPassages = `INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", body) VALUES `
	// passagesPerInsert bounds the rows of one INSERT (7 arguments each), well under both
	// engines' limits on the arguments of a statement.
	passagesPerInsert = 200
	// selectDocumentTexts is the texts of a document and of its sources, selectAllTexts every text.
	selectDocumentTexts = `SELECT 'document', id, id, text FROM documents WHERE id = ?1
UNION ALL SELECT 'source', id, document_id, text FROM sources WHERE document_id = ?1`
	selectAllTexts = `SELECT 'document', id, id, text FROM documents
UNION ALL SELECT 'source', id, document_id, text FROM sources`
)

// indexPassages writes the passage rows of the text of a document or a source (kind), in place
// of those it had, in tx: the transaction that writes the text (a document created, imported,
// revised or restored from the trash; a source created or imported), so the index never holds
// another text's passages.
func indexPassages(ctx context.Context, tx *sql.Tx, kind citecheck.SearchKind, objectID, documentID int64, text string) error {
	if _, err := tx.ExecContext(ctx, deletePassages, string(kind), objectID); err != nil {
		return fmt.Errorf("store: index %s %d: %w", kind, objectID, err)
	}
	ps := citecheck.Passages(text)
	for first := 0; first < len(ps); first += passagesPerInsert {
		chunk := ps[first:min(len(ps), first+passagesPerInsert)]
		var b strings.Builder
		b.WriteString(insertPassages)
		args := make([]any, 0, 7*len(chunk))
		for i, p := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?)")
			args = append(args, string(kind), objectID, first+i+1, documentID, p.Start, p.End, p.Text)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("store: index %s %d: %w", kind, objectID, err)
		}
	}
	return nil
}

// indexTexts writes the passage rows of each text that query answers (kind, id, document id,
// text): a document's and its sources' when it is restored from the trash, or every text when
// PostgreSQL's migration 0014 creates the index (migrationSteps).
func indexTexts(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	type text struct {
		kind      citecheck.SearchKind
		id, docID int64
		text      string
	}
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: index texts: %w", err)
	}
	var texts []text
	for rows.Next() {
		var t text
		if err := rows.Scan(&t.kind, &t.id, &t.docID, &t.text); err != nil {
			rows.Close()
			return fmt.Errorf("store: index texts: %w", err)
		}
		texts = append(texts, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: index texts: %w", err)
	}
	for _, t := range texts {
		if err := indexPassages(ctx, tx, t.kind, t.id, t.docID, t.text); err != nil {
			return err
		}
	}
	return nil
}

// migrationSteps are the parts of migrations that SQL cannot do, by the migration's path: each
// runs in the migration's transaction right after its SQL. PostgreSQL's 0014 indexes the
// passages of the texts already there, which SQLite's 0014 does with citecheck_passages.
var migrationSteps = map[string]func(ctx context.Context, tx *sql.Tx) error{
	postgresMigrations + "/0014_search.sql": func(ctx context.Context, tx *sql.Tx) error {
		return indexTexts(ctx, tx, selectAllTexts)
	},
}

// errNoFTS5 is the start-up error of a binary built without FTS5.
var errNoFTS5 = errors.New("store: this binary's SQLite lacks FTS5, which search needs: build with -tags sqlite_fts5 (make build does)")

// checkFTS5 refuses to go on with a SQLite that was compiled without FTS5, before a migration
// fails on it with a less helpful message.
func checkFTS5(ctx context.Context, db *sql.DB) error {
	var on int
	if err := db.QueryRowContext(ctx, `SELECT sqlite_compileoption_used('ENABLE_FTS5')`).Scan(&on); err != nil {
		return fmt.Errorf("store: check FTS5: %w", err)
	}
	if on == 0 {
		return errNoFTS5
	}
	return nil
}

// searchVisible is the one condition that decides whether an indexed row may be found: its
// document (d) and, for a claim, the claim (c, NULL for other kinds) must exist and not be in
// the trash (migration 0012). Rows that are hidden but kept add their condition here, and only here.
const searchVisible = `d.deleted_at IS NULL AND (e.kind <> 'claim' OR (c.id IS NOT NULL AND c.deleted_at IS NULL))`

// searchFrom is where a search looks: the rows that match ?1 (an FTS5 query built by
// ftsQuery) and may be found. f.rank is bm25 with the weights that migration 0014 configured
// (head 5, body 1), lower is better. The filters follow (searchFilters).
const searchFrom = `
	FROM search_fts f
	JOIN search_entries e ON e.id = f.rowid` + searchJoins

const searchJoins = `
	JOIN documents d ON d.id = e.document_id
	LEFT JOIN claims c ON e.kind = 'claim' AND c.id = e.object_id
	WHERE search_fts MATCH ?1 AND ` + searchVisible

// searchFloor is the lowest row among the newest searchCandidates that match ?1, before any
// filter (FTS5 walks its own list of rows for it, reading no table).
const searchFloor = `SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?`

// searchPage reads what a page of results shows, best first. The snippet is made for those rows
// alone (by the same match, looked up by rowid), from the column that matched best, with the
// markers of citecheck.SnippetOpen and SnippetClose (char(1) and char(2)) around each match.
const searchPage = `SELECT e.kind, e.object_id, e.document_id, e.start, e."end",
	CASE WHEN e.kind = 'source' THEN coalesce(nullif(s.title, ''), s.url) ELSE d.title END,
	snippet(search_fts, -1, char(1), char(2), '…', 24), top.rank, top.id
FROM top
JOIN search_fts f ON f.rowid = top.id
JOIN search_entries e ON e.id = top.id
JOIN documents d ON d.id = e.document_id
LEFT JOIN sources s ON e.kind = 'source' AND s.id = e.object_id
WHERE search_fts MATCH ?1
ORDER BY top.rank, top.id`

// The PostgreSQL statements of a search (migrations/postgres/0014): search_tsquery(?1) makes
// the match of what the user typed (pgMatch) once; a row's rank is ts_rank over its tsvector
// with the head (weight A) 5 times the body (weight D), normalized by the log of its length as
// bm25 favours short rows, negated so that lower is better as on SQLite.
const (
	pgSearchRank = `-ts_rank('{0.2, 0.2, 0.2, 1.0}', e.tsv, q.q, 1)::float8`
	pgSearchFrom = `
	FROM q CROSS JOIN search_entries e` + pgSearchJoins
	pgSearchJoins = `
	JOIN documents d ON d.id = e.document_id
	LEFT JOIN claims c ON e.kind = 'claim' AND c.id = e.object_id
	WHERE e.tsv @@ q.q AND ` + searchVisible
	// pgSearchQuery makes the match once: in a prepared statement's generic plan the planner
	// cannot fold search_tsquery(?1) into a constant, and would run it for every row it filters.
	pgSearchQuery = `WITH q AS MATERIALIZED (SELECT search_tsquery(?1) AS q)`
	// pgSearchFloor orders by e.id + 0, not e.id, so that the planner takes the matches from the
	// GIN index and sorts them rather than walking the primary key backwards and testing every
	// row: for a rare word that walk reads the whole table (640 ms against 45 ms on a desk of
	// 151,000 rows), and even for a word in a third of the rows it is slower.
	pgSearchFloor = pgSearchQuery + `
SELECT e.id FROM q CROSS JOIN search_entries e WHERE e.tsv @@ q.q ORDER BY e.id + 0 DESC LIMIT 1 OFFSET ?`
	// pgSearchPage snippets the column that holds the whole match (the head when both or
	// neither do), as FTS5's snippet picks its best column. search_snippet (migration 0014)
	// marks a match with U+E000 and U+E001, which a text may hold too: the text's own go in as
	// char(3) and char(4) (which no text holds) and come back out, and the marks become
	// citecheck.SnippetOpen and SnippetClose, in one translate each way.
	pgSearchPage = `SELECT e.kind, e.object_id, e.document_id, e.start, e."end",
	CASE WHEN e.kind = 'source' THEN coalesce(nullif(s.title, ''), s.url) ELSE d.title END,
	translate(search_snippet(translate(
		CASE WHEN e.head <> '' AND (ts_filter(e.tsv, '{a}') @@ q.q OR NOT ts_filter(e.tsv, '{d}') @@ q.q)
		THEN e.head ELSE e.body END, chr(57344) || chr(57345), chr(3) || chr(4)), q.q),
		chr(57344) || chr(57345) || chr(3) || chr(4), chr(1) || chr(2) || chr(57344) || chr(57345)), top.rank, top.id
FROM top
CROSS JOIN q
JOIN search_entries e ON e.id = top.id
JOIN documents d ON d.id = e.document_id
LEFT JOIN sources s ON e.kind = 'source' AND s.id = e.object_id
ORDER BY top.rank, top.id`
)

// searchCandidates bounds the rows a search ranks: bm25 is computed for every row it ranks, so a
// word in a third of a large desk (or the one letter a user has typed so far) would rank
// hundreds of thousands. A search that matches more rows ranks the newest searchCandidates of
// them, then applies its filters: the best of recent work, at a bounded cost. A search in one
// document ranks all the document's rows: FTS5 still walks every match of the desk, but it
// computes bm25 only for the rows that pass the filters.
var searchCandidates = 20_000

// Search answers the results of q, best first, and the cursor of the next page (nil at the
// end). Any signed-in user may read every document, so it filters nothing by user. The first
// page finds the floor of the rows it ranks (searchCandidates); the cursor carries it, so the
// pages after it rank the same rows.
func (s *Store) Search(ctx context.Context, q citecheck.SearchQuery) ([]citecheck.SearchResult, *citecheck.SearchCursor, error) {
	filters, fargs := searchFilters(q)
	sd := s.searchDialect()
	match := sd.match(q.Terms, q.Prefix)
	var floor int64
	switch {
	case q.After != nil:
		floor = q.After.Floor
	case q.DocumentID == 0:
		err := s.reader.QueryRowContext(ctx, sd.floor, match, searchCandidates-1).Scan(&floor)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, nil, fmt.Errorf("store: search: %w", err)
		}
	}
	query, args := searchSQL(sd, q, match, filters, fargs, floor)
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: search: %w", err)
	}
	defer rows.Close()
	var (
		out  []citecheck.SearchResult
		last = citecheck.SearchCursor{Floor: floor}
		next *citecheck.SearchCursor
	)
	for rows.Next() {
		if len(out) == q.Limit {
			next = &last
			break
		}
		var (
			r          citecheck.SearchResult
			start, end sql.NullInt64
		)
		if err := rows.Scan(&r.Kind, &r.ID, &r.DocumentID, &start, &end, &r.Title, &r.Snippet, &last.Rank, &last.Row); err != nil {
			return nil, nil, fmt.Errorf("store: search: %w", err)
		}
		if start.Valid && end.Valid {
			a, b := int(start.Int64), int(end.Int64)
			r.Start, r.End = &a, &b
		}
		r.Score = -last.Rank
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("store: search: %w", err)
	}
	return out, next, nil
}

// searchFilters builds the conditions of q's filters, for a statement whose ?1 is the match.
func searchFilters(q citecheck.SearchQuery) (string, []any) {
	var b strings.Builder
	var args []any
	where := func(cond string, arg any) {
		b.WriteString("\nAND " + cond)
		args = append(args, arg)
	}
	if q.OnlyClaims() {
		where(`e.kind = ?`, string(citecheck.SearchClaim))
	}
	if q.Kind != "" {
		where(`e.kind = ?`, string(q.Kind))
	}
	if q.Status != "" {
		where(`c.status = ?`, string(q.Status))
	}
	if q.Review != "" {
		where(`c.review = ?`, string(q.Review))
	}
	if q.Checker != "" {
		where(`c.created_by = (SELECT id FROM users WHERE name = ?)`, q.Checker)
	}
	if q.DocumentID != 0 {
		where(`e.document_id = ?`, q.DocumentID)
	}
	return b.String(), args
}

// searchDialect is what the engines' statements of a search differ in: how the match is
// written (match), the floor's statement, the ranked rows up to the filters (open), the row id
// a floor bounds (floorRow), what closes the ranked rows before the cursor (close), the row id
// and rank the cursor and the order read, and the page's statement.
type searchDialect struct {
	match                                         func(terms []string, prefix bool) string
	floor, open, floorRow, close, row, rank, page string
}

var (
	sqliteSearch = searchDialect{match: ftsQuery, floor: searchFloor,
		open: "WITH top AS MATERIALIZED (SELECT id, rank FROM (SELECT f.rowid AS id, f.rank AS rank, " +
			oneRowPerClaim("f.rank", "f.rowid") + searchFrom,
		floorRow: "f.rowid", close: ") hits WHERE nth = 1", row: "id", rank: "rank", page: searchPage}
	pgSearch = searchDialect{match: pgMatch, floor: pgSearchFloor,
		open: pgSearchQuery + ",\n" +
			"top AS MATERIALIZED (SELECT id, rank FROM (SELECT e.id AS id, " + pgSearchRank + " AS rank, " +
			oneRowPerClaim(pgSearchRank, "e.id") + pgSearchFrom,
		floorRow: "e.id", close: ") hits WHERE nth = 1", row: "id", rank: "rank", page: pgSearchPage}
)

// oneRowPerClaim numbers the rows of each claim that a search ranks, best first (nth): a claim
// is one result however many of its rows match, its quote and note (part 0) and each comment
// (a part of its own). Every other row is a result of its own. The cursor and the limit apply
// to the rows numbered 1, so the pages after the first hold no claim again.
func oneRowPerClaim(rank, row string) string {
	return fmt.Sprintf(`row_number() OVER (PARTITION BY CASE WHEN e.kind = 'claim' THEN e.object_id ELSE -%[2]s END
	ORDER BY %[1]s, %[2]s) AS nth`, rank, row)
}

// searchDialect answers the store's engine's.
func (s *Store) searchDialect() searchDialect {
	if s.pg {
		return pgSearch
	}
	return sqliteSearch
}

// searchSQL builds the statement and its arguments for q in dialect sd: the match, the
// filters, the floor of the rows to rank, the cursor and one row more than the limit, which
// tells whether a next page follows. Both engines rank the same rows in the same order: by rank
// (lower first), then by row id.
func searchSQL(sd searchDialect, q citecheck.SearchQuery, match, filters string, fargs []any, floor int64) (string, []any) {
	var b strings.Builder
	b.WriteString(sd.open + filters)
	args := append([]any{match}, fargs...)
	if floor > 0 {
		b.WriteString("\nAND " + sd.floorRow + " >= ?")
		args = append(args, floor)
	}
	b.WriteString(sd.close)
	if q.After != nil {
		b.WriteString(fmt.Sprintf("\nAND (%[1]s > ?%[3]d OR (%[1]s = ?%[3]d AND %[2]s > ?%[4]d))", sd.rank, sd.row, len(args)+1, len(args)+2))
		args = append(args, q.After.Rank, q.After.Row)
	}
	b.WriteString(fmt.Sprintf("\nORDER BY %s, %s LIMIT ?)\n", sd.rank, sd.row) + sd.page)
	args = append(args, q.Limit+1)
	return b.String(), args
}

// ftsQuery turns the terms a user typed into an FTS5 query that holds no syntax of its own:
// each term is a quoted string (a phrase of the words in it; a quote inside is doubled), all
// of them must match, and the last ends in * when it is a prefix.
func ftsQuery(terms []string, prefix bool) string {
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	if prefix && len(quoted) > 0 {
		quoted[len(quoted)-1] += "*"
	}
	return strings.Join(quoted, " ")
}

// pgMatch is what the user typed as search_tsquery (migrations/postgres/0014) reads it: the
// terms, and whether the last is a prefix. The words are found and folded there, as the index's
// are, so that both sides of a match are made by one definition.
func pgMatch(terms []string, prefix bool) string {
	b, _ := json.Marshal(struct {
		Terms  []string `json:"terms"`
		Prefix bool     `json:"prefix"`
	}{terms, prefix})
	return string(b)
}
