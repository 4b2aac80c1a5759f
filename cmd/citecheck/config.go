package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/citecheck/citecheck"
)

// Config is every setting of citecheck, filled from flags and CITECHECK_* environment
// variables (flags win).
type Config struct {
	DB            string
	Addr          string
	MaxTextBytes  int
	SessionKey    string        // CITECHECK_SESSION_KEY; else generated once and kept in the database
	AdminPassword string        // CITECHECK_ADMIN_PASSWORD; used only when the database has no users
	Organization  string        // CITECHECK_ORG: the publisher named in ClaimReview exports
	PublicURL     string        // CITECHECK_PUBLIC_URL: the base URL readers reach, for ClaimReview links
	SessionIdle   time.Duration // CITECHECK_SESSION_IDLE: a session unused this long ends
	SessionMax    time.Duration // CITECHECK_SESSION_MAX: a session ends this long after sign-in

	Fetch FetchConfig // CITECHECK_FETCH*: fetching sources from their URLs
}

const (
	defaultSessionIdle = 12 * time.Hour
	defaultSessionMax  = 14 * 24 * time.Hour
)

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// newFlagSet makes a flag set for a subcommand with the --db flag every command takes.
func newFlagSet(name string, stderr io.Writer, cfg *Config) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DB, "db", envOr("CITECHECK_DB", "data/citecheck.db"), "SQLite database file (CITECHECK_DB)")
	return fs
}

func loadServeConfig(args []string, stderr io.Writer) (Config, error) {
	var cfg Config
	fs := newFlagSet("serve", stderr, &cfg)
	fs.StringVar(&cfg.Addr, "addr", envOr("CITECHECK_ADDR", "127.0.0.1:8080"), "listen address (CITECHECK_ADDR)")
	maxText, err := strconv.Atoi(envOr("CITECHECK_MAX_TEXT_BYTES", strconv.Itoa(citecheck.DefaultMaxTextBytes)))
	if err != nil {
		return cfg, err
	}
	fs.IntVar(&cfg.MaxTextBytes, "max-text-bytes", maxText, "largest document text in bytes (CITECHECK_MAX_TEXT_BYTES)")
	fs.StringVar(&cfg.Organization, "org", os.Getenv("CITECHECK_ORG"),
		"organisation named as the author of ClaimReview exports (CITECHECK_ORG; default: the request's host)")
	fs.StringVar(&cfg.PublicURL, "public-url", os.Getenv("CITECHECK_PUBLIC_URL"),
		"base URL readers reach the server at, for ClaimReview links (CITECHECK_PUBLIC_URL; default: the request's)")
	if err := durationFlag(fs, &cfg.SessionIdle, "session-idle", "CITECHECK_SESSION_IDLE", defaultSessionIdle,
		"a session unused this long ends, such as 12h or 30m"); err != nil {
		return cfg, err
	}
	if err := durationFlag(fs, &cfg.SessionMax, "session-max", "CITECHECK_SESSION_MAX", defaultSessionMax,
		"a session ends this long after sign-in however busy, such as 336h"); err != nil {
		return cfg, err
	}
	if err := addFetchFlags(fs, &cfg.Fetch); err != nil {
		return cfg, err
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if cfg.SessionIdle <= 0 || cfg.SessionMax <= 0 {
		return cfg, errors.New("--session-idle and --session-max must be positive durations")
	}
	cfg.SessionKey = os.Getenv("CITECHECK_SESSION_KEY")
	cfg.AdminPassword = os.Getenv("CITECHECK_ADMIN_PASSWORD")
	return cfg, nil
}

// durationFlag defines a duration flag whose default comes from the environment variable env,
// or def when it is unset; an environment value that is not a duration is an error.
func durationFlag(fs *flag.FlagSet, p *time.Duration, name, env string, def time.Duration, usage string) error {
	if v := os.Getenv(env); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("%s: %w", env, err)
		}
		def = d
	}
	fs.DurationVar(p, name, def, usage+" ("+env+")")
	return nil
}

func mask(s string) string {
	if s == "" {
		return "(unset)"
	}
	return "(set)"
}
