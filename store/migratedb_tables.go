package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// The two sides of a move (migratedb.go): the SQLite source's tables as its own schema lists
// them, and the target's matching tables (their rows: migratedb_rows.go).

// source is the SQLite file being moved, read in one read transaction.
type source struct {
	path      string
	db        *sql.DB
	tx        *sql.Tx
	version   int
	tables    []*sourceTable   // parents before the tables that refer to them
	sequences map[string]int64 // sqlite_sequence: the largest id each AUTOINCREMENT table gave out
}

// sourceTable is one table to copy: its columns, and the columns that order its rows (its
// primary key, or every column when it has none).
type sourceTable struct {
	name    string
	columns []string
	key     []string
}

const (
	selectSourceTables = `SELECT name FROM pragma_table_list
WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> 'schema_migrations'
ORDER BY name`
	selectSourceColumns = `SELECT name, pk FROM pragma_table_info(?) ORDER BY cid`
	selectSourceParents = `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`
	selectHasTable      = `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
)

// openSource opens the SQLite file at path read-only and reads its schema inside the read
// transaction that the whole move reads from.
func openSource(ctx context.Context, path string) (*source, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("store: migrate-db: %s does not exist", path)
	} else if err != nil {
		return nil, fmt.Errorf("store: migrate-db: %w", err)
	}
	if err := checkNoWAL(path); err != nil {
		return nil, err
	}
	db, err := sql.Open(driverName, dsn(path, "mode=ro&_query_only=1&_busy_timeout=5000"))
	if err != nil {
		return nil, fmt.Errorf("store: migrate-db: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	src := &source{path: path, db: db, sequences: map[string]int64{}}
	if src.tx, err = db.BeginTx(ctx, nil); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: migrate-db: open %s: %w", path, err)
	}
	if err := src.readSchema(ctx); err != nil {
		src.close()
		return nil, err
	}
	return src, nil
}

func (s *source) close() {
	s.tx.Rollback()
	s.db.Close()
}

// readSchema reads the source's version, its tables in foreign-key order and its sequences, and
// checks its foreign keys, which the target does not check during the copy.
func (s *source) readSchema(ctx context.Context) error {
	var n int
	if err := s.tx.QueryRowContext(ctx, selectHasTable, "schema_migrations").Scan(&n); err != nil {
		return fmt.Errorf("store: migrate-db: read %s: %w", s.path, err)
	}
	if n == 0 {
		return fmt.Errorf("store: migrate-db: %s is not a citecheck database (it has no schema_migrations)", s.path)
	}
	if err := s.tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&s.version); err != nil {
		return fmt.Errorf("store: migrate-db: read the source's schema version: %w", err)
	}
	if err := s.checkForeignKeys(ctx); err != nil {
		return err
	}
	names, err := queryStrings(ctx, s.tx, selectSourceTables)
	if err != nil {
		return fmt.Errorf("store: migrate-db: list the source's tables: %w", err)
	}
	parents := map[string][]string{}
	byName := map[string]*sourceTable{}
	for _, name := range names {
		t, err := s.describe(ctx, name)
		if err != nil {
			return err
		}
		byName[name] = t
		if parents[name], err = queryStrings(ctx, s.tx, selectSourceParents, name); err != nil {
			return fmt.Errorf("store: migrate-db: foreign keys of %s: %w", name, err)
		}
	}
	for _, name := range parentsFirst(names, parents) {
		s.tables = append(s.tables, byName[name])
	}
	if err := s.tx.QueryRowContext(ctx, selectHasTable, "sqlite_sequence").Scan(&n); err != nil || n == 0 {
		return err
	}
	rows, err := s.tx.QueryContext(ctx, `SELECT name, seq FROM sqlite_sequence`)
	if err != nil {
		return fmt.Errorf("store: migrate-db: read sqlite_sequence: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var seq int64
		if err := rows.Scan(&name, &seq); err != nil {
			return fmt.Errorf("store: migrate-db: read sqlite_sequence: %w", err)
		}
		s.sequences[name] = seq
	}
	return rows.Err()
}

// describe reads a table's columns and the key that orders its rows.
func (s *source) describe(ctx context.Context, name string) (*sourceTable, error) {
	rows, err := s.tx.QueryContext(ctx, selectSourceColumns, name)
	if err != nil {
		return nil, fmt.Errorf("store: migrate-db: columns of %s: %w", name, err)
	}
	defer rows.Close()
	t := &sourceTable{name: name}
	var pk []int
	for rows.Next() {
		var col string
		var n int
		if err := rows.Scan(&col, &n); err != nil {
			return nil, fmt.Errorf("store: migrate-db: columns of %s: %w", name, err)
		}
		t.columns = append(t.columns, col)
		pk = append(pk, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: migrate-db: columns of %s: %w", name, err)
	}
	for n := 1; n <= len(pk); n++ {
		if i := slices.Index(pk, n); i >= 0 {
			t.key = append(t.key, t.columns[i])
		}
	}
	if len(t.key) == 0 {
		t.key = t.columns
	}
	return t, nil
}

// checkForeignKeys refuses a source with a row whose foreign key names nothing.
func (s *source) checkForeignKeys(ctx context.Context) error {
	var table, parent string
	var rowid sql.NullInt64
	var fk int
	err := s.tx.QueryRowContext(ctx, `PRAGMA foreign_key_check`).Scan(&table, &rowid, &parent, &fk)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: migrate-db: check the source's foreign keys: %w", err)
	}
	return fmt.Errorf("store: migrate-db: the source is inconsistent: a row of %s (rowid %d) names a row of %s that does not exist",
		table, rowid.Int64, parent)
}

// selectSQL reads the table's rows in key order on SQLite, whose text order is by bytes.
func (t *sourceTable) selectSQL() string {
	cols := make([]string, len(t.columns))
	for i, c := range t.columns {
		cols[i] = quoteSQLite(c)
	}
	keys := make([]string, len(t.key))
	for i, c := range t.key {
		keys[i] = quoteSQLite(c)
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + quoteSQLite(t.name) + " ORDER BY " + strings.Join(keys, ", ")
}

// parentsFirst orders names so that every table comes after the tables it refers to (a table
// referring to itself does not count); ties, and any cycle, go by name.
func parentsFirst(names []string, parents map[string][]string) []string {
	done := map[string]bool{}
	var out []string
	for len(out) < len(names) {
		progressed := false
		for _, n := range names {
			if done[n] {
				continue
			}
			ready := true
			for _, p := range parents[n] {
				if p != n && !done[p] && slices.Contains(names, p) {
					ready = false
				}
			}
			if ready {
				done[n], progressed = true, true
				out = append(out, n)
			}
		}
		if !progressed { // a cycle: take the first table left
			for _, n := range names {
				if !done[n] {
					done[n] = true
					out = append(out, n)
					break
				}
			}
		}
	}
	return out
}

// targetTable is a source table's twin in the target: the type of each copied column, its id
// column's sequence, and whether the migrations had already filled it (keep).
type targetTable struct {
	src      *sourceTable
	name     pgx.Identifier
	types    []string // information_schema's data_type of each source column
	identity string   // the column that a sequence numbers, if any
	sequence string
	keep     bool
}

const selectTargetColumns = `SELECT column_name::text, data_type::text, is_generated::text,
	coalesce(pg_get_serial_sequence(quote_ident(table_name), column_name), '')
FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`

// copyTypes are the column types a move copies: the ones the migrations use.
var copyTypes = []string{"bigint", "integer", "smallint", "text", "bytea", "double precision", "real"}

// describeTarget finds t's twin in the target and checks that it has the same columns, of types
// the copy knows; a column only the target has must be one PostgreSQL computes (GENERATED).
func describeTarget(ctx context.Context, tx pgx.Tx, t *sourceTable) (*targetTable, error) {
	rows, err := tx.Query(ctx, selectTargetColumns, t.name)
	if err != nil {
		return nil, fmt.Errorf("store: migrate-db: columns of %s in the target: %w", t.name, err)
	}
	types := map[string]string{}
	tt := &targetTable{src: t, name: pgx.Identifier{t.name}}
	for rows.Next() {
		var col, typ, generated, seq string
		if err := rows.Scan(&col, &typ, &generated, &seq); err != nil {
			return nil, fmt.Errorf("store: migrate-db: columns of %s in the target: %w", t.name, err)
		}
		if !slices.Contains(t.columns, col) && generated != "ALWAYS" {
			return nil, fmt.Errorf("store: migrate-db: the target's column %s.%s is not in the source", t.name, col)
		}
		types[col] = typ
		if seq != "" {
			tt.identity, tt.sequence = col, seq
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: migrate-db: columns of %s in the target: %w", t.name, err)
	}
	if len(types) == 0 {
		return nil, fmt.Errorf("store: migrate-db: the target has no table %s", t.name)
	}
	for _, col := range t.columns {
		typ, ok := types[col]
		if !ok {
			return nil, fmt.Errorf("store: migrate-db: the target's table %s has no column %s", t.name, col)
		}
		if !slices.Contains(copyTypes, typ) {
			return nil, fmt.Errorf("store: migrate-db: the target's column %s.%s is of type %s, which migrate-db does not copy", t.name, col, typ)
		}
		tt.types = append(tt.types, typ)
	}
	return tt, nil
}

// selectSQL reads the table's copied columns in key order on PostgreSQL, text keys in byte
// order (COLLATE "C") as SQLite orders them.
func (t *targetTable) selectSQL() string {
	cols := make([]string, len(t.src.columns))
	for i, c := range t.src.columns {
		cols[i] = pgx.Identifier{c}.Sanitize()
	}
	keys := make([]string, len(t.src.key))
	for i, c := range t.src.key {
		keys[i] = pgx.Identifier{c}.Sanitize()
		if t.types[slices.Index(t.src.columns, c)] == "text" {
			keys[i] += ` COLLATE "C"`
		}
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + t.name.Sanitize() + " ORDER BY " + strings.Join(keys, ", ")
}

// verifyTable counts and hashes the table on both sides.
func verifyTable(ctx context.Context, src *source, tx pgx.Tx, t *targetTable) (TableMove, error) {
	m := TableMove{Table: t.src.name, Copied: !t.keep}
	rows, err := src.readRows(ctx, t.src)
	if err != nil {
		return m, err
	}
	defer rows.Close()
	if m.SourceRows, m.SourceSHA256, err = hashRows(rows); err != nil {
		return m, fmt.Errorf("store: migrate-db: read %s: %w", t.src.name, err)
	}
	trows, err := tx.Query(ctx, t.selectSQL())
	if err != nil {
		return m, fmt.Errorf("store: migrate-db: read back %s: %w", t.src.name, err)
	}
	defer trows.Close()
	if m.TargetRows, m.TargetSHA256, err = hashRows(trows); err != nil {
		return m, fmt.Errorf("store: migrate-db: read back %s: %w", t.src.name, err)
	}
	return m, nil
}
