package handlers

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkDeskList measures the documents list with states, over HTTP on the real router, on
// 200 documents of 10 claims each, half of them assigned. "cached" is the steady state (every
// document's state read from document_states, joined, filtered and sorted in SQL), "filtered"
// the same with a state filter and a sort by due, "one-stale" a list after one document's
// cached state was dropped (one state computed again, as after a write to it). The baseline of
// the same run, "summaries", is the store's plain document summaries that the list was before
// states (without HTTP and JSON, so the ratio overstates what states cost):
//
//	go test -run '^$' -bench BenchmarkDeskList ./handlers/
func BenchmarkDeskList(b *testing.B) {
	const docs, claims = 200, 10
	h := newHarness(b, Config{})
	h.skipAPIChecks()
	text := strings.Repeat("A claim worth checking here. [1] ", claims)
	due := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
	var last int64
	for i := range docs {
		d := h.createDocument("rita", fmt.Sprintf("doc %d", i), text)
		last = d.ID
		for range claims {
			h.claimAt("rita", d.ID, text, "A claim worth checking here.", []int{1}, "unsupported")
		}
		if i%2 == 0 {
			h.do("PUT", fmt.Sprintf("/api/v1/documents/%d/assignment", d.ID), "ed", map[string]any{"checker": "ralph", "due_at": due})
		}
	}
	get := func(b *testing.B, path string) {
		if r := h.do("GET", path, "rita", nil); r.status != http.StatusOK {
			b.Fatalf("%d %s", r.status, r.body)
		}
	}
	get(b, "/api/v1/documents") // computes every state once
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			get(b, "/api/v1/documents")
		}
	})
	b.Run("filtered", func(b *testing.B) {
		for b.Loop() {
			get(b, "/api/v1/documents?state=in+review&sort=due")
		}
	})
	b.Run("one-stale", func(b *testing.B) {
		db, err := sql.Open("sqlite3", "file:"+filepath.ToSlash(h.dbPath)+"?_journal_mode=WAL&_busy_timeout=5000")
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		for b.Loop() {
			if _, err := db.Exec(`DELETE FROM document_states WHERE document_id = ?`, last); err != nil {
				b.Fatal(err)
			}
			get(b, "/api/v1/documents")
		}
	})
	b.Run("summaries", func(b *testing.B) {
		for b.Loop() {
			if _, err := h.st.Documents(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
