package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/citecheck/citecheck/store"
)

// backup writes a consistent copy of the database to a new file. It opens the database itself,
// so it works beside a running server on the same file: in WAL mode the copy reads one snapshot
// while the server keeps writing.
func backup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("backup", stderr, &cfg)
	out := fs.String("out", "", "file to write the copy to; it must not exist")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("usage: citecheck backup --out FILE")
	}
	st, err := store.Open(cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", cfg.DB, *out)
	return nil
}
