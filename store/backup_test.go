package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/citecheck/citecheck"
)

// TestBackupUnderConcurrentWritesIsAConsistentPrefix makes several backups while writers add
// documents and claims, and checks that each copy is sound and holds exactly the writes
// committed before some moment: claim ids without gaps, every claim with its document and its
// "created" event, every claim as its writer made it, and a count between the counts seen before
// and after the backup.
func TestBackupUnderConcurrentWritesIsAConsistentPrefix(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	if s.pg {
		// A PostgreSQL database is backed up by PostgreSQL's tools: Backup says so, writes nothing.
		path := filepath.Join(t.TempDir(), "backup.db")
		if err := s.Backup(ctx, path); err == nil || !strings.Contains(err.Error(), "pg_dump") {
			t.Fatalf("Backup on PostgreSQL: %v", err)
		}
		if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("Backup on PostgreSQL wrote %s: %v", path, err)
		}
		return
	}
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	// A few large documents make each copy take long enough for writers to commit meanwhile.
	big := strings.Repeat("Lorem ipsum dolor sit amet.[1] ", 20000)
	for i := range 3 {
		if _, err := s.CreateDocument(ctx, &citecheck.Document{Title: fmt.Sprint("big ", i), Text: big,
			TextSHA256: citecheck.TextSHA256(big), Length: len(big), CreatedByID: ana.ID}); err != nil {
			t.Fatal(err)
		}
	}

	var made sync.Map // claim id -> citecheck.Claim as created
	var count atomic.Int64
	stop := make(chan struct{})
	var writers sync.WaitGroup
	for w := range 4 {
		writers.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				text := fmt.Sprintf("Writer %d, document %d.[1]", w, i)
				d, err := s.CreateDocument(ctx, &citecheck.Document{Title: text, Text: text,
					TextSHA256: citecheck.TextSHA256(text), Length: len(text), CreatedByID: ana.ID})
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				for j := range 3 {
					c, err := s.CreateClaim(ctx, &citecheck.Claim{DocumentID: d.ID, Start: j, End: j + 5,
						Quote: fmt.Sprint(w, i, j), Refs: []int{46}, Note: fmt.Sprint("note ", w, i, j), CreatedByID: ana.ID})
					if err != nil {
						t.Errorf("writer %d: %v", w, err)
						return
					}
					made.Store(c.ID, *c)
					count.Add(1)
				}
			}
		})
	}

	dir := t.TempDir()
	for b := range 5 {
		before := count.Load()
		path := filepath.Join(dir, fmt.Sprintf("backup-%d.db", b))
		if err := s.Backup(ctx, path); err != nil {
			t.Fatal(err)
		}
		after := count.Load()
		// Claims acknowledged after the copy must not be in it; wait for the writers to stop
		// only after the last backup.
		if b == 4 {
			close(stop)
			writers.Wait()
		}
		checkBackup(t, path, before, after, &made)
	}
	if err := s.Backup(ctx, filepath.Join(dir, "backup-0.db")); err == nil {
		t.Error("Backup overwrote an existing file")
	}
}

// checkBackup opens one backup and checks that it is a consistent prefix of the writes.
func checkBackup(t *testing.T, path string, before, after int64, made *sync.Map) {
	t.Helper()
	ctx := context.Background()
	b, err := Open(path)
	if err != nil {
		t.Fatalf("open backup: %v", err)
	}
	defer b.Close()
	var ok string
	if err := b.reader.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("%s: integrity_check = %q, %v", path, ok, err)
	}
	var n, maxID, orphans, unrecorded int64
	err = b.reader.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(id), 0),
	(SELECT COUNT(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = c.document_id)),
	(SELECT COUNT(*) FROM claims c WHERE NOT EXISTS
		(SELECT 1 FROM claim_events e WHERE e.claim_id = c.id AND e.action = 'created'))
FROM claims`).Scan(&n, &maxID, &orphans, &unrecorded)
	if err != nil {
		t.Fatal(err)
	}
	// The writers acknowledged `before` claims before the copy began, and `after` when it ended;
	// a consistent snapshot lies between them. The counter moves just after each commit, so a
	// copy may hold up to one more claim per writer than `after` says.
	if n < before || n > after+4 || n != maxID || orphans != 0 || unrecorded != 0 {
		t.Fatalf("%s: %d claims (max id %d, %d without document, %d without history), want a gapless prefix of %d..%d",
			path, n, maxID, orphans, unrecorded, before, after)
	}
	docs, err := b.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := int64(0)
	for _, d := range docs {
		claims, err := b.Claims(ctx, d.ID, citecheck.ClaimFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range claims {
			v, ok := made.Load(c.ID)
			if !ok {
				// Committed but not yet recorded by its writer when the backup was checked.
				continue
			}
			want := v.(citecheck.Claim)
			if c.DocumentID != want.DocumentID || c.Start != want.Start || c.End != want.End ||
				c.Quote != want.Quote || c.Note != want.Note || fmt.Sprint(c.Refs) != fmt.Sprint(want.Refs) {
				t.Fatalf("%s: claim %d = %+v, want %+v", path, c.ID, c, want)
			}
			seen++
		}
	}
	t.Logf("%s: %d claims in %d documents (writers had %d before and %d after), %d compared", filepath.Base(path), n, len(docs), before, after, seen)
}
