package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// vacuumInto writes a compacted copy of the database to a new file. It runs in one read
// transaction, so the copy is the database as of one moment, however many writers commit
// meanwhile.
const vacuumInto = `VACUUM INTO ?`

// selectMainFile names the file behind the store's connections.
const selectMainFile = `PRAGMA database_list`

// Backup writes a consistent copy of the database to path, a file that must not exist yet. It
// reads through a connection of its own beside the writer: in WAL mode the snapshot it reads
// does not hold up the writer, so a running server keeps accepting claims while the copy is
// made. (The reader pool cannot run it: query_only refuses VACUUM even when its output is
// another file.) The copy is fsynced before Backup returns, so a backup that reported success
// survives a crash.
func (s *Store) Backup(ctx context.Context, path string) error {
	if path == "" {
		return errors.New("store: backup: empty path")
	}
	if s.pg {
		return errors.New("store: backup copies a SQLite file; back up a PostgreSQL database with its own tools (pg_dump, or the server's base backups and WAL archive)")
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("store: backup: %s already exists; refusing to overwrite it", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: backup: %w", err)
	}
	var seq int
	var name, file string
	if err := s.reader.QueryRowContext(ctx, selectMainFile).Scan(&seq, &name, &file); err != nil {
		return fmt.Errorf("store: backup: find the database file: %w", err)
	}
	db, err := sql.Open(driverName, dsn(file, pragmas))
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, vacuumInto, path); err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	// VACUUM INTO does not fsync what it wrote, so the file and its directory entry are synced
	// here.
	if err := syncPath(path); err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	if err := syncPath(filepath.Dir(path)); err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return nil
}

// syncPath flushes a file or a directory to stable storage.
func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
