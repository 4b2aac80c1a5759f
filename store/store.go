// Package store keeps citecheck's documents, claims and users in one SQLite file. It opens the
// file with the pragmas the server relies on, applies embedded migrations and maps rows to the
// domain types of package citecheck.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/jackc/pgx/v5"
	sqlite3 "github.com/mattn/go-sqlite3"
)

// pragmas are the go-sqlite3 DSN parameters every connection gets. WAL lets readers run while
// the writer commits; synchronous=FULL fsyncs the WAL on every commit, so a claim acknowledged
// with 201 survives kill -9 or a power cut; the busy timeout covers other processes (the CLI)
// that write to the same file.
const pragmas = "_journal_mode=WAL&_foreign_keys=on&_busy_timeout=5000&_synchronous=FULL"

// readerConns is the size of the reader pool; SQLite readers in WAL mode do not block each other.
const readerConns = 4

// lookupConns is the size of the lookup pool, for the reads by key that nearly every request
// makes (its token, its user, the claim it names). They take microseconds; kept apart from the
// reader pool they never wait behind a list, a page or an export scanning a large document's
// claims, which under load is where a write request spent most of its time (database/sql hands
// a freed connection to a random waiter, so that wait was also the writes' long tail).
const lookupConns = 2

// timeLayout stores times as fixed-width UTC text, so that ordering by the text orders by time.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// Store is the SQLite storage of citecheck. All writes go through one connection (the writer),
// fed by a first-come, first-served queue that groups the writes waiting at the same time into
// one transaction and one fsync (writequeue.go), so writers neither fail with "database is
// locked" nor pay a commit each; reads go through a small pool of read-only connections that WAL
// lets run beside the writer.
type Store struct {
	// Now is the one clock of the store; tests replace it to get deterministic times. Its result
	// is converted to UTC before it is stored.
	Now func() time.Time

	pg     bool        // PostgreSQL rather than SQLite (postgres.go)
	listen *pgListener // PostgreSQL's notifications of commits (pglisten.go)
	writer *sql.DB
	writes *writeQueue
	reader *sql.DB
	lookup *sql.DB

	// credentials counts the changes this store made that may end a credential: a session
	// ended, a token revoked, a user's role, password or enabled state changed.
	credentials atomic.Int64
}

// CredentialChanges answers how many changes this store has made that may end a session or a
// token (see credentials): one that holds must be checked again when the count has moved.
func (s *Store) CredentialChanges() int64 { return s.credentials.Load() }

// Open opens the store at path: a SQLite file (created if needed, with its parent directory)
// or, for a postgres:// URL, a PostgreSQL database (postgres.go); either way it applies the
// migrations the database has not seen yet.
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: empty database path")
	}
	if IsPostgresURL(path) {
		return openPostgres(path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create directory of %s: %w", path, err)
		}
	}
	s := newStore()

	// _txlock=immediate makes BeginTx take the write lock up front, so a transaction that reads
	// and then writes never fails half-way trying to upgrade its lock.
	writer, err := sql.Open(driverName, dsn(path, pragmas+"&_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("store: open writer %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetConnMaxIdleTime(0)
	writer.SetConnMaxLifetime(0)
	s.writer = writer
	s.writes = newWriteQueue(writer)
	if err := checkFTS5(context.Background(), writer); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.migrate(context.Background()); err != nil {
		s.Close()
		return nil, err
	}

	// The read pools are opened after the migrations, so they never see a half-created schema,
	// and with query_only set, so a mistaken write through them fails loudly instead of racing
	// the writer.
	if s.reader, err = openReadPool(path, readerConns); err != nil {
		s.Close()
		return nil, err
	}
	if s.lookup, err = openReadPool(path, lookupConns); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// openReadPool opens a pool of n read-only connections to path.
func openReadPool(path string, n int) (*sql.DB, error) {
	db, err := sql.Open(driverName, dsn(path, pragmas+"&_query_only=1"))
	if err != nil {
		return nil, fmt.Errorf("store: open reader %s: %w", path, err)
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open reader %s: %w", path, err)
	}
	return db, nil
}

// dsn builds a file: URI for path; the characters that a URI gives a meaning are escaped so that
// any file name works.
func dsn(path, params string) string {
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + escaped + "?" + params
}

// Close stops listening for other servers' commits and the write queue (writes still waiting
// are refused), then closes the read pools and the writer.
func (s *Store) Close() error {
	var errs []error
	if s.listen != nil {
		s.listen.close()
	}
	if s.writes != nil {
		s.writes.close()
	}
	for _, db := range []*sql.DB{s.reader, s.lookup} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	if s.writer != nil {
		errs = append(errs, s.writer.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// newStore is a store with its clock, before its engine is opened.
func newStore() *Store {
	return &Store{Now: func() time.Time { return time.Now().UTC() }}
}

// migrationsDir is where the engine's migrations are.
func (s *Store) migrationsDir() string {
	if s.pg {
		return postgresMigrations
	}
	return sqliteMigrations
}

// now returns the store's clock in UTC.
func (s *Store) now() time.Time {
	return s.Now().UTC()
}

// formatTime turns a time into the stored text.
func formatTime(t time.Time) string {
	return t.UTC().Format(timeLayout)
}

// parseTime reads a stored time.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: bad time %q: %w", s, err)
	}
	return t.UTC(), nil
}

// withTx is the one door for writes: it queues fn behind the writes already waiting and
// returns once fn's changes are committed (fn returned nil) or undone (fn failed: its error is
// returned as is). fn may share its transaction with other writes, so it must use the ctx it is
// given (not cancelled by the request: a write that has started finishes or rolls back cleanly),
// must not commit or roll back tx itself, and must not call another store write.
func (s *Store) withTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return s.writes.do(ctx, fn)
}

// exec runs one write statement through the write queue, for writes that are a single
// statement. Its result (last insert id, rows affected) is read inside the transaction, so the
// caller never touches the writer's connection after the queue has moved on.
func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var out execResult
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		out.rows, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// insert runs one INSERT through the write queue and answers the new row's id
// (LastInsertId), as insertRow does inside a transaction.
func (s *Store) insert(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var out sql.Result
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		out, err = insertRow(ctx, tx, query, args...)
		return err
	})
	return out, err
}

