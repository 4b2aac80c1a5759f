package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// opStats are the latencies of one operation's successes and its error count.
type opStats struct {
	lat    []time.Duration
	errors int
}

// add merges o into s.
func (s *opStats) add(o *opStats) {
	s.lat = append(s.lat, o.lat...)
	s.errors += o.errors
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

// report prints the table (each operation, then writes, reads and all together), the ratio of
// the writes' tail to their median, the first errors and the server's memory.
func (b *bencher) report(stdout, stderr io.Writer, elapsed time.Duration) {
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\tcount\terrors\tops/s\tp50\tp95\tp99\tmax\t")
	writes, reads, all := &opStats{}, &opStats{}, &opStats{}
	for _, op := range b.ops {
		st := b.stats[op]
		slices.Sort(st.lat)
		fmt.Fprintln(tw, tableRow(op, st, elapsed))
		if writeOps[op] {
			writes.add(st)
		} else {
			reads.add(st)
		}
		all.add(st)
	}
	for _, row := range []struct {
		name string
		st   *opStats
	}{{"writes", writes}, {"reads", reads}, {"all", all}} {
		slices.Sort(row.st.lat)
		fmt.Fprintln(tw, tableRow(row.name, row.st, elapsed))
	}
	tw.Flush()
	fmt.Fprintf(stdout, "ran %s; writes p99/p50 %s\n", elapsed.Round(time.Millisecond), tailRatio(writes.lat))
	for _, e := range b.errs {
		fmt.Fprintln(stderr, "error:", e)
	}
	if b.cfg.PID != 0 {
		fmt.Fprintln(stdout, b.rss.String())
	}
}

func tableRow(name string, st *opStats, elapsed time.Duration) string {
	lat := st.lat
	return fmt.Sprintf("%s\t%d\t%d\t%.1f\t%s\t%s\t%s\t%s\t", name, len(lat), st.errors,
		float64(len(lat))/elapsed.Seconds(), show(percentile(lat, 50)), show(percentile(lat, 95)),
		show(percentile(lat, 99)), show(percentile(lat, 100)))
}

// tailRatio is p99 over p50 of sorted latencies, as text.
func tailRatio(sorted []time.Duration) string {
	if p50 := percentile(sorted, 50); p50 > 0 {
		return fmt.Sprintf("%.1fx", float64(percentile(sorted, 99))/float64(p50))
	}
	return "-"
}

// percentile is the nearest-rank percentile p of sorted latencies; 0 for none.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p+99)/100 - 1
	return sorted[max(i, 0)]
}

// show rounds a latency for the table; 0 (no sample) is "-".
func show(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
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
