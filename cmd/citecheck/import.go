package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/formats"
	"github.com/citecheck/citecheck/store"
)

// importFile imports a native export from a file (or stdin for "-") as a new document and
// prints its id. The importer is --user, or else the first enabled admin: the one who runs the
// binary on the server's database is trusted as an administrator already. Every claim comes in
// pending and created by the importer, as through the API; --restore-reviews (for a desk that
// moves to a new server, and only here) restores the reviews of the file that this server could
// have recorded, and refuses the whole file when one is not.
func importFile(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("import", stderr, &cfg)
	name := fs.String("user", "", "user recorded as the importer (default: the first enabled admin)")
	restore := fs.Bool("restore-reviews", false, "restore the file's reviews by editors of this server (each is checked and recorded)")
	maxText, err := strconv.Atoi(envOr("CITECHECK_MAX_TEXT_BYTES", strconv.Itoa(citecheck.DefaultMaxTextBytes)))
	if err != nil {
		return fmt.Errorf("CITECHECK_MAX_TEXT_BYTES: %w", err)
	}
	fs.IntVar(&cfg.MaxTextBytes, "max-text-bytes", maxText, "largest document text in bytes (CITECHECK_MAX_TEXT_BYTES)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// Flags may also follow the file name: citecheck import FILE --db PATH.
	if fs.NArg() > 1 {
		file := fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return err
		}
		if fs.NArg() != 0 {
			return errors.New("usage: citecheck import [--user NAME] [--restore-reviews] FILE")
		}
		return importPath(ctx, cfg, importOptions{*name, *restore}, file, stdin, stdout)
	}
	if fs.NArg() != 1 {
		return errors.New("usage: citecheck import [--user NAME] [--restore-reviews] FILE (- for stdin)")
	}
	return importPath(ctx, cfg, importOptions{*name, *restore}, fs.Arg(0), stdin, stdout)
}

// importOptions are the import command's choices: the importer's name ("" for the first
// enabled admin) and whether to restore the file's reviews.
type importOptions struct {
	user    string
	restore bool
}

// importPath reads, checks and stores one export.
func importPath(ctx context.Context, cfg Config, opts importOptions, file string, stdin io.Reader, stdout io.Writer) error {
	limit := int64(cfg.MaxTextBytes)*2 + 1<<20 // the server's body limit
	var r io.Reader = stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	if int64(len(data)) > limit {
		return fmt.Errorf("%s is larger than the limit of %d bytes", file, limit)
	}
	ex, err := formats.DecodeExport(data)
	if err != nil {
		return err
	}
	doc, claims, err := formats.PrepareImport(ex, cfg.MaxTextBytes)
	if err != nil {
		return err
	}
	st, err := store.Open(cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	by, err := importer(ctx, st, opts.user)
	if err != nil {
		return err
	}
	save := st.ImportDocument
	if opts.restore {
		save = st.RestoreDocument
	}
	doc, err = save(ctx, doc, claims, by.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, doc.ID)
	return nil
}

// importer is the user named name, or the first enabled admin when name is empty.
func importer(ctx context.Context, st *store.Store, name string) (*citecheck.User, error) {
	if name != "" {
		u, _, err := st.UserByName(ctx, name)
		return u, err
	}
	users, err := st.Users(ctx)
	if err != nil {
		return nil, err
	}
	for i := range users {
		if users[i].Role == citecheck.RoleAdmin && !users[i].Disabled {
			return &users[i], nil
		}
	}
	return nil, errors.New("no enabled admin to record as the importer; give --user NAME")
}
