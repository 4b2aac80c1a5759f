package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/citecheck/citecheck/desk"
	"github.com/citecheck/citecheck/store"
)

// revise makes a file (or stdin for "-") the new revision of a document through desk.Revise,
// re-anchoring its claims as the server does, and prints the new revision's number and the
// counts per anchor kind. The reviser is --user, or else the first enabled admin.
func revise(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	const usage = "usage: citecheck revise --doc ID [--user NAME] FILE (- for stdin)"
	var user *string
	var doc *int64
	cfg, pos, err := loadConfig(command{name: "revise", uses: withTextLimit, args: 1, usage: usage, required: []string{"doc"}}, args, stderr,
		func(fs *flag.FlagSet) {
			user = fs.String("user", "", "user recorded as the reviser (default: the first enabled admin)")
			doc = fs.Int64("doc", 0, "id of the document to revise")
		})
	if err != nil {
		return err
	}
	if *doc <= 0 {
		return errors.New(usage)
	}
	// A BOM, dropped by normalisation, and one byte more, so that a text past the limit is
	// refused as too large rather than cut.
	data, err := readInput(pos[0], stdin, int64(cfg.MaxTextBytes)+4)
	if err != nil {
		return err
	}
	st, err := store.Open(cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	by, err := desk.OperatorAs(ctx, st, *user)
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
