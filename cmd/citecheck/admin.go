package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/desk"
	"github.com/citecheck/citecheck/formats"
	"github.com/citecheck/citecheck/store"
)

// dbOnly is the settings of a command that only opens the database.
var dbOnly = []string{sDB}

// tokenCreate prints a new API token of a user, and only that, on stdout. The operator may
// make one for anyone (desk.CreateToken); its name tells it apart on the user's account page.
func tokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var user, name *string
	cfg, _, err := loadConfig(command{name: "token create", uses: dbOnly, required: []string{"user"},
		usage: "usage: citecheck token create --user NAME [--name TOKEN-NAME]"}, args, stderr, func(fs *flag.FlagSet) {
		user = fs.String("user", "", "user name")
		name = fs.String("name", "command line", "name of the token, shown on the user's account page")
	})
	if err != nil {
		return err
	}
	st, err := store.Open(cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	_, secret, err := desk.CreateToken(ctx, st, desk.Operator, *user, *name)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	return nil
}

func export(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var id *int64
	var format *string
	cfg, _, err := loadConfig(command{name: "export", uses: dbOnly, required: []string{"doc"},
		usage: "usage: citecheck export --doc ID [--format native|w3c]"}, args, stderr, func(fs *flag.FlagSet) {
		id = fs.Int64("doc", 0, "document id")
		format = fs.String("format", "native", "native or w3c")
	})
	if err != nil {
		return err
	}
	if *format != "native" && *format != "w3c" {
		return fmt.Errorf("--format must be native or w3c, not %q", *format)
	}
	st, err := store.Open(cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	doc, err := st.Document(ctx, *id)
	if err != nil {
		return err
	}
	claims, err := st.Claims(ctx, doc.ID, citecheck.ClaimFilter{})
	if err != nil {
		return err
	}
	ex := formats.BuildExport(doc, claims, st.Now())
	if ex.Sources, err = st.CapturesWithText(ctx, doc.ID); err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if *format == "w3c" {
		return enc.Encode(formats.BuildW3C(ex))
	}
	return enc.Encode(ex)
}
