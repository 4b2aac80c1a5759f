package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store/pgtest"
)

// BenchmarkMigrateDB5MB25000Claims moves a desk of one 5 MB document with 25,000 claims (and
// their history, events and search rows) into a fresh PostgreSQL database per iteration, beside
// the baseline of the same run, a Backup (VACUUM INTO) of the same file; it reports the growth
// of the Go heap in use during a move (sampled, its peak less what was in use before) beside the
// file's size. Needs PostgreSQL:
//
//	CITECHECK_TEST_ENGINE=postgres CITECHECK_TEST_POSTGRES=... go test -tags sqlite_fts5 -run '^$' -bench MigrateDB -benchtime 3x ./store/
func BenchmarkMigrateDB5MB25000Claims(b *testing.B) {
	if !pgtest.Postgres() {
		b.Skip("moving a desk needs PostgreSQL: run with CITECHECK_TEST_ENGINE=postgres and CITECHECK_TEST_POSTGRES")
	}
	ctx := context.Background()
	dir := b.TempDir()
	path := filepath.Join(dir, "desk.db")
	s, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	u, err := s.CreateUser(ctx, "ana", citecheck.RoleReviewer, []byte("hash"))
	if err != nil {
		b.Fatal(err)
	}
	var text strings.Builder
	var claims []citecheck.Claim
	runes := 0
	for i := 0; text.Len() < 5<<20; i++ {
		line := fmt.Sprintf("Sentence %d of the long report tells of the rivers, the hills and the census of %d. [%d]\n", i, 1900+i%100, i%90+1)
		if i < 25000 {
			start := runes
			claims = append(claims, citecheck.Claim{Start: start, End: start + 20, Quote: line[:20], Refs: []int{i%90 + 1},
				Status: citecheck.StatusSupported, Note: "checked against the census"})
		}
		text.WriteString(line)
		runes += len([]rune(line))
	}
	t := text.String()
	d, err := s.CreateDocument(ctx, &citecheck.Document{Title: "long", Text: t, TextSHA256: citecheck.TextSHA256(t),
		Length: len([]rune(t)), Citations: citecheck.ParseCitations(t), CreatedByID: u.ID})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.CreateClaims(ctx, d.ID, claims, u.ID); err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	size := info.Size()

	b.Run("backup-baseline", func(b *testing.B) {
		s, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		for i := 0; b.Loop(); i++ {
			if err := s.Backup(ctx, filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("migrate-db", func(b *testing.B) {
		var growth uint64
		for b.Loop() {
			b.StopTimer()
			url := pgtest.URL(b, migrateOnly)
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			var peak atomic.Uint64
			stop := sampleHeap(&peak)
			b.StartTimer()
			if _, err := MigrateDB(ctx, path, url, nil); err != nil {
				b.Fatal(err)
			}
			stop()
			growth = max(growth, peak.Load()-min(peak.Load(), before.HeapInuse))
		}
		b.ReportMetric(float64(growth)/(1<<20), "heap-growth-MB")
		b.ReportMetric(float64(size)/(1<<20), "file-MB")
	})
}

// sampleHeap records the largest heap in use into peak until stop is called.
func sampleHeap(peak *atomic.Uint64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() { close(done); <-finished }
}
