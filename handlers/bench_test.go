package handlers

import (
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

// BenchmarkCreateClaim measures claim creation over HTTP (JSON API, bearer token, real router,
// real SQLite file with synchronous=FULL) beside raw single-row INSERTs into the same file, so
// the two can be compared as a ratio in one run:
//
//	go test -run '^$' -bench BenchmarkCreateClaim ./handlers/
func BenchmarkCreateClaim(b *testing.B) {
	h := newHarness(b, Config{})
	text := strings.Repeat("A claim worth checking. [1] ", 200)
	doc := h.createDocument("rita", "bench", text)
	body := `{"start":0,"end":23,"refs":[1],"status":"supported","note":"bench"}`
	path := fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID)

	b.Run("http", func(b *testing.B) {
		for b.Loop() {
			if r := h.do("POST", path, "rita", body); r.status != http.StatusCreated {
				b.Fatalf("%d %s", r.status, r.body)
			}
		}
	})
	b.Run("http-parallel", func(b *testing.B) {
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if r := h.do("POST", path, "rita", body); r.status != http.StatusCreated {
					b.Errorf("%d %s", r.status, r.body)
					return
				}
			}
		})
	})
	b.Run("raw-insert", func(b *testing.B) {
		// The baseline: the same row written by hand through a second connection to the same file.
		db, err := sql.Open("sqlite3", "file:"+filepath.ToSlash(h.dbPath)+"?_journal_mode=WAL&_foreign_keys=on&_busy_timeout=5000&_synchronous=FULL")
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
		const insert = `INSERT INTO claims (document_id, start, "end", quote, prefix, suffix, refs, status, note,
			created_by, created_at, updated_by, updated_at) VALUES (?, 0, 23, 'A claim worth checking.', '', ' [1] A claim', '[1]',
			'supported', 'bench', 1, '2026-01-01T00:00:00.000000000Z', 1, '2026-01-01T00:00:00.000000000Z')`
		for b.Loop() {
			if _, err := db.Exec(insert, doc.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}
