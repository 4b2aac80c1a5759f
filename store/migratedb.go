package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Moving a desk (citecheck migrate-db): every row of a SQLite file is copied into an empty
// PostgreSQL database migrated to the same schema version, ids kept, in one transaction on the
// target, then read back and compared table by table (row count and a hash of every row in
// primary-key order) before that transaction commits. A mismatch rolls everything back.
//
// Derived rows (the live events, the search rows, claim_counts and the documents' change
// counters, the cached document states) are copied verbatim with the target's triggers switched
// off (session_replication_role = replica, for the copy transaction only), not rebuilt by them.
// Rebuilding could not give the same desk: the triggers would write a claim.created event for
// every claim where the source has pruned its old events (and the ids that open pages resume
// from with Last-Event-ID would change), history rows would announce again, change counters
// would count the copy's inserts instead of the real edits, and search rows would get new ids
// (and the passages of a text are written by Go, not by triggers). A verbatim copy ends with the
// target identical to the source, which the verification then proves for every table, derived
// ones included. Replica mode also skips foreign-key checks, so the source's own integrity is
// checked first (PRAGMA foreign_key_check); tables are still copied parents first.
//
// The source is read in one read transaction, so the copy is the desk as of one moment; but a
// server still running on the file would go on writing into it after that moment, so the server
// must be stopped first. A non-empty WAL file is taken as the sign of one (a clean stop folds the
// WAL into the database and removes it) and refused.

// TableMove is one table of a move: its rows and hash on each side.
type TableMove struct {
	Table string
	// Copied is false for a table that the target's migrations had already filled exactly as
	// the source holds it (a vocabulary such as event_actions): it is compared, not copied.
	Copied                     bool
	SourceRows, TargetRows     int64
	SourceSHA256, TargetSHA256 string
}

// OK reports whether the table reads back the same on both sides.
func (m TableMove) OK() bool {
	return m.SourceRows == m.TargetRows && m.SourceSHA256 == m.TargetSHA256
}

// MoveReport is the result of a move: the schema version and every table, in copy order.
type MoveReport struct {
	Version int
	Tables  []TableMove
}

// ErrMoveMismatch is answered when a table read back from the target differs from the source;
// the target's transaction was rolled back, so it holds nothing of the move.
var ErrMoveMismatch = errors.New("store: the copy does not match the source; nothing was written to the target")

// neverNonEmpty are the tables whose rows make a desk: a target holding any of them is refused,
// whatever else it holds.
var neverNonEmpty = []string{"users", "documents", "claims"}

// MigrateDB copies the SQLite desk in the file from into the empty PostgreSQL database at the
// URL to (created by the caller; MigrateDB applies the migrations), verifies it and commits.
// progress, if not nil, is told of each table once it is copied, with its number of rows; the
// verification follows the copy of every table. The report is answered also with
// ErrMoveMismatch, so the caller can show what differed.
func MigrateDB(ctx context.Context, from, to string, progress func(table string, rows int64)) (*MoveReport, error) {
	return migrateDB(ctx, from, to, progress, nil)
}

// migrateDB is MigrateDB with a hook run on the target's transaction after the copy and before
// the verification; tests use it to prove that a mismatch leaves the target untouched.
func migrateDB(ctx context.Context, from, to string, progress func(string, int64), beforeVerify func(pgx.Tx) error) (*MoveReport, error) {
	if IsPostgresURL(from) {
		return nil, errors.New("store: migrate-db: --from must be a SQLite file, not a PostgreSQL URL")
	}
	if !IsPostgresURL(to) {
		return nil, errors.New("store: migrate-db: --to must be a postgres:// URL")
	}
	src, err := openSource(ctx, from)
	if err != nil {
		return nil, err
	}
	defer src.close()
	conn, err := pgx.Connect(ctx, to)
	if err != nil {
		return nil, fmt.Errorf("store: migrate-db: connect to the target: %w", err)
	}
	defer conn.Close(context.Background())
	// A desk already there is refused before the migrations could change its schema.
	if err := checkNoDesk(ctx, conn); err != nil {
		return nil, err
	}
	target, err := Open(to) // applies the target's migrations
	if err != nil {
		return nil, err
	}
	if err := target.Close(); err != nil {
		return nil, err
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migrate-db: %w", err)
	}
	defer tx.Rollback(context.Background())
	if err := prepareTarget(ctx, tx); err != nil {
		return nil, err
	}
	report, err := moveTables(ctx, src, tx, progress, beforeVerify)
	if err != nil {
		return report, err
	}
	if err := tx.Commit(ctx); err != nil {
		return report, fmt.Errorf("store: migrate-db: commit: %w", err)
	}
	return report, nil
}

