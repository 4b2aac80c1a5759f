package store

import (
	"context"
	"database/sql"
	"errors"
	"github.com/citecheck/citecheck/store/pgtest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

// t0 is where the test clock starts.
var t0 = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// mustOpen opens a fresh database (a file in a temporary directory, or on PostgreSQL a database
// of its own: pgtest), with a clock that starts at t0 and moves one second per reading, and
// closes it when the test ends.
func mustOpen(tb testing.TB) *Store {
	tb.Helper()
	if pgtest.Postgres() {
		return mustOpenPath(tb, pgtest.URL(tb, migrateOnly))
	}
	return mustOpenPath(tb, filepath.Join(tb.TempDir(), "data", "citecheck.db"))
}

// migrateOnly opens the database at url, which applies the migrations, and closes it.
func migrateOnly(url string) error {
	s, err := Open(url)
	if err != nil {
		return err
	}
	return s.Close()
}

// mustOpenPath opens the database at path with the test clock.
func mustOpenPath(tb testing.TB, path string) *Store {
	tb.Helper()
	s, err := Open(path)
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	var mu sync.Mutex
	tick := t0
	s.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		tick = tick.Add(time.Second)
		return tick
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// failingTrigger makes every insert into table for which cond holds fail: on its own
// (the statement is refused, the transaction goes on), or, with lose, taking the whole
// transaction with it (SQLite's RAISE(ROLLBACK); on PostgreSQL the writer's connection is cut).
func failingTrigger(tb testing.TB, s *Store, name, table, cond string, lose bool) {
	tb.Helper()
	var stmts []string
	switch {
	case s.pg:
		body := "RAISE EXCEPTION '" + name + "';"
		if lose {
			body = "PERFORM pg_terminate_backend(pg_backend_pid());"
		}
		stmts = []string{
			"CREATE FUNCTION " + name + "_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " + body + " RETURN NEW; END $$",
			"CREATE TRIGGER " + name + " BEFORE INSERT ON " + table + " FOR EACH ROW WHEN (" + cond + ") EXECUTE FUNCTION " + name + "_fn()",
		}
	default:
		raise := "ABORT"
		if lose {
			raise = "ROLLBACK"
		}
		stmts = []string{"CREATE TRIGGER " + name + " BEFORE INSERT ON " + table + " WHEN " + cond +
			" BEGIN SELECT RAISE(" + raise + ", '" + name + "'); END"}
	}
	for _, q := range stmts {
		if _, err := s.writer.Exec(q); err != nil {
			tb.Fatal(err)
		}
	}
}

// column reads the first column of every row that query answers, joined by commas.
func column(tb testing.TB, s *Store, query string, args ...any) string {
	tb.Helper()
	rows, err := s.reader.Query(query, args...)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			tb.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return strings.Join(out, ",")
}

// mustUser creates a user or fails the test.
func mustUser(tb testing.TB, s *Store, name string, role citecheck.Role) *citecheck.User {
	tb.Helper()
	u, err := s.CreateUser(context.Background(), name, role, []byte("hash-of-"+name))
	if err != nil {
		tb.Fatalf("CreateUser(%q): %v", name, err)
	}
	return u
}

// mustDocument creates a document by u or fails the test.
func mustDocument(tb testing.TB, s *Store, u *citecheck.User, title string) *citecheck.Document {
	tb.Helper()
	text := "The Kurds[46] live in four countries.[30, 31]\n[47] Two of them…"
	d, err := s.CreateDocument(context.Background(), &citecheck.Document{
		Title: title, Text: text, TextSHA256: "abc", Length: len([]rune(text)),
		Citations: []citecheck.Citation{{Start: 9, End: 13, Refs: []int{46}},
			{Start: 37, End: 45, Refs: []int{30, 31}}},
		CreatedByID: u.ID,
	})
	if err != nil {
		tb.Fatalf("CreateDocument: %v", err)
	}
	return d
}

// wantCode fails the test unless err is a *citecheck.Error with code.
func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	var e *citecheck.Error
	if !errors.As(err, &e) || e.Code != code {
		tb.Fatalf("error = %v, want code %q", err, code)
	}
}

func TestOpenSetsPragmas(t *testing.T) {
	s := mustOpen(t)
	if s.pg {
		checkPostgresSettings(t, s)
		return
	}
	for _, db := range []struct {
		name string
		q    queryer
	}{{"writer", s.writer}, {"reader", s.reader}, {"lookup", s.lookup}} {
		for _, p := range []struct{ pragma, want string }{
			{"journal_mode", "wal"}, {"synchronous", "2"}, {"foreign_keys", "1"}, {"busy_timeout", "5000"},
		} {
			var got string
			if err := db.q.QueryRowContext(context.Background(), "PRAGMA "+p.pragma).Scan(&got); err != nil {
				t.Fatalf("%s PRAGMA %s: %v", db.name, p.pragma, err)
			}
			if got != p.want {
				t.Errorf("%s PRAGMA %s = %q, want %q", db.name, p.pragma, got, p.want)
			}
		}
	}
}

// checkPostgresSettings is TestOpenSetsPragmas on PostgreSQL: every pool reads times in UTC,
// the writer commits durably (synchronous_commit, so an acknowledged write survives a crash of
// the database server), and the read pools refuse writes.
func checkPostgresSettings(t *testing.T, s *Store) {
	for _, db := range []struct {
		name     string
		q        queryer
		readOnly string
	}{{"writer", s.writer, "off"}, {"reader", s.reader, "on"}, {"lookup", s.lookup, "on"}} {
		for _, p := range []struct{ setting, want string }{
			{"TimeZone", "UTC"}, {"synchronous_commit", "on"}, {"default_transaction_read_only", db.readOnly},
		} {
			var got string
			if err := db.q.QueryRowContext(context.Background(), "SHOW "+p.setting).Scan(&got); err != nil {
				t.Fatalf("%s SHOW %s: %v", db.name, p.setting, err)
			}
			if got != p.want {
				t.Errorf("%s %s = %q, want %q", db.name, p.setting, got, p.want)
			}
		}
	}
}

func TestReaderRefusesWrites(t *testing.T) {
	s := mustOpen(t)
	for name, db := range map[string]*sql.DB{"reader": s.reader, "lookup": s.lookup} {
		if _, err := db.Exec(`INSERT INTO settings (key, value) VALUES ('x', 'y')`); err == nil {
			t.Errorf("a write through the %s pool succeeded", name)
		}
	}
}

func TestOpenAppliesMigrationsOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "dir", "c.db")
	s := mustOpenPath(t, path)
	u := mustUser(t, s, "ana", citecheck.RoleAdmin)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = mustOpenPath(t, path)
	var versions, applied int
	if err := s.reader.QueryRow(`SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&versions, &applied); err != nil {
		t.Fatal(err)
	}
	list, err := listMigrations(sqliteMigrations)
	if err != nil {
		t.Fatal(err)
	}
	if versions != len(list) || applied != list[len(list)-1].version {
		t.Errorf("schema_migrations has %d rows up to %d, want %d up to %d", versions, applied, len(list), list[len(list)-1].version)
	}
	got, err := s.UserByID(context.Background(), u.ID)
	if err != nil || got.Name != "ana" {
		t.Errorf("after reopen UserByID = %+v, %v; data lost", got, err)
	}
}

func TestOpenPathWithURICharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a?b#c%20d.db")
	s := mustOpenPath(t, path)
	mustUser(t, s, "ana", citecheck.RoleAdmin)
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file not at %s: %v", path, err)
	}
}
