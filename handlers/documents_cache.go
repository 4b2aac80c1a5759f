package handlers

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
)

// loadedDocument is a document with its code point index, built once per state of the
// document's row rather than once per request.
type loadedDocument struct {
	doc  *citecheck.Document
	text *citecheck.Text
	src  citecheck.Sources
	row  store.DocumentStamp // the stamp of the row it was read from, without its claims (Row)
	// exportHeadSeg is the native export's head after its time, compressed (exportHead).
	exportHeadSeg atomic.Pointer[gzSegment]
	// plainBlocks are the lazy blocks of a big document's page (lazyblocks.go).
	plainBlocks plainBlocks
}

func newLoadedDocument(doc *citecheck.Document, t *citecheck.Text, stamp store.DocumentStamp) *loadedDocument {
	return &loadedDocument{doc: doc, text: t, src: citecheck.DocumentSources(doc), row: stamp.Row()}
}

// cachedDocument is a loaded document with the stamp its row had when it was read.
type cachedDocument struct {
	d     *loadedDocument
	stamp store.DocumentStamp
}

// documentCache keeps the most recently used documents; a 5 MiB text costs its index to build.
// An entry is only a guess: loadDocument checks its stamp against the database on every
// request, since another process (citecheck revise, a second server) may change the row. Only
// the row's part of the stamp counts here: a write to the claims leaves the text as it was.
type documentCache struct {
	mu    sync.Mutex
	max   int
	items map[int64]cachedDocument
	order []int64 // least recently used first
}

func newDocumentCache(max int) *documentCache {
	return &documentCache{max: max, items: map[int64]cachedDocument{}}
}

// get returns the entry of id if it was read at stamp.
func (dc *documentCache) get(id int64, stamp store.DocumentStamp) *loadedDocument {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	e, ok := dc.items[id]
	if !ok || e.stamp != stamp.Row() {
		return nil
	}
	dc.touch(id)
	return e.d
}

// put keeps d, read when its row had stamp, unless a copy of a later state is there already.
func (dc *documentCache) put(d *loadedDocument, stamp store.DocumentStamp) {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	id := d.doc.ID
	if old, ok := dc.items[id]; ok && old.stamp.Changes > stamp.Changes {
		return // a request that read the row before a later change: keep the newer
	}
	if _, ok := dc.items[id]; !ok && len(dc.items) >= dc.max {
		oldest := dc.order[0]
		dc.order = dc.order[1:]
		delete(dc.items, oldest)
	}
	dc.items[id] = cachedDocument{d: d, stamp: stamp.Row()}
	dc.touch(id)
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

// loadDocument returns the document with its text index: from the cache when the row's stamp,
// read first with one index lookup, is the stamp of the cached copy, else from the database.
// Reading the stamp before the row means a copy is never older than the stamp it is kept
// under; a change in between costs one more load on the next request, never a stale answer.
func (s *Server) loadDocument(ctx context.Context, id int64) (*loadedDocument, error) {
	stamp, err := s.store.DocumentStamp(ctx, id)
	if err != nil {
		if citecheck.ErrorCode(err) == citecheck.ECodeNotFound {
			s.docs.forget(id)
			s.states.forget(id)
		}
		return nil, err
	}
	if d := s.docs.get(id, stamp); d != nil {
		return d, nil
	}
	doc, err := s.store.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	d := newLoadedDocument(doc, citecheck.NewText(doc.Text), stamp)
	s.docs.put(d, stamp)
	return d, nil
}
