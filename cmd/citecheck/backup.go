package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/citecheck/citecheck/store"
)

// backup writes a consistent copy of the database to a new file. It opens the database itself,
// so it works beside a running server on the same file: in WAL mode the copy reads one snapshot
// while the server keeps writing.
func backup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const usage = "usage: citecheck backup --out FILE"
	var out *string
	cfg, _, err := loadConfig(command{name: "backup", uses: dbOnly, usage: usage}, args, stderr, func(fs *flag.FlagSet) {
		out = fs.String("out", "", "file to write the copy to; it must not exist")
	})
	if err != nil {
		return err
	}
	if *out == "" {
		return errors.New(usage)
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
