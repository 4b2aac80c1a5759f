package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
)

// Config is every setting of citecheck, filled by loadConfig from flags and CITECHECK_*
// environment variables for every subcommand alike: a flag beats its variable, which beats the
// default.
type Config struct {
	DB            string        // --db, CITECHECK_DB: the SQLite file or a postgres:// URL
	Addr          string        // --addr, CITECHECK_ADDR: where serve listens
	MaxTextBytes  int           // --max-text-bytes, CITECHECK_MAX_TEXT_BYTES: the largest document text
	Organization  string        // --org, CITECHECK_ORG: the publisher named in ClaimReview exports
	PublicURL     string        // --public-url, CITECHECK_PUBLIC_URL: the base URL readers reach, for ClaimReview links
	SessionIdle   time.Duration // --session-idle, CITECHECK_SESSION_IDLE: a session unused this long ends
	SessionMax    time.Duration // --session-max, CITECHECK_SESSION_MAX: a session ends this long after sign-in
	SessionKey    string        // CITECHECK_SESSION_KEY; else generated once and kept in the database
	AdminPassword string        // CITECHECK_ADMIN_PASSWORD; used only when the database has no users
	TrashKeep     time.Duration // --trash-keep, CITECHECK_TRASH_KEEP: a deleted document or claim can be restored this long

	Fetch FetchConfig // --fetch*, CITECHECK_FETCH*: fetching sources from their URLs
	Live  LiveConfig  // --max-streams, --live-heartbeat, --live-poll: the live event streams (config_live.go)

	MemoryLimit int64 // --memory-limit, CITECHECK_MEMORY_LIMIT: the soft memory limit, in bytes (config_memory.go)
}

// setting is one field of Config: its flag (none for a secret, which would show in the process
// list), its environment variable, its default, and how a value is checked and stored.
type setting struct {
	flag, env, def, usage string
	secret                bool
	boolean               bool // a switch: --fetch alone means true
	set                   func(cfg *Config, v string) error
	show                  func(cfg *Config) string
}

// The names of the settings, as commands list the ones they use.
const (
	sDB            = "db"
	sAddr          = "addr"
	sMaxTextBytes  = "max-text-bytes"
	sOrg           = "org"
	sPublicURL     = "public-url"
	sSessionIdle   = "session-idle"
	sSessionMax    = "session-max"
	sSessionKey    = "session-key"
	sAdminPassword = "admin-password"
	sTrashKeep     = "trash-keep"
	sFetch         = "fetch"
	sFetchAllow    = "fetch-allow"
	sFetchMaxBytes = "fetch-max-bytes"
	sFetchTimeout  = "fetch-timeout"
)

// settings are every setting of citecheck, by name, in the order they are printed.
var settings = map[string]setting{
	sDB: {flag: "db", env: "CITECHECK_DB", def: "data/citecheck.db", usage: "SQLite database file, or a postgres:// URL",
		set:  func(c *Config, v string) error { c.DB = v; return nonEmpty(v) },
		show: func(c *Config) string { return redactURL(c.DB) }},
	sAddr: {flag: "addr", env: "CITECHECK_ADDR", def: "127.0.0.1:8080", usage: "listen address",
		set:  func(c *Config, v string) error { c.Addr = v; return nonEmpty(v) },
		show: func(c *Config) string { return c.Addr }},
	sMaxTextBytes: {flag: "max-text-bytes", env: "CITECHECK_MAX_TEXT_BYTES", def: strconv.Itoa(citecheck.DefaultMaxTextBytes),
		usage: "largest document text in bytes", set: setMaxTextBytes,
		show: func(c *Config) string { return strconv.Itoa(c.MaxTextBytes) }},
	sOrg: {flag: "org", env: "CITECHECK_ORG",
		usage: "organisation named as the author of ClaimReview exports (default: the request's host)",
		set:   func(c *Config, v string) error { c.Organization = v; return nil },
		show:  func(c *Config) string { return c.Organization }},
	sPublicURL: {flag: "public-url", env: "CITECHECK_PUBLIC_URL",
		usage: "base URL readers reach the server at, for ClaimReview links (default: the request's)",
		set:   setPublicURL, show: func(c *Config) string { return c.PublicURL }},
	sSessionIdle: {flag: "session-idle", env: "CITECHECK_SESSION_IDLE", def: "12h",
		usage: "a session unused this long ends, such as 12h or 30m",
		set:   func(c *Config, v string) error { return setDuration(&c.SessionIdle, v) },
		show:  func(c *Config) string { return c.SessionIdle.String() }},
	sSessionMax: {flag: "session-max", env: "CITECHECK_SESSION_MAX", def: "336h",
		usage: "a session ends this long after sign-in however busy, such as 336h",
		set:   func(c *Config, v string) error { return setDuration(&c.SessionMax, v) },
		show:  func(c *Config) string { return c.SessionMax.String() }},
	sSessionKey: {env: "CITECHECK_SESSION_KEY", secret: true, set: setSessionKey,
		show: func(c *Config) string { return c.SessionKey }},
	sTrashKeep: {flag: "trash-keep", env: "CITECHECK_TRASH_KEEP", def: "720h",
		usage: "a deleted document or claim stays in the trash, restorable, this long before it is purged, such as 720h (30 days)",
		set:   func(c *Config, v string) error { return setDuration(&c.TrashKeep, v) },
		show:  func(c *Config) string { return c.TrashKeep.String() }},
	sAdminPassword: {env: "CITECHECK_ADMIN_PASSWORD", secret: true,
		set:  func(c *Config, v string) error { c.AdminPassword = v; return nil },
		show: func(c *Config) string { return c.AdminPassword }},
}