// insertRow runs an INSERT of one row into a table with an id column and answers the new id
// as the result's LastInsertId, by RETURNING, which both engines have (PostgreSQL has no last
// insert id).
func insertRow(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	out := execResult{rows: 1}
	if err := tx.QueryRowContext(ctx, query+"\nRETURNING id", args...).Scan(&out.id); err != nil {
		return nil, err
	}
	return out, nil
}

// execResult is a statement's result as read when it ran.
type execResult struct{ id, rows int64 }

func (r execResult) LastInsertId() (int64, error) { return r.id, nil }
func (r execResult) RowsAffected() (int64, error) { return r.rows, nil }

// readTx begins a read transaction whose statements all see one state of the database: SQLite's
// WAL readers do by nature, PostgreSQL's need REPEATABLE READ (its default, READ COMMITTED,
// gives each statement a newer snapshot).
func (s *Store) readTx(ctx context.Context) (*sql.Tx, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.pg {
		opts.Isolation = sql.LevelRepeatableRead
	}
	return s.reader.BeginTx(ctx, opts)
}

// queryer is what both *sql.DB and *sql.Tx offer, so one read function serves the reader pool
// and a write transaction that reads back what it wrote.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// isUniqueViolation reports whether err is the database refusing a duplicate in a UNIQUE column
// or primary key.
func isUniqueViolation(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.ExtendedCode == sqlite3.ErrConstraintUnique ||
		se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey) || pgCode(err) == "23505"
}

// isForeignKeyViolation reports whether err is the database refusing a row whose foreign key
// names nothing.
func isForeignKeyViolation(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintForeignKey || pgCode(err) == "23503"
}

// notFound builds the domain's not-found error.
func notFound(format string, args ...any) error {
	return citecheck.Errorf(citecheck.ECodeNotFound, format, args...)
}

// OpenSQL opens a plain database/sql handle on db (a SQLite file or a postgres:// URL) that
// speaks the store's SQL on either engine, for tools and tests that look at the tables
// themselves. It neither migrates nor goes through the write queue; readOnly refuses writes.
func OpenSQL(db string, readOnly bool) (*sql.DB, error) {
	if IsPostgresURL(db) {
		cfg, err := pgx.ParseConfig(db)
		if err != nil {
			return nil, fmt.Errorf("store: bad PostgreSQL URL: %w", err)
		}
		return openPG(cfg, 4, readOnly), nil
	}
	params := pragmas
	if readOnly {
		params += "&_query_only=1"
	}
	return sql.Open(driverName, dsn(db, params))
}