// prepareTarget switches the target's triggers off for this transaction and takes the write
// lock that every app server's writes take, so none writes beside the copy.
func prepareTarget(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		return fmt.Errorf("store: migrate-db: switch the target's triggers off (SET session_replication_role needs a superuser, or GRANT SET ON PARAMETER session_replication_role): %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, writeLock); err != nil {
		return fmt.Errorf("store: migrate-db: lock the target: %w", err)
	}
	return nil
}

// moveTables checks that both sides have the same schema and that the target is empty, then
// copies and verifies every table and resets the target's id sequences.
func moveTables(ctx context.Context, src *source, tx pgx.Tx, progress func(string, int64), beforeVerify func(pgx.Tx) error) (*MoveReport, error) {
	report := &MoveReport{Version: src.version}
	if err := checkNoDesk(ctx, tx); err != nil { // again, under the lock
		return nil, err
	}
	if err := checkVersions(ctx, src, tx); err != nil {
		return nil, err
	}
	tables := make([]*targetTable, len(src.tables))
	for i, t := range src.tables {
		tt, err := describeTarget(ctx, tx, t)
		if err != nil {
			return nil, err
		}
		tables[i] = tt
	}
	for _, t := range tables {
		if err := checkEmpty(ctx, src, tx, t); err != nil {
			return nil, err
		}
	}
	for _, t := range tables {
		if t.keep {
			continue
		}
		n, err := copyTable(ctx, src, tx, t)
		if err != nil {
			return nil, err
		}
		if progress != nil {
			progress(t.src.name, n)
		}
	}
	if err := resetSequences(ctx, src, tx, tables); err != nil {
		return nil, err
	}
	if beforeVerify != nil {
		if err := beforeVerify(tx); err != nil {
			return nil, err
		}
	}
	mismatch := false
	for _, t := range tables {
		m, err := verifyTable(ctx, src, tx, t)
		if err != nil {
			return nil, err
		}
		mismatch = mismatch || !m.OK()
		report.Tables = append(report.Tables, m)
	}
	if mismatch {
		return report, ErrMoveMismatch
	}
	return report, nil
}

// checkVersions refuses a source whose schema is not the one the target was just migrated to.
func checkVersions(ctx context.Context, src *source, tx pgx.Tx) error {
	var target int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&target); err != nil {
		return fmt.Errorf("store: migrate-db: read the target's schema version: %w", err)
	}
	switch {
	case src.version < target:
		return fmt.Errorf("store: migrate-db: the source is at schema version %d and this citecheck's at %d: "+
			"stop the server, open the source once with this binary so that it migrates (for example "+
			"`citecheck user list --db %s`), then run migrate-db again", src.version, target, src.path)
	case src.version > target:
		return fmt.Errorf("store: migrate-db: the source is at schema version %d, newer than this citecheck's %d: "+
			"run migrate-db with the newer binary that wrote it", src.version, target)
	}
	return nil
}

// checkNoDesk refuses a target that holds any row of the tables that make a desk.
func checkNoDesk(ctx context.Context, q interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}) error {
	for _, table := range neverNonEmpty {
		var exists bool
		if err := q.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&exists); err != nil {
			return fmt.Errorf("store: migrate-db: look into the target: %w", err)
		}
		if !exists {
			continue
		}
		var n int64
		if err := q.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{table}.Sanitize()).Scan(&n); err != nil {
			return fmt.Errorf("store: migrate-db: count %s in the target: %w", table, err)
		}
		if n > 0 {
			return fmt.Errorf("store: migrate-db: the target is not empty: it holds %d %s; "+
				"migrate-db moves a desk into an empty database only (create a new one, or drop and recreate this one)", n, table)
		}
	}
	return nil
}

