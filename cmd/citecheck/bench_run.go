package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/citecheck/citecheck"
)

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

func (r *reviewer) loop(ctx context.Context, deadline time.Time) {
	total := 0
	for _, op := range r.b.ops {
		total += benchWeights[op]
	}
	for ctx.Err() == nil && time.Now().Before(deadline) {
		if r.b.cfg.Requests > 0 && r.b.issued.Add(1) > int64(r.b.cfg.Requests) {
			return
		}
		op := ""
		for n := r.rng.IntN(total); op == ""; {
			for _, o := range r.b.ops {
				if n -= benchWeights[o]; n < 0 {
					op = o
					break
				}
			}
		}
		if (op == "update" || op == "review") && len(r.claims) == 0 {
			op = "create"
		}
		t0 := time.Now()
		err := r.do(ctx, op)
		if ctx.Err() != nil {
			return // an interrupted request is neither a result nor an error
		}
		r.b.record(op, time.Since(t0), err)
	}
}

// do performs one operation and says what went wrong, if anything.
func (r *reviewer) do(ctx context.Context, op string) error {
	b := r.b
	doc := fmt.Sprintf("/api/v1/documents/%d", b.docID)
	expect := func(want int) func(int, error) error {
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
	switch op {
	case "create":
		s := b.sentences[r.rng.IntN(len(b.sentences))]
		var c benchClaim
		body := map[string]any{"start": s.start, "end": s.end, "refs": []int{s.ref}, "note": "bench"}
		if err := expect(http.StatusCreated)(b.call(ctx, b.cfg.Token, "POST", doc+"/claims", body, &c)); err != nil {
			return err
		}
		r.claims = append(r.claims, c)
		return nil
	case "update", "review":
		i := r.rng.IntN(len(r.claims))
		c := &r.claims[i]
		path, token, want := fmt.Sprintf("/api/v1/claims/%d", c.ID), b.cfg.Token, http.StatusOK
		statuses := []citecheck.Status{citecheck.StatusSupported, citecheck.StatusPartlySupported,
			citecheck.StatusUnsupported, citecheck.StatusContradicted}
		body := map[string]any{"version": c.Version, "status": statuses[r.rng.IntN(len(statuses))],
			"note": fmt.Sprintf("checked at %s", time.Now().Format(time.TimeOnly))}
		method := "PATCH"
		if op == "review" {
			method, path, token = "POST", path+"/review", b.cfg.EditorToken
			body = map[string]any{"version": c.Version, "decision": "approved", "override": true}
			if r.rng.IntN(3) == 0 {
				body = map[string]any{"version": c.Version, "decision": "rejected", "comment": "the source says otherwise"}
			}
		}
		var out benchClaim
		if err := expect(want)(b.call(ctx, token, method, path, body, &out)); err != nil {
			return err
		}
		c.Version = out.Version
		return nil
	case "list":
		return expect(http.StatusOK)(b.call(ctx, b.cfg.Token, "GET", doc+"/claims", nil, nil))
	case "export":
		return expect(http.StatusOK)(b.call(ctx, b.cfg.Token, "GET", doc+"/export", nil, nil))
	case "render":
		req, err := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/documents/%d", b.base, b.docID), nil)
		if err != nil {
			return err
		}
		return expect(http.StatusOK)(b.do(b.browser, req, nil))
	}
	return fmt.Errorf("unknown operation %q", op)
}

// record adds one result to the operation's figures.
func (b *bencher) record(op string, d time.Duration, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.stats[op]
	if err != nil {
		st.errors++
		if len(b.errs) < 10 {
			b.errs = append(b.errs, op+": "+err.Error())
		}
		return
	}
	st.lat = append(st.lat, d)
}

// report prints the table of figures, the first errors and the server's memory.
func (b *bencher) report(stdout, stderr io.Writer, elapsed time.Duration) {
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\tcount\terrors\tops/s\tp50\tp95\tp99\tmax\t")
	var all []time.Duration
	var errs int
	for _, op := range b.ops {
		st := b.stats[op]
		slices.Sort(st.lat)
		all = append(all, st.lat...)
		errs += st.errors
		fmt.Fprintln(tw, tableRow(op, st.lat, st.errors, elapsed))
	}
	slices.Sort(all)
	fmt.Fprintln(tw, tableRow("all", all, errs, elapsed))
	tw.Flush()
	fmt.Fprintf(stdout, "ran %s\n", elapsed.Round(time.Millisecond))
	for _, e := range b.errs {
		fmt.Fprintln(stderr, "error:", e)
	}
	if b.cfg.PID != 0 {
		fmt.Fprintln(stdout, b.rss.String())
	}
}

func tableRow(op string, lat []time.Duration, errors int, elapsed time.Duration) string {
	return fmt.Sprintf("%s\t%d\t%d\t%.1f\t%s\t%s\t%s\t%s\t", op, len(lat), errors,
		float64(len(lat))/elapsed.Seconds(), percentile(lat, 50), percentile(lat, 95), percentile(lat, 99), percentile(lat, 100))
}

// percentile is the nearest-rank percentile p of sorted latencies, rounded for the table.
func percentile(sorted []time.Duration, p int) string {
	if len(sorted) == 0 {
		return "-"
	}
	i := (len(sorted)*p+99)/100 - 1
	d := sorted[max(i, 0)]
	switch {
	case d >= 10*time.Millisecond:
		return d.Round(100 * time.Microsecond).String()
	default:
		return d.Round(time.Microsecond).String()
	}
}

// rssWatch samples a process's resident memory while the bench runs.
type rssWatch struct {
	mu                sync.Mutex
	start, last, peak int64 // kB
	hwm               int64 // kB, the kernel's lifetime peak
	err               error
}

// watch samples /proc/PID/status every 100 ms until the returned function is called; a PID of
// 0 watches nothing.
func (w *rssWatch) watch(pid int) func() {
	if pid == 0 {
		return func() {}
	}
	w.sample(pid)
	w.start = w.last
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				w.sample(pid)
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
		w.sample(pid)
	}
}

func (w *rssWatch) sample(pid int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		w.err = err
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, _ := strings.Cut(sc.Text(), ":")
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		switch name {
		case "VmRSS":
			w.last, w.peak = kb, max(w.peak, kb)
		case "VmHWM":
			w.hwm = kb
		}
	}
}

func (w *rssWatch) String() string {
	if w.err != nil && w.last == 0 {
		return fmt.Sprintf("server RSS: unreadable (%v)", w.err)
	}
	mib := func(kb int64) string { return fmt.Sprintf("%.1f MiB", float64(kb)/1024) }
	return fmt.Sprintf("server RSS: %s at start, %s at end, %s peak while running (VmHWM %s)",
		mib(w.start), mib(w.last), mib(w.peak), mib(w.hwm))
}
