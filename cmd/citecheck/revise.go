package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/desk"
	"github.com/citecheck/citecheck/store"
)

// revise makes a file (or stdin for "-") the new revision of a document, re-anchoring its
// claims as the server does, and prints the new revision's number and the counts per anchor
// kind. The reviser is --user, or else the first enabled admin.
func revise(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("revise", stderr, &cfg)
	name := fs.String("user", "", "user recorded as the reviser (default: the first enabled admin)")
	doc := fs.Int64("doc", 0, "id of the document to revise")
	maxText, err := strconv.Atoi(envOr("CITECHECK_MAX_TEXT_BYTES", strconv.Itoa(citecheck.DefaultMaxTextBytes)))
	if err != nil {
		return fmt.Errorf("CITECHECK_MAX_TEXT_BYTES: %w", err)
	}
	fs.IntVar(&cfg.MaxTextBytes, "max-text-bytes", maxText, "largest document text in bytes (CITECHECK_MAX_TEXT_BYTES)")
	const use = "usage: citecheck revise --doc ID [--user NAME] FILE (- for stdin)"
	if err := fs.Parse(args); err != nil {
		return err
	}
	file := ""
	if fs.NArg() >= 1 { // flags may also follow the file name
		file = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return err
		}
	}
	if file == "" || fs.NArg() != 0 || *doc <= 0 {
		return errors.New(use)
	}
	var r io.Reader = stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, int64(cfg.MaxTextBytes)+4))
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	st, err := store.Open(cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	by, err := desk.OperatorAs(ctx, st, *name)
	if err != nil {
		return err
	}
	res, err := desk.Revise(ctx, st, by, *doc, string(data), cfg.MaxTextBytes)
	if err != nil {
		return err
	}
	c := res.Counts
	fmt.Fprintf(stdout, "revision %d: %d exact, %d moved, %d fuzzy, %d orphaned\n",
		res.Revision, c.Exact, c.Moved, c.Fuzzy, c.Orphaned)
	return nil
}
