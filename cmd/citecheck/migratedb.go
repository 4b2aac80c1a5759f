package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/citecheck/citecheck/store"
)

// migrateDB moves a desk from its SQLite file into an empty PostgreSQL database
// (store.MigrateDB): every table copied with its ids, verified by row counts and hashes, all or
// nothing. The server must be stopped first; the file is only read. --from defaults to --db.
func migrateDB(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const usage = "usage: citecheck migrate-db --from FILE --to postgres://..."
	var from, to *string
	cfg, _, err := loadConfig(command{name: "migrate-db", uses: dbOnly, usage: usage}, args, stderr, func(fs *flag.FlagSet) {
		from = fs.String("from", "", "the SQLite file to move (default: --db); stop the server on it first")
		to = fs.String("to", "", "the empty PostgreSQL database to move it into, as a postgres:// URL")
	})
	if err != nil {
		return err
	}
	if *from == "" {
		*from = cfg.DB
	}
	if *to == "" {
		return errors.New(usage)
	}
	report, err := store.MigrateDB(ctx, *from, *to, func(table string, rows int64) {
		fmt.Fprintf(stderr, "copied %s: %d rows\n", table, rows)
	})
	if report != nil {
		printMoveReport(stdout, report)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "moved %s into %s: %d tables at schema version %d, every count and hash equal\n",
		*from, redactURL(*to), len(report.Tables), report.Version)
	return nil
}

// printMoveReport prints each table's counts and hashes (their first 16 hex digits) on both
// sides, and whether they match.
func printMoveReport(w io.Writer, r *store.MoveReport) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "table\tsource rows\ttarget rows\tsource sha256\ttarget sha256\tresult")
	for _, m := range r.Tables {
		result := "ok"
		switch {
		case !m.OK():
			result = "MISMATCH"
		case !m.Copied:
			result = "ok (set by migrations)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.16s\t%.16s\t%s\n", m.Table, m.SourceRows, m.TargetRows, m.SourceSHA256, m.TargetSHA256, result)
	}
	tw.Flush()
}
