package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// ops are the operations of a simulated reviewer, in the order of the table.
var ops = []string{"create", "patch", "review", "list", "render", "export"}

// writeOps are the operations that change the database; the table sums them as "writes".
var writeOps = map[string]bool{"create": true, "patch": true, "review": true}

// weights is how often each operation comes up in a reviewer's loop, out of their sum.
var weights = map[string]int{"create": 3, "patch": 3, "review": 1, "list": 2, "render": 1, "export": 1}

// statuses are the verdicts a reviewer sets with a PATCH (the contract's vocabulary).
var statuses = []string{"supported", "partly-supported", "unsupported", "contradicted"}

// bencher holds what the simulated reviewers share.
type bencher struct {
	cfg       config
	c         *client
	ops       []string // the operations enabled
	docID     int64
	sentences []span // claimable sentences of the document, each followed by its marker
	issued    atomic.Int64
	mu        sync.Mutex
	stats     map[string]*opStats
	errs      []string
	rss       rssWatch
	seeded    time.Duration // how long the --claims took to create
}

type span struct{ start, end, ref int }

func newBencher(cfg config, bases []string) *bencher {
	b := &bencher{cfg: cfg, c: newClient(bases, cfg.Clients*2), stats: map[string]*opStats{}}
	for _, op := range ops {
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
	if status, err := b.c.call(ctx, b.cfg.Token, "POST", "/api/v1/documents", body, &doc); err != nil || status != http.StatusCreated {
		return fmt.Errorf("create the document: status %d: %v", status, err)
	}
	b.docID = doc.ID
	if err := b.seedClaims(ctx); err != nil {
		return err
	}
	if b.cfg.User != "" {
		return b.c.signIn(ctx, b.cfg.User, b.cfg.Password)
	}
	return nil
}

// seedClaims creates --claims claims on the document, spread evenly over its sentences, with
// --clients requests at once, so that the run starts on a document worked on for long.
func (b *bencher) seedClaims(ctx context.Context) error {
	n := b.cfg.Claims
	if n > len(b.sentences) {
		return fmt.Errorf("--claims %d: the document has only %d sentences; raise --doc-size", n, len(b.sentences))
	}
	start := time.Now()
	next := atomic.Int64{}
	errs := make(chan error, b.cfg.Clients)
	var wg sync.WaitGroup
	for range b.cfg.Clients {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n && ctx.Err() == nil; i = int(next.Add(1)) - 1 {
				s := b.sentences[i*len(b.sentences)/n]
				body := map[string]any{"start": s.start, "end": s.end, "refs": []int{s.ref}, "note": "seeded"}
				if err := expect(http.StatusCreated)(b.c.call(ctx, b.cfg.Token, "POST", fmt.Sprintf("/api/v1/documents/%d/claims", b.docID), body, nil)); err != nil {
					errs <- fmt.Errorf("create claim %d of --claims: %w", i+1, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	b.seeded = time.Since(start)
	if err := <-errs; err != nil {
		return err
	}
	return ctx.Err()
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

// run starts the reviewers and waits until the request count or the duration is reached (or
// ctx ends); it returns the time they ran.
func (b *bencher) run(ctx context.Context) time.Duration {
	deadline := time.Now().Add(b.cfg.Duration)
	stopRSS := b.rss.watch(b.cfg.PID)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range b.cfg.Clients {
		r := &reviewer{b: b, rng: rand.New(rand.NewPCG(b.cfg.Seed, uint64(i)))}
		wg.Go(func() { r.loop(ctx, deadline) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	stopRSS()
	return elapsed
}

// reviewer is one simulated reviewer: the claims it made, with their versions, and its dice.
type reviewer struct {
	b      *bencher
	rng    *rand.Rand
	claims []benchClaim
}

type benchClaim struct {
	ID      int64 `json:"id"`
	Version int   `json:"version"`
}

func (r *reviewer) loop(ctx context.Context, deadline time.Time) {
	for ctx.Err() == nil && time.Now().Before(deadline) {
		if r.b.cfg.Requests > 0 && r.b.issued.Add(1) > int64(r.b.cfg.Requests) {
			return
		}
		op := r.pick()
		t0 := time.Now()
		err := r.do(ctx, op)
		if ctx.Err() != nil {
			return // an interrupted request is neither a result nor an error
		}
		r.b.record(op, time.Since(t0), err)
	}
}

// pick draws the next operation by weight; a reviewer without claims creates one first.
func (r *reviewer) pick() string {
	total := 0
	for _, op := range r.b.ops {
		total += weights[op]
	}
	n := r.rng.IntN(total)
	op := r.b.ops[len(r.b.ops)-1]
	for _, o := range r.b.ops {
		if n -= weights[o]; n < 0 {
			op = o
			break
		}
	}
	if (op == "patch" || op == "review") && len(r.claims) == 0 {
		return "create"
	}
	return op
}

// expect turns a call's answer into an error unless it has the wanted status.
func expect(want int) func(status int, err error) error {
	return func(status int, err error) error {
		if err != nil {
			return err
		}
		if status != want {
			return fmt.Errorf("status %d, want %d", status, want)
		}
		return nil
	}
}

// do performs one operation and says what went wrong, if anything.
func (r *reviewer) do(ctx context.Context, op string) error {
	b := r.b
	doc := fmt.Sprintf("/api/v1/documents/%d", b.docID)
	switch op {
	case "create":
		s := b.sentences[r.rng.IntN(len(b.sentences))]
		var c benchClaim
		body := map[string]any{"start": s.start, "end": s.end, "refs": []int{s.ref}, "note": "bench"}
		if err := expect(http.StatusCreated)(b.c.call(ctx, b.cfg.Token, "POST", doc+"/claims", body, &c)); err != nil {
			return err
		}
		r.claims = append(r.claims, c)
		return nil
	case "patch", "review":
		return r.change(ctx, op)
	case "list":
		return expect(http.StatusOK)(b.c.call(ctx, b.cfg.Token, "GET", doc+"/claims", nil, nil))
	case "export":
		return expect(http.StatusOK)(b.c.call(ctx, b.cfg.Token, "GET", doc+"/export", nil, nil))
	case "render":
		return expect(http.StatusOK)(b.c.page(ctx, fmt.Sprintf("/documents/%d", b.docID)))
	}
	return fmt.Errorf("unknown operation %q", op)
}

// change patches one of the reviewer's claims, or has the editor review it, with the version it
// last saw; the answer's version is the one it sends next.
func (r *reviewer) change(ctx context.Context, op string) error {
	b := r.b
	c := &r.claims[r.rng.IntN(len(r.claims))]
	path, token, method := fmt.Sprintf("/api/v1/claims/%d", c.ID), b.cfg.Token, "PATCH"
	body := map[string]any{"version": c.Version, "status": statuses[r.rng.IntN(len(statuses))],
		"note": fmt.Sprintf("checked at %s", time.Now().Format(time.TimeOnly))}
	if op == "review" {
		method, path, token = "POST", path+"/review", b.cfg.EditorToken
		body = map[string]any{"version": c.Version, "decision": "approved", "override": true}
		if r.rng.IntN(3) == 0 {
			body = map[string]any{"version": c.Version, "decision": "rejected", "comment": "the source says otherwise"}
		}
	}
	var out benchClaim
	if err := expect(http.StatusOK)(b.c.call(ctx, token, method, path, body, &out)); err != nil {
		return err
	}
	c.Version = out.Version
	return nil
}
