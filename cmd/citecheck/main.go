// Command citecheck is the citecheck server and its administration tools, in one binary.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

const usage = `usage: citecheck COMMAND [flags]

commands:
  serve [--addr 127.0.0.1:8080]                          run the server
  user add --name NAME --role ROLE --password-stdin      add a user
  user list                                              list users: name, role, enabled/disabled
  user set-role --name NAME --role ROLE                  change a user's role
  user disable --name NAME [--enable]                    disable (or re-enable) a user
  user enable --name NAME                                re-enable a disabled user
  user passwd --name NAME --password-stdin               set a user's password
  token create --user NAME [--name TOKEN-NAME]          print a new API token
  export --doc ID [--format native|w3c]                  print a document's export
  import [--user NAME] [--restore-reviews] FILE          import a native export (- for stdin); print the new id
  revise --doc ID [--user NAME] FILE                     make FILE (- for stdin) a document's new revision
  backup --out FILE                                      copy the database consistently, also while serving
  migrate-db --from FILE --to postgres://...             move a stopped desk into an empty PostgreSQL database, verified

every command takes --db PATH or a postgres:// URL (default data/citecheck.db, or CITECHECK_DB)
`

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0) // -h: the flags were asked for, and listed
		}
		fmt.Fprintln(os.Stderr, "citecheck: "+oneLine(err.Error()))
		os.Exit(1)
	}
}

func oneLine(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ") }

// run dispatches a subcommand; it is separate from main so that tests can call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("no command given; 'citecheck help' lists them")
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return serve(ctx, rest, stdout, stderr)
	case "user":
		return user(ctx, rest, stdin, stdout, stderr)
	case "token":
		if len(rest) == 0 || rest[0] != "create" {
			return errors.New("usage: citecheck token create --user NAME [--name TOKEN-NAME]")
		}
		return tokenCreate(ctx, rest[1:], stdout, stderr)
	case "export":
		return export(ctx, rest, stdout, stderr)
	case "import":
		return importFile(ctx, rest, stdin, stdout, stderr)
	case "revise":
		return revise(ctx, rest, stdin, stdout, stderr)
	case "backup":
		return backup(ctx, rest, stdout, stderr)
	case "migrate-db":
		return migrateDB(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q; 'citecheck help' lists the commands", cmd)
	}
}
