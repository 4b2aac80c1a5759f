package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// migrations holds the schema as numbered files (0001_init.sql, 0002_...). A new table, such as
// the claim_events history planned next, is a new file; an applied file is never edited.
//
//go:embed migrations
var migrations embed.FS

// The two engines' migrations, versioned alike: version N of one is version N of the other.
const (
	sqliteMigrations   = "migrations/sqlite"
	postgresMigrations = "migrations/postgres"
)

const (
	createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	applied_at TEXT NOT NULL
)`
	selectMigration = `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`
	insertMigration = `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`
)

// migration is one numbered schema file.
type migration struct {
	version int
	name    string
	path    string // in migrations
}

// migrate applies, in order, each migration that schema_migrations does not list, each in its
// own transaction together with the row that records it. The check runs inside the write
// transaction, so two processes opening the same new file do not both apply a migration.
func (s *Store) migrate(ctx context.Context) error {
	// In a write transaction, so that on PostgreSQL two servers starting at once take turns
	// (the write lock) instead of racing to create the table.
	if err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, createMigrationsTable)
		return err
	}); err != nil {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}
	list, err := listMigrations(s.migrationsDir())
	if err != nil {
		return err
	}
	for _, m := range list {
		if err := s.applyMigration(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// applyMigration runs one migration file unless it has been applied already.
func (s *Store) applyMigration(ctx context.Context, m migration) error {
	body, err := migrations.ReadFile(m.path)
	if err != nil {
		return fmt.Errorf("store: read migration %s: %w", m.name, err)
	}
	return s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, selectMigration, m.version).Scan(&n); err != nil {
			return fmt.Errorf("store: check migration %s: %w", m.name, err)
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("store: apply migration %s: %w", m.name, err)
		}
		if step := migrationSteps[m.path]; step != nil {
			if err := step(ctx, tx); err != nil {
				return fmt.Errorf("store: apply migration %s: %w", m.name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, insertMigration, m.version, formatTime(s.now())); err != nil {
			return fmt.Errorf("store: record migration %s: %w", m.name, err)
		}
		return nil
	})
}

// listMigrations returns the embedded migrations of dir ordered by their number.
func listMigrations(dir string) ([]migration, error) {
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, fmt.Errorf("store: list migrations: %w", err)
	}
	var list []migration
	seen := map[int]string{}
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration %s: name must start with a positive number and _", e.Name())
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("store: migrations %s and %s share number %d", prev, e.Name(), v)
		}
		seen[v] = e.Name()
		list = append(list, migration{version: v, name: e.Name(), path: dir + "/" + e.Name()})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].version < list[j].version })
	return list, nil
}
