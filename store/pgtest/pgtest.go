// Package pgtest gives the store and handler suites their engine: SQLite by default, or, when
// CITECHECK_TEST_ENGINE=postgres, a fresh PostgreSQL database for each store on the server that
// CITECHECK_TEST_POSTGRES names (store/pgtest/with-postgres starts one; make test does).
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Postgres reports whether the suites run on PostgreSQL.
func Postgres() bool {
	return os.Getenv("CITECHECK_TEST_ENGINE") == "postgres"
}

var (
	template     sync.Once
	templateName string
	templateErr  error
	seq          atomic.Int64
)

// URL creates a new empty-but-migrated database and answers its URL; the database is dropped
// when the test ends. migrate, called once per process, applies the schema to the template
// that every database of the process is copied from (so each test skips the migrations).
// A missing server fails the test: the suites never skip an engine.
func URL(tb testing.TB, migrate func(url string) error) string {
	tb.Helper()
	base := os.Getenv("CITECHECK_TEST_POSTGRES")
	if base == "" {
		tb.Fatal("CITECHECK_TEST_ENGINE=postgres needs CITECHECK_TEST_POSTGRES, a PostgreSQL server's URL (store/pgtest/with-postgres starts one)")
	}
	template.Do(func() {
		templateName = fmt.Sprintf("citecheck_tmpl_%d", os.Getpid())
		if templateErr = admin(base, "DROP DATABASE IF EXISTS "+templateName, "CREATE DATABASE "+templateName); templateErr == nil {
			templateErr = migrate(withDB(base, templateName))
		}
	})
	if templateErr != nil {
		tb.Fatalf("pgtest: template database: %v", templateErr)
	}
	name := fmt.Sprintf("citecheck_t%d_%d", os.Getpid(), seq.Add(1))
	if err := admin(base, "CREATE DATABASE "+name+" TEMPLATE "+templateName); err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(func() {
		if err := admin(base, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("pgtest: %v", err)
		}
	})
	return withDB(base, name)
}

// admin runs statements on the server's maintenance database.
func admin(base string, stmts ...string) error {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, base)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", base, err)
	}
	defer c.Close(ctx)
	for _, q := range stmts {
		if _, err := c.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// withDB answers base with its database replaced by name.
func withDB(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + strings.TrimPrefix(name, "/")
	return u.String()
}
