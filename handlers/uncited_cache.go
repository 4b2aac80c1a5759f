package handlers

import (
	"sync"

	"github.com/citecheck/citecheck"
)

// maxUncitedEntries bounds the revisions whose uncited sentences are kept.
const maxUncitedEntries = 64

// uncitedCache keeps the uncited sentences of recently checked revisions. They depend on the
// text alone, and finding them in a large text costs far more than the rest of a page, so each
// revision's are found once, by the first request that asks, while the others wait for it.
type uncitedCache struct {
	mu    sync.Mutex
	items map[uncitedKey]*uncitedEntry
}

type uncitedKey struct {
	doc      int64
	revision int
	sha      string
}

type uncitedEntry struct {
	once     sync.Once
	sentence []citecheck.UncitedSentence
}

func newUncitedCache() *uncitedCache {
	return &uncitedCache{items: map[uncitedKey]*uncitedEntry{}}
}

// uncitedOf returns the uncited sentences of the current text of d.
func (s *Server) uncitedOf(d *loadedDocument) []citecheck.UncitedSentence {
	uc := s.uncited
	key := uncitedKey{doc: d.doc.ID, revision: d.doc.Revision, sha: d.doc.TextSHA256}
	uc.mu.Lock()
	e := uc.items[key]
	if e == nil {
		if len(uc.items) >= maxUncitedEntries {
			for k := range uc.items { // drop any one: a miss costs one search
				delete(uc.items, k)
				break
			}
		}
		e = &uncitedEntry{}
		uc.items[key] = e
	}
	uc.mu.Unlock()
	e.once.Do(func() { e.sentence = citecheck.FindUncited(d.text, d.src) })
	return e.sentence
}
