package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// The PostgreSQL engine. The store's SQL is written once, with SQLite's placeholders (? and ?N);
// the PostgreSQL connections translate each statement's text once (pgQuery) into PostgreSQL's
// $N and run it through pgx. What differs in the schema (types, triggers, search) lives in the
// engine's own migrations (migrations/postgres), versioned alike; where a statement must differ,
// the store asks s.pg.

// writeLock is the key of the advisory lock that every write transaction takes first, whichever
// app server runs it: writes are serialized across servers as SQLite serializes them within a
// file, so the rules that read, check and then write (versions, the two-person rule) hold as
// they do on SQLite.
const writeLock = 0x63697465 // "cite"

// IsPostgresURL reports whether db names a PostgreSQL database rather than a SQLite file.
func IsPostgresURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// openPostgres opens the store on the PostgreSQL database at url: a writer connection fed by
// the write queue, as on SQLite, and read-only pools for reads.
func openPostgres(url string) (*Store, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: bad PostgreSQL URL: %w", err)
	}
	s := newStore()
	s.pg = true
	s.writer = openPG(cfg, 1, false)
	s.writes = newWriteQueue(s.writer)
	s.writes.begin = func(tx *sql.Tx) error {
		_, err := tx.Exec(`SELECT pg_advisory_xact_lock(?)`, writeLock)
		return err
	}
	if err := s.writer.PingContext(context.Background()); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: connect to PostgreSQL: %w", err)
	}
	if err := s.migrate(context.Background()); err != nil {
		s.Close()
		return nil, err
	}
	s.reader = openPG(cfg, readerConns, true)
	s.lookup = openPG(cfg, lookupConns, true)
	s.listen = startListener(cfg, s.writes.announceCommit) // other servers' commits (pglisten.go)
	return s, nil
}

// openPG opens a pool of n connections; readOnly ones refuse writes, as SQLite's query_only
// readers do.
func openPG(cfg *pgx.ConnConfig, n int, readOnly bool) *sql.DB {
	c := cfg.Copy()
	if c.RuntimeParams == nil {
		c.RuntimeParams = map[string]string{}
	}
	c.RuntimeParams["timezone"] = "UTC"
	// An acknowledged write is on the database server's disk, whatever the server's default.
	c.RuntimeParams["synchronous_commit"] = "on"
	if readOnly {
		c.RuntimeParams["default_transaction_read_only"] = "on"
	}
	db := sql.OpenDB(pgConnector{stdlib.GetConnector(*c)})
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	return db
}

// pgConnector hands out pgx's database/sql connections wrapped to translate the store's SQL.
type pgConnector struct{ base driver.Connector }

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return pgConn{conn.(*stdlib.Conn)}, nil
}

func (c pgConnector) Driver() driver.Driver { return c.base.Driver() }

// pgConn is pgx's connection with every statement's text translated first.
type pgConn struct{ *stdlib.Conn }

func (c pgConn) Prepare(query string) (driver.Stmt, error) {
	return c.Conn.Prepare(pgQuery(query))
}

func (c pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, pgQuery(query))
}

func (c pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.ExecContext(ctx, pgQuery(query), pgArgs(args))
}

func (c pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.QueryContext(ctx, pgQuery(query), pgArgs(args))
}

// pgArgs binds Go booleans as 0 and 1, as SQLite stores them: the schema keeps flags in
// integer columns on both engines, and the shared SQL compares them with numbers.
func pgArgs(args []driver.NamedValue) []driver.NamedValue {
	for i, a := range args {
		if b, ok := a.Value.(bool); ok {
			args[i].Value = int64(0)
			if b {
				args[i].Value = int64(1)
			}
		}
	}
	return args
}

// indexedBy matches SQLite's index hint.
var indexedBy = regexp.MustCompile(` INDEXED BY \w+`)

// pgQueries caches translations: the store runs a few hundred distinct statements.
var pgQueries sync.Map

// pgQuery translates SQLite's placeholders into PostgreSQL's: ?N becomes $N and a bare ? the
// next number after the largest seen so far (SQLite's own rule). Quoted strings, quoted names,
// comments and dollar-quoted bodies are copied as they are.
//
// SQLite's index hints (INDEXED BY name), which PostgreSQL has no syntax for and whose planner
// chooses by itself, are dropped.
func pgQuery(q string) string {
	if !strings.Contains(q, "?") && !strings.Contains(q, "INDEXED BY") {
		return q
	}
	if t, ok := pgQueries.Load(q); ok {
		return t.(string)
	}
	orig := q
	q = indexedBy.ReplaceAllString(q, "")
	var b strings.Builder
	b.Grow(len(q) + 16)
	maxN := 0
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(q) {
				if q[j] == c {
					if j+1 < len(q) && q[j+1] == c { // doubled quote
						j += 2
						continue
					}
					break
				}
				j++
			}
			j = min(j+1, len(q))
			b.WriteString(q[i:j])
			i = j
		case c == '-' && strings.HasPrefix(q[i:], "--"):
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			b.WriteString(q[i : i+j])
			i += j
		case c == '$' && i+1 < len(q) && (q[i+1] == '$' || isIdentStart(q[i+1])):
			tag := dollarTag(q[i:])
			if tag == "" {
				b.WriteByte(c)
				i++
				continue
			}
			end := strings.Index(q[i+len(tag):], tag)
			if end < 0 {
				b.WriteString(q[i:])
				i = len(q)
				continue
			}
			j := i + len(tag) + end + len(tag)
			b.WriteString(q[i:j])
			i = j
		case c == '?':
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			n := maxN + 1
			if j > i+1 {
				n, _ = strconv.Atoi(q[i+1 : j])
			}
			maxN = max(maxN, n)
			b.WriteString("$" + strconv.Itoa(n))
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	t := b.String()
	pgQueries.Store(orig, t)
	return t
}

// dollarTag answers the opening tag of a dollar-quoted string at the start of s ($$ or $name$),
// or "" when s does not start one.
func dollarTag(s string) string {
	for j := 1; j < len(s); j++ {
		if s[j] == '$' {
			return s[:j+1]
		}
		if !isIdentStart(s[j]) && !(s[j] >= '0' && s[j] <= '9') {
			return ""
		}
	}
	return ""
}

func isIdentStart(c byte) bool {
	return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// pgCode answers PostgreSQL's SQLSTATE of err, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}
