package handlers

import (
	"context"
	"sync"

	"github.com/citecheck/citecheck"
)

// loadedDocument is a document with its code point index. A text changes only by a new
// revision, which replaces the cached entry, so the index is built once per revision, not once
// per request.
type loadedDocument struct {
	doc  *citecheck.Document
	text *citecheck.Text
	src  citecheck.Sources
}

func newLoadedDocument(doc *citecheck.Document, t *citecheck.Text) *loadedDocument {
	return &loadedDocument{doc: doc, text: t, src: citecheck.DocumentSources(doc)}
}

// documentCache keeps the most recently used documents; a 5 MiB text costs its index to build.
type documentCache struct {
	mu    sync.Mutex
	max   int
	items map[int64]*loadedDocument
	order []int64 // least recently used first
}

func newDocumentCache(max int) *documentCache {
	return &documentCache{max: max, items: map[int64]*loadedDocument{}}
}

func (dc *documentCache) get(id int64) *loadedDocument {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	d := dc.items[id]
	if d != nil {
		dc.touch(id)
	}
	return d
}

func (dc *documentCache) put(d *loadedDocument) {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	if old, ok := dc.items[d.doc.ID]; ok && old.doc.Revision > d.doc.Revision {
		return // a request that read the document before its new revision: keep the newer
	}
	if _, ok := dc.items[d.doc.ID]; !ok && len(dc.items) >= dc.max {
		oldest := dc.order[0]
		dc.order = dc.order[1:]
		delete(dc.items, oldest)
	}
	dc.items[d.doc.ID] = d
	dc.touch(d.doc.ID)
}

func (dc *documentCache) forget(id int64) {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	delete(dc.items, id)
	dc.remove(id)
}

func (dc *documentCache) touch(id int64) {
	dc.remove(id)
	dc.order = append(dc.order, id)
}

func (dc *documentCache) remove(id int64) {
	for i, v := range dc.order {
		if v == id {
			dc.order = append(dc.order[:i], dc.order[i+1:]...)
			return
		}
	}
}

// loadDocument returns the document with its text index, from the cache when it can.
func (s *Server) loadDocument(ctx context.Context, id int64) (*loadedDocument, error) {
	if d := s.docs.get(id); d != nil {
		return d, nil
	}
	doc, err := s.store.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	d := newLoadedDocument(doc, citecheck.NewText(doc.Text))
	s.docs.put(d)
	return d, nil
}