// checkEmpty refuses a target table that holds rows other than the source's: one that the
// target's migrations filled (a vocabulary) is kept if it equals the source's.
func checkEmpty(ctx context.Context, src *source, tx pgx.Tx, t *targetTable) error {
	var n int64
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+t.name.Sanitize()).Scan(&n); err != nil {
		return fmt.Errorf("store: migrate-db: count %s in the target: %w", t.src.name, err)
	}
	if n == 0 {
		return nil
	}
	m, err := verifyTable(ctx, src, tx, t)
	if err != nil {
		return err
	}
	if !m.OK() {
		return fmt.Errorf("store: migrate-db: the target is not empty: its table %s holds %d rows that differ from the source's; "+
			"migrate-db moves a desk into an empty database only", t.src.name, n)
	}
	t.keep = true
	return nil
}

// copyTable streams the source table's rows, in primary-key order, into the target by COPY,
// and answers how many it copied.
func copyTable(ctx context.Context, src *source, tx pgx.Tx, t *targetTable) (int64, error) {
	rows, err := src.readRows(ctx, t.src)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n, err := tx.CopyFrom(ctx, t.name, t.src.columns, copySource{rows, t})
	if err != nil {
		return 0, fmt.Errorf("store: migrate-db: copy %s: %w", t.src.name, err)
	}
	return n, nil
}

// copySource feeds pgx's COPY one source row at a time, converted to the target's column types,
// so a table is never held in memory whole.
type copySource struct {
	*sourceRows
	table *targetTable
}

func (c copySource) Values() ([]any, error) {
	out := make([]any, len(c.vals))
	for i, v := range c.vals {
		conv, err := convertValue(v, c.table.types[i])
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", c.table.src.name, c.table.src.columns[i], err)
		}
		out[i] = conv
	}
	return out, nil
}

// resetSequences sets each id sequence of the copied tables past the largest id the source ever
// gave out (its sqlite_sequence, which remembers ids of rows since deleted, or else the largest
// id present), so that new rows never take an id an event or a history row still names.
func resetSequences(ctx context.Context, src *source, tx pgx.Tx, tables []*targetTable) error {
	for _, t := range tables {
		if t.sequence == "" {
			continue
		}
		var top int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(`+pgx.Identifier{t.identity}.Sanitize()+`), 0) FROM `+t.name.Sanitize()).Scan(&top); err != nil {
			return fmt.Errorf("store: migrate-db: largest id of %s: %w", t.src.name, err)
		}
		top = max(top, src.sequences[t.src.name])
		var err error
		if top > 0 {
			_, err = tx.Exec(ctx, `SELECT setval($1, $2, true)`, t.sequence, top)
		} else {
			_, err = tx.Exec(ctx, `SELECT setval($1, 1, false)`, t.sequence)
		}
		if err != nil {
			return fmt.Errorf("store: migrate-db: reset the id sequence of %s: %w", t.src.name, err)
		}
	}
	return nil
}

// checkNoWAL refuses a source with a non-empty WAL file beside it: a server is running on it, or
// one stopped without folding its last writes into the file.
func checkNoWAL(path string) error {
	info, err := os.Stat(path + "-wal")
	if errors.Is(err, fs.ErrNotExist) || err == nil && info.Size() == 0 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: migrate-db: %w", err)
	}
	return fmt.Errorf("store: migrate-db: %s-wal holds writes not yet folded into %s: a server is probably still running on it; "+
		"stop it first (if none is running, open the file once with any citecheck command, such as `citecheck user list --db %s`, and try again)",
		path, path, path)
}

// quoteSQLite quotes a name for SQLite.
func quoteSQLite(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
