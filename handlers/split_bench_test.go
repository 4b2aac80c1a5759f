package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkEvidencePane measures opening a claim's evidence pane on the 1 MB, 5,000-claim
// document with a 200 KB source: as evidence.js does (the pane fragment alone), beside a page
// load of the document with the pane open, the way without the script, as the baseline:
//
//	go test -run '^$' -bench BenchmarkEvidencePane ./handlers/
func BenchmarkEvidencePane(b *testing.B) {
	h := newHarness(b, Config{})
	doc := bigDocument(b, h)
	text := strings.Repeat("The ministers met in Vienna on Friday; a diplomat said talks would follow. ", 2700)
	r := h.do("POST", sourcesPath(doc.ID, 30), "rita", map[string]any{"text": text, "title": "wire"})
	if r.status != http.StatusCreated {
		b.Fatalf("capture: %d %s", r.status, r.body)
	}
	var cls struct{ Claims []struct{ ID int64 } }
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims?limit=1", doc.ID), "rita", nil).json(b, &cls)
	claim := cls.Claims[0].ID
	br := h.newBrowser()
	br.login("rita")
	b.Run("pane-fragment", func(b *testing.B) {
		for b.Loop() {
			req, _ := http.NewRequest("GET", fmt.Sprintf("%s/claims/%d/evidence", h.srv.URL, claim), nil)
			req.Header.Set(fragmentHeader, "split")
			if r := h.send(br.client, req); r.status != http.StatusOK || !strings.Contains(string(r.body), `id="source-text"`) {
				b.Fatalf("pane: %d", r.status)
			}
		}
	})
	b.Run("page-with-pane", func(b *testing.B) {
		for b.Loop() {
			if r := br.get(fmt.Sprintf("/documents/%d?evidence=%d", doc.ID, claim)); r.status != http.StatusOK ||
				!strings.Contains(string(r.body), `id="source-text"`) {
				b.Fatalf("page: %d", r.status)
			}
		}
	})
}
