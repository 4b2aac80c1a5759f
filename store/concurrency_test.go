package store

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

func TestConcurrentWritersAndReadersNeverSeeLocked(t *testing.T) {
	const writers, perWriter = 32, 25
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "busy")

	start := make(chan struct{})
	done := make(chan struct{})
	var writes, reads sync.WaitGroup
	var readCount atomic.Int64
	for w := range writers {
		writes.Go(func() {
			<-start
			for i := range perWriter {
				c, err := s.CreateClaim(ctx, &citecheck.Claim{DocumentID: d.ID, Start: w, End: w + i + 1,
					Quote: "q", Refs: []int{w + 1}, CreatedByID: ana.ID})
				if err != nil {
					t.Errorf("writer %d claim %d: %v", w, i, err)
					return
				}
				if i%5 == 0 {
					_, err = s.UpdateClaim(ctx, c.ID, c.Version, ana.ID, func(c *citecheck.Claim) error {
						c.Status = citecheck.StatusSupported
						return nil
					})
					if err != nil {
						t.Errorf("writer %d update %d: %v", w, i, err)
						return
					}
				}
			}
		})
	}
	for range 4 {
		reads.Go(func() {
			<-start
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := s.Claims(ctx, d.ID, citecheck.ClaimFilter{}); err != nil {
					t.Errorf("reader: %v", err)
					return
				}
				if _, err := s.Documents(ctx); err != nil {
					t.Errorf("reader: %v", err)
					return
				}
				readCount.Add(1)
				// A short pause keeps four readers from starving the writers of the two CPUs
				// this runs on, while still overlapping every write.
				time.Sleep(time.Millisecond)
			}
		})
	}
	close(start)
	writes.Wait()
	close(done)
	reads.Wait()

	claims, err := s.Claims(ctx, d.ID, citecheck.ClaimFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(claims) != writers*perWriter {
		t.Errorf("%d claims, want exactly %d", len(claims), writers*perWriter)
	}
	docs, err := s.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantSupported := writers * ((perWriter + 4) / 5)
	if c := docs[0].Counts; c.Claims != writers*perWriter || c.ByStatus[citecheck.StatusSupported] != wantSupported {
		t.Errorf("counts = %+v, want %d claims, %d supported", c, writers*perWriter, wantSupported)
	}
	t.Logf("%d list reads ran beside the writers", readCount.Load())
}

// BenchmarkCreateClaim measures one claim through the store: an immediate transaction that
// checks the document, inserts, reads the claim back and commits with a full fsync.
func BenchmarkCreateClaim(b *testing.B) {
	ctx := context.Background()
	s := mustOpen(b)
	ana := mustUser(b, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(b, s, ana, "bench")
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_, err := s.CreateClaim(ctx, &citecheck.Claim{DocumentID: d.ID, Start: i % 40, End: i%40 + 5,
			Quote: "quote", Refs: []int{30, 31}, CreatedByID: ana.ID})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawInsert is the floor for BenchmarkCreateClaim: one autocommitted INSERT of the same
// row through the same writer on the same kind of file, so the store's overhead shows in one run.
func BenchmarkRawInsert(b *testing.B) {
	ctx := context.Background()
	s := mustOpen(b)
	ana := mustUser(b, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(b, s, ana, "bench")
	now := formatTime(t0)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_, err := s.writer.ExecContext(ctx, insertClaim, d.ID, i%40, i%40+5, "quote", "", "", "[30,31]",
			"unverified", "", "pending", ana.ID, now, ana.ID, now, 1)
		if err != nil {
			b.Fatal(err)
		}
	}
}

func TestLookupsByKeyDoNotWaitForTheReaderPool(t *testing.T) {
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "busy")
	c, err := s.CreateClaim(context.Background(), &citecheck.Claim{DocumentID: d.ID, Start: 0, End: 5,
		Quote: "q", Refs: []int{1}, CreatedByID: ana.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateToken(context.Background(), ana.ID, "hash"); err != nil {
		t.Fatal(err)
	}
	// Every reader connection is taken, as by long scans of lists and exports.
	for range readerConns {
		rows, err := s.reader.Query(`SELECT 1`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
	}
	// The deadline only keeps a regression from hanging the test; the lookups must not wait.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, tc := range []struct {
		name   string
		lookup func() error
	}{
		{"UserByID", func() error { _, err := s.UserByID(ctx, ana.ID); return err }},
		{"UserByName", func() error { _, _, err := s.UserByName(ctx, "ana"); return err }},
		{"TokenByHash", func() error { _, err := s.TokenByHash(ctx, "hash"); return err }},
		{"UserByTokenHash", func() error { _, err := s.UserByTokenHash(ctx, "hash"); return err }},
		{"Claim", func() error { _, err := s.Claim(ctx, c.ID); return err }},
		{"ClaimDocumentID", func() error { _, err := s.ClaimDocumentID(ctx, c.ID); return err }},
	} {
		if err := tc.lookup(); err != nil {
			t.Errorf("%s with the reader pool busy: %v", tc.name, err)
		}
	}
}
