// Command citecheck-bench loads a running citecheck server over HTTP with simulated reviewers
// and prints, per operation and for all writes together, the count, throughput and latencies.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// config is the flags of citecheck-bench.
type config struct {
	URL, Token, EditorToken, User, Password string
	Clients, Requests, DocSize, Claims, PID int
	Duration                                time.Duration
	Seed                                    uint64
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "citecheck-bench: "+strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; "))
		}
		os.Exit(1)
	}
}

// run parses the flags, sets up the document, drives the server and prints the report; it is
// separate from main so that tests can call it. It starts nothing and targets only loopback
// addresses: it is a load generator for one's own server, not for anyone else's.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	var bases []string
	for _, u := range strings.Split(cfg.URL, ",") {
		base, err := loopbackURL(strings.TrimSpace(u))
		if err != nil {
			return err
		}
		bases = append(bases, base)
	}
	base := strings.Join(bases, ",")
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	b := newBencher(cfg, bases)
	if err := b.setUp(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bench %s: %d clients, document %d of %d bytes with %d marked sentences and %d claims (made in %v), ops: %s\n",
		base, cfg.Clients, b.docID, cfg.DocSize, len(b.sentences), cfg.Claims, b.seeded.Round(time.Millisecond), strings.Join(b.ops, " "))
	elapsed := b.run(ctx)
	b.report(stdout, stderr, elapsed)
	return nil
}

// parseFlags reads and checks the flags; the tokens and the password may come from the
// environment, so that they stay out of the process list.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("citecheck-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.URL, "url", envOr("CITECHECK_BENCH_URL", "http://127.0.0.1:8080"), "server to drive, or several separated by commas (app servers on one database), which the requests take in turn; loopback only")
	fs.StringVar(&cfg.Token, "token", os.Getenv("CITECHECK_TOKEN"), "API token of a reviewer (CITECHECK_TOKEN)")
	fs.StringVar(&cfg.EditorToken, "editor-token", os.Getenv("CITECHECK_EDITOR_TOKEN"), "API token of another user, an editor, for reviews; none skips them")
	fs.StringVar(&cfg.User, "user", "", "user who signs in to render the document page; none skips it")
	fs.StringVar(&cfg.Password, "password", os.Getenv("CITECHECK_BENCH_PASSWORD"), "password of --user (CITECHECK_BENCH_PASSWORD)")
	fs.IntVar(&cfg.Clients, "clients", 12, "concurrent simulated reviewers")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "how long to run")
	fs.IntVar(&cfg.Requests, "requests", 0, "stop after this many requests in all (0: run for --duration); whichever limit comes first")
	fs.IntVar(&cfg.DocSize, "doc-size", 100000, "size of the generated document in bytes")
	fs.IntVar(&cfg.Claims, "claims", 0, "claims to create on the document before the run (by --clients at once), as on a long-worked document")
	fs.IntVar(&cfg.PID, "pid", 0, "server process whose RSS to report (/proc/PID/status)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "seed of the generated text and the reviewers' choices")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	switch {
	case fs.NArg() > 0:
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case cfg.Token == "":
		return cfg, errors.New("--token (or CITECHECK_TOKEN) is required")
	case cfg.Clients < 1 || cfg.Duration <= 0 || cfg.Requests < 0 || cfg.Claims < 0 || cfg.DocSize < 100:
		return cfg, errors.New("--clients and --duration must be positive, --requests and --claims not negative, --doc-size at least 100")
	case cfg.User != "" && cfg.Password == "":
		return cfg, errors.New("--user needs --password or CITECHECK_BENCH_PASSWORD")
	}
	return cfg, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// loopbackURL accepts only http(s) URLs of localhost or a loopback address.
func loopbackURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("--url: %w", err)
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	if (u.Scheme != "http" && u.Scheme != "https") || u.User != nil ||
		!(host == "localhost" || ip != nil && ip.IsLoopback()) {
		return "", fmt.Errorf("refusing %q: only http(s) URLs on this machine (localhost, 127.0.0.0/8, ::1) are allowed", raw)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/"), nil
}
