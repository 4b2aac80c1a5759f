package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/formats"
	"github.com/citecheck/citecheck/store"
)

func tokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("token create", stderr, &cfg)
	name := fs.String("user", "", "user name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := store.Open(cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	u, _, err := st.UserByName(ctx, *name)
	if err != nil {
		return err
	}
	tok, err := citecheck.NewToken()
	if err != nil {
		return err
	}
	if err := st.CreateToken(ctx, u.ID, citecheck.HashToken(tok)); err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}

func export(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("export", stderr, &cfg)
	id := fs.Int64("doc", 0, "document id")
	format := fs.String("format", "native", "native or w3c")
	if err := fs.Parse(args); err != nil {
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
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if *format == "w3c" {
		return enc.Encode(formats.BuildW3C(ex))
	}
	return enc.Encode(ex)
}
