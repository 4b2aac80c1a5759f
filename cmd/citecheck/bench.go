package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"
)

// benchOps are the operations of a simulated reviewer, in the order of the table.
var benchOps = []string{"create", "update", "review", "list", "render", "export"}

// benchWeights is how often each operation comes up in a reviewer's loop, out of their sum.
var benchWeights = map[string]int{"create": 3, "update": 3, "review": 1, "list": 2, "render": 1, "export": 1}

// benchConfig is the flags of citecheck bench.
type benchConfig struct {
	URL, Token, EditorToken, User, Password string
	Clients, Requests, DocSize, PID         int
	Duration                                time.Duration
	Seed                                    uint64
}

// bench drives a running server over HTTP with simulated reviewers and prints, per operation,
// the count, errors, throughput and latency percentiles. It starts nothing and targets only
// loopback addresses: it is a load generator for one's own server, not for anyone else's.
func bench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg benchConfig
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.URL, "url", envOr("CITECHECK_BENCH_URL", "http://127.0.0.1:8080"), "server to drive; loopback only")
	fs.StringVar(&cfg.Token, "token", os.Getenv("CITECHECK_TOKEN"), "API token of a reviewer (CITECHECK_TOKEN)")
	fs.StringVar(&cfg.EditorToken, "editor-token", os.Getenv("CITECHECK_EDITOR_TOKEN"), "API token of another user, an editor, for reviews; none skips them")
	fs.StringVar(&cfg.User, "user", "", "user who signs in to render the document page; none skips it")
	fs.StringVar(&cfg.Password, "password", os.Getenv("CITECHECK_BENCH_PASSWORD"), "password of --user (CITECHECK_BENCH_PASSWORD)")
	fs.IntVar(&cfg.Clients, "clients", 12, "concurrent simulated reviewers")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "how long to run")
	fs.IntVar(&cfg.Requests, "requests", 0, "stop after this many requests in all (0: run for --duration); whichever limit comes first")
	fs.IntVar(&cfg.DocSize, "doc-size", 100000, "size of the generated document in bytes")
	fs.IntVar(&cfg.PID, "pid", 0, "server process whose RSS to report (/proc/PID/status)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "seed of the generated text and the reviewers' choices")
	if err := fs.Parse(args); err != nil {
		return err
	}
	base, err := loopbackURL(cfg.URL)
	if err != nil {
		return err
	}
	switch {
	case cfg.Token == "":
		return errors.New("bench: --token (or CITECHECK_TOKEN) is required")
	case cfg.Clients < 1 || cfg.Duration <= 0 || cfg.Requests < 0 || cfg.DocSize < 100:
		return errors.New("bench: --clients and --duration must be positive, --requests not negative, --doc-size at least 100")
	case cfg.User != "" && cfg.Password == "":
		return errors.New("bench: --user needs --password or CITECHECK_BENCH_PASSWORD")
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	b := newBencher(cfg, base)
	if err := b.setUp(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bench %s: %d clients, document %d of %d bytes with %d marked sentences, ops: %s\n",
		base, cfg.Clients, b.docID, cfg.DocSize, len(b.sentences), strings.Join(b.ops, " "))
	elapsed := b.run(ctx)
	b.report(stdout, stderr, elapsed)
	return nil
}

// loopbackURL accepts only http(s) URLs of localhost or a loopback address.
func loopbackURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("bench: --url: %w", err)
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	if (u.Scheme != "http" && u.Scheme != "https") || u.User != nil ||
		!(host == "localhost" || ip != nil && ip.IsLoopback()) {
		return "", fmt.Errorf("bench: refusing %q: only http(s) URLs on this machine (localhost, 127.0.0.0/8, ::1) are allowed", raw)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/"), nil
}

// bencher holds what the simulated reviewers share.
type bencher struct {
	cfg       benchConfig
	base      string
	api       *http.Client // bearer-token calls
	browser   *http.Client // the signed-in session, for the document page
	ops       []string     // the operations enabled
	docID     int64
	sentences []span // claimable sentences of the document, each followed by its marker
	issued    atomic.Int64
	mu        sync.Mutex
	stats     map[string]*opStats
	errs      []string
	rss       rssWatch
}

type span struct{ start, end, ref int }

// opStats are the latencies of one operation's successes and its error count.
type opStats struct {
	lat    []time.Duration
	errors int
}

func newBencher(cfg benchConfig, base string) *bencher {
	tr := &http.Transport{MaxIdleConnsPerHost: cfg.Clients * 2, Proxy: nil}
	// Redirects are never followed: the sign-in answers one, and a target could otherwise send
	// the load elsewhere.
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	jar, _ := cookiejar.New(nil)
	b := &bencher{cfg: cfg, base: base, stats: map[string]*opStats{},
		api:     &http.Client{Transport: tr, Timeout: time.Minute, CheckRedirect: noRedirect},
		browser: &http.Client{Transport: tr, Timeout: time.Minute, CheckRedirect: noRedirect, Jar: jar},
	}
	for _, op := range benchOps {
		if (op == "review" && cfg.EditorToken == "") || (op == "render" && cfg.User == "") {
			continue
		}
		b.ops = append(b.ops, op)
		b.stats[op] = &opStats{}
	}
	return b
}

// setUp creates the document the reviewers work on and signs in for the page renders.
func (b *bencher) setUp(ctx context.Context) error {
	text, sentences := benchText(b.cfg.DocSize, b.cfg.Seed)
	b.sentences = sentences
	var doc struct{ ID int64 }
	body := map[string]string{"title": fmt.Sprintf("bench %s", time.Now().UTC().Format(time.RFC3339)), "text": text}
	if status, err := b.call(ctx, b.cfg.Token, "POST", "/api/v1/documents", body, &doc); err != nil || status != http.StatusCreated {
		return fmt.Errorf("bench: create the document: status %d: %v", status, err)
	}
	b.docID = doc.ID
	if b.cfg.User != "" {
		if err := b.signIn(ctx); err != nil {
			return err
		}
	}
	return nil
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// signIn fetches the sign-in form for its CSRF token and signs in with --user and --password.
func (b *bencher) signIn(ctx context.Context) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", b.base+"/login", nil)
	res, err := b.browser.Do(req)
	if err != nil {
		return fmt.Errorf("bench: sign in: %w", err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(page)
	if m == nil {
		return errors.New("bench: sign in: no CSRF token in the sign-in form")
	}
	form := url.Values{"username": {b.cfg.User}, "password": {b.cfg.Password}, "csrf_token": {string(m[1])}}
	req, _ = http.NewRequestWithContext(ctx, "POST", b.base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err = b.browser.Do(req)
	if err != nil {
		return fmt.Errorf("bench: sign in: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("bench: sign in as %s: status %d (wrong name or password?)", b.cfg.User, res.StatusCode)
	}
	return nil
}

// benchText generates about size bytes of prose in paragraphs, each sentence followed by a
// citation marker, and returns the sentences (code-point spans) with their ref.
func benchText(size int, seed uint64) (string, []span) {
	rng := rand.New(rand.NewPCG(seed, 7))
	words := []string{"the", "survey", "reported", "“significant”", "growth", "in", "regional", "exports",
		"while", "critics", "argued", "that", "figures", "were", "revised", "twice", "naïve", "estimates"}
	var sb strings.Builder
	var out []span
	pos := 0
	for i := 1; sb.Len() < size-60; i++ {
		var s strings.Builder
		fmt.Fprintf(&s, "Sentence %d:", i)
		for range 6 + rng.IntN(10) {
			s.WriteString(" " + words[rng.IntN(len(words))])
		}
		s.WriteString(".")
		ref := 1 + rng.IntN(60)
		n := utf8.RuneCountInString(s.String())
		out = append(out, span{pos, pos + n, ref})
		marker := fmt.Sprintf("[%d]", ref)
		sep := " "
		if i%8 == 0 {
			sep = "\n\n"
		}
		sb.WriteString(s.String() + marker + sep)
		pos += n + len(marker) + len(sep)
	}
	return sb.String(), out
}

// call sends one JSON API request with a bearer token and decodes a JSON answer into out (nil
// discards it). Only a transport error is an error; the status is the caller's to judge.
func (b *bencher) call(ctx context.Context, token, method, path string, body, out any) (int, error) {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, r)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return b.do(b.api, req, out)
}

func (b *bencher) do(c *http.Client, req *http.Request, out any) (int, error) {
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if out != nil && res.StatusCode < 300 {
		return res.StatusCode, json.NewDecoder(res.Body).Decode(out)
	}
	_, err = io.Copy(io.Discard, res.Body)
	return res.StatusCode, err
}
