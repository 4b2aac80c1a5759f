package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/citecheck/citecheck/desk"
	"github.com/citecheck/citecheck/store"
)

// withTextLimit is the settings of a command that stores document texts.
var withTextLimit = []string{sDB, sMaxTextBytes}

// importFile imports a native export from a file (or stdin for "-") as a new document and
// prints its id, through desk.Import as the server does. The importer is --user, or else the
// first enabled admin (desk.OperatorAs). Every claim comes in pending and created by the
// importer, as through the API; --restore-reviews (for a desk that moves to a new server, and
// only here) restores the reviews of the file that this server could have recorded, and
// refuses the whole file when one is not.
func importFile(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var user *string
	var restore *bool
	cfg, pos, err := loadConfig(command{name: "import", uses: withTextLimit, args: 1,
		usage: "usage: citecheck import [--user NAME] [--restore-reviews] FILE (- for stdin)"}, args, stderr,
		func(fs *flag.FlagSet) {
			user = fs.String("user", "", "user recorded as the importer (default: the first enabled admin)")
			restore = fs.Bool("restore-reviews", false, "restore the file's reviews by editors of this server (each is checked and recorded)")
		})
	if err != nil {
		return err
	}
	data, err := readInput(pos[0], stdin, desk.MaxImportBytes(cfg.MaxTextBytes)+1)
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
	doc, err := desk.Import(ctx, st, by, data,
		desk.ImportOptions{MaxTextBytes: cfg.MaxTextBytes, RestoreReviews: *restore})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, doc.ID)
	return nil
}

// readInput reads at most limit bytes of file, or of stdin for "-"; the workflow refuses what
// is past its own bound.
func readInput(file string, stdin io.Reader, limit int64) ([]byte, error) {
	r := stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, limit))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	return data, nil
}
