package handlers

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

// peakRSS reads the process's peak resident set size (VmHWM) from /proc, "unknown" elsewhere.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// TestLoadBigDocument opens a document of nearly 5 MB (under the default 5 MiB limit) to 100
// concurrent clients, each with its own connection, over a real HTTP server on the real router:
// a quarter render its page, a quarter list its claims, a quarter download its native export and
// a quarter create claims on it, a few times each. Every request must succeed (2xx, no 5xx, no
// transport error) within one generous deadline; the throughput is logged.
func TestLoadBigDocument(t *testing.T) {
	const (
		clients  = 100
		rounds   = 3
		size     = 5_000_000
		claims   = 500
		deadline = 60 * time.Second
	)
	h := newHarness(t, Config{})
	setup := time.Now()
	doc, _ := hotDocument(t, h, size, claims)
	if len(doc.Text) > citecheck.DefaultMaxTextBytes || len(doc.Text) < size-5000 {
		t.Fatalf("the document has %d bytes, want a bit under %d", len(doc.Text), citecheck.DefaultMaxTextBytes)
	}
	cookies := sessionCookies(t, h, "rita")
	t.Logf("setup: a %.2f MB document with %d claims in %v", float64(len(doc.Text))/1e6, claims, time.Since(setup).Round(time.Millisecond))
	// The load measures the server, not the checks against openapi.json, which hold each answer
	// back while they decode it; the setup's answers were checked.
	h.skipAPIChecks()

	ops := []string{"page", "claims", "export", "create"}
	type result struct {
		op     string
		status int
		bytes  int64
		took   time.Duration
		err    error
	}
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	results := make(chan result, clients*rounds)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range clients {
		op := ops[i%len(ops)]
		wg.Go(func() {
			tr := &http.Transport{MaxIdleConnsPerHost: 1}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			}}
			for r := range rounds {
				var req *http.Request
				switch op {
				case "page":
					req, _ = http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/documents/%d", h.srv.URL, doc.ID), nil)
					for _, c := range cookies {
						req.AddCookie(c)
					}
				case "claims":
					req, _ = http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/api/v1/documents/%d/claims", h.srv.URL, doc.ID), nil)
				case "export":
					req, _ = http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/api/v1/documents/%d/export", h.srv.URL, doc.ID), nil)
				case "create":
					at := (i*rounds + r) * 997 % (doc.Length - 50)
					body := fmt.Sprintf(`{"start":%d,"end":%d,"refs":[30],"status":"supported","note":"load %d.%d"}`, at, at+40, i, r)
					req, _ = http.NewRequestWithContext(ctx, "POST", fmt.Sprintf("%s/api/v1/documents/%d/claims", h.srv.URL, doc.ID), strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
				}
				if op != "page" {
					req.Header.Set("Authorization", "Bearer "+h.tokens["rita"])
				}
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					results <- result{op: op, err: err, took: time.Since(t0)}
					return
				}
				n, err := io.Copy(io.Discard, res.Body)
				res.Body.Close()
				results <- result{op: op, status: res.StatusCode, bytes: n, took: time.Since(t0), err: err}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(results)

	type stats struct {
		n     int
		bytes int64
		took  []time.Duration
	}
	by := map[string]*stats{}
	var failures []string
	total := 0
	for r := range results {
		total++
		switch {
		case r.err != nil:
			failures = append(failures, fmt.Sprintf("%s: %v after %v", r.op, r.err, r.took.Round(time.Millisecond)))
			continue
		case r.status < 200 || r.status > 299:
			failures = append(failures, fmt.Sprintf("%s: status %d", r.op, r.status))
			continue
		}
		s := by[r.op]
		if s == nil {
			s = &stats{}
			by[r.op] = s
		}
		s.n++
		s.bytes += r.bytes
		s.took = append(s.took, r.took)
	}
	if ctx.Err() != nil {
		t.Errorf("the load did not finish within %v", deadline)
	}
	for i, f := range failures {
		if i == 20 {
			t.Errorf("... and %d more failures", len(failures)-i)
			break
		}
		t.Error(f)
	}
	if total != clients*rounds {
		t.Errorf("%d requests answered, want %d", total, clients*rounds)
	}
	t.Logf("%d clients × %d rounds: %d requests in %v, %.1f requests/s, %d failures",
		clients, rounds, total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), len(failures))
	for _, op := range ops {
		s := by[op]
		if s == nil {
			continue
		}
		slices.Sort(s.took)
		t.Logf("  %-7s %3d ok  %7.1f MB  p50 %-8v p99 %-8v max %v", op, s.n, float64(s.bytes)/1e6,
			s.took[len(s.took)/2].Round(time.Millisecond), s.took[len(s.took)*99/100].Round(time.Millisecond),
			s.took[len(s.took)-1].Round(time.Millisecond))
	}
	t.Logf("peak RSS of the test process (server and clients): %s", peakRSS())
	// Every claim that got a 2xx is there.
	stored, err := h.st.Claims(context.Background(), doc.ID, citecheck.ClaimFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if c := by["create"]; c != nil && len(stored) != claims+c.n {
		t.Errorf("%d claims stored, want %d seeded + %d created", len(stored), claims, c.n)
	}
}