// printOrder is the order of the settings in the line serve prints at start.
var printOrder = []string{sDB, sAddr, sMaxTextBytes, sOrg, sPublicURL, sSessionIdle, sSessionMax, sSessionKey, sAdminPassword,
	sTrashKeep, sFetch, sFetchAllow, sFetchMaxBytes, sFetchTimeout, sMaxStreams, sLiveHeartbeat, sLivePoll, sMemoryLimit}

func init() {
	// The fetch settings live beside FetchConfig (config_fetch.go).
	for name, s := range fetchSettings {
		settings[name] = s
	}
}

// command is what loadConfig needs to know of a subcommand: its name, the settings it uses, how
// many positional arguments it takes (FILE), and the usage line a wrong number of them answers.
type command struct {
	name     string
	uses     []string
	args     int
	usage    string
	required []string // flags of the command's own that must be given
}

// loadConfig reads the settings cmd uses from args and the environment, with the command's own
// flags added by define (nil for none). Flags may also follow the positional arguments
// (citecheck import FILE --db PATH). A value that does not parse is refused with one line
// naming the flag or variable it came from; nothing is opened before.
func loadConfig(cmd command, args []string, stderr io.Writer, define func(fs *flag.FlagSet)) (Config, []string, error) {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	// A wrong flag is one line (the error and the usage line), as every failure is; the flags'
	// list goes out only when asked for with -h.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	raw := map[string]*string{}
	for _, name := range cmd.uses {
		if s := settings[name]; s.flag != "" {
			v := &switchValue{s: s.def, boolean: s.boolean}
			fs.Var(v, s.flag, s.usage+" ("+s.env+")")
			raw[name] = &v.s
		}
	}
	if define != nil {
		define(fs)
	}
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stderr)
		fmt.Fprintln(stderr, cmd.usage)
		fs.PrintDefaults()
		return Config{}, nil, err
	}
	if err != nil {
		return Config{}, nil, fmt.Errorf("%w; %s", err, cmd.usage)
	}
	if len(pos) != cmd.args {
		return Config{}, nil, errors.New(cmd.usage)
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, name := range cmd.required {
		if !given[name] {
			return Config{}, nil, fmt.Errorf("--%s is required; %s", name, cmd.usage)
		}
	}
	var cfg Config
	for _, name := range cmd.uses {
		s := settings[name]
		v, from := s.def, "the default of "+s.env
		if e := os.Getenv(s.env); e != "" {
			v, from = e, s.env
		}
		if s.flag != "" && given[s.flag] {
			v, from = *raw[name], "--"+s.flag
		}
		if err := s.set(&cfg, v); err != nil {
			return Config{}, nil, fmt.Errorf("%s: %w", from, err)
		}
	}
	return cfg, pos, nil
}

// parseInterspersed parses the flags of args wherever they are and returns the other
// arguments, in order; everything after "--" is an argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if used := args[:len(args)-len(rest)]; len(used) > 0 && used[len(used)-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// logAttrs are the settings the command uses, as key and value pairs for slog, secrets masked.
func (cfg *Config) logAttrs(uses []string) []any {
	used := map[string]bool{}
	for _, name := range uses {
		used[name] = true
	}
	var attrs []any
	for _, name := range printOrder {
		if !used[name] {
			continue
		}
		s := settings[name]
		v := s.show(cfg)
		if s.secret {
			v = mask(v)
		}
		attrs = append(attrs, strings.ReplaceAll(name, "-", "_"), v)
	}
	return attrs
}

func nonEmpty(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("must not be empty")
	}
	return nil
}

func setMaxTextBytes(c *Config, v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return fmt.Errorf("%q is not a positive number of bytes", v)
	}
	c.MaxTextBytes = n
	return nil
}

// setDuration reads a positive Go duration (12h, 30m; a day is not a unit).
func setDuration(p *time.Duration, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is not a duration such as 12h or 30m", v)
	}
	if d <= 0 {
		return fmt.Errorf("must be positive, not %s", v)
	}
	*p = d
	return nil
}

// setPublicURL takes an absolute http or https URL, or nothing for the request's own.
func setPublicURL(c *Config, v string) error {
	if v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%q is not an absolute http or https URL", v)
		}
	}
	c.PublicURL = v
	return nil
}

// setSessionKey takes a key of at least 32 bytes, or nothing for the one kept in the database.
func setSessionKey(c *Config, v string) error {
	if v != "" && len(v) < 32 {
		return errors.New("must be at least 32 bytes")
	}
	c.SessionKey = v
	return nil
}

func mask(s string) string {
	if s == "" {
		return "(unset)"
	}
	return "(set)"
}

// switchValue is a setting's flag: a string, or for a switch one that may stand alone
// (--fetch means --fetch=true), as flag.Bool allows.
type switchValue struct {
	s       string
	boolean bool
}

func (v *switchValue) String() string     { return v.s }
func (v *switchValue) Set(s string) error { v.s = s; return nil }
func (v *switchValue) IsBoolFlag() bool   { return v.boolean }

// redactURL hides the password of a database URL, so the settings printed at start never
// show it; a file path is shown as it is.
func redactURL(db string) string {
	u, err := url.Parse(db)
	if err != nil || u.User == nil || !store.IsPostgresURL(db) {
		return db
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
