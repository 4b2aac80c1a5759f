package handlers

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/formats"
	"github.com/citecheck/citecheck/store"
	"github.com/citecheck/citecheck/views"
)

// docState is one state of a document and its claims as every view of the document page
// starts from: all its claims, those anchored in the current text (in text order, with their
// checks) and its orphans, the citation check of the whole text, the counts, and the text's
// blocks with the claims' highlights. It is built once per stamp of the document (its row and
// its claims) and shared by every request that reads that state, so that twenty readers of a
// big document hold one copy, not twenty. It is immutable once built: nothing may write to it
// or to the slices it holds; a caller that needs to change a claim copies it first.
type docState struct {
	d     *loadedDocument
	stamp store.DocumentStamp
	// mark is where the claims' history stood when the claims were read: the view of a later
	// state is patched from this one with the claims written since (patched).
	mark int64
	// exported is every claim in export order (formats.ExportOrder): claims, then orphans, which
	// are its two parts, so that an export reads the view without copying a claim.
	exported []citecheck.Claim
	encoded  []*encodedClaim // of each claim of exported, as the export and the list write it
	// exportWarm tells that a gzipped native export of this view, or of the one it was patched
	// from, has kept its chunks: an export of it then encodes at most the chunks of the claims
	// written since, and needs no big-work slot.
	exportWarm atomic.Bool
	claims     []citecheck.Claim
	orphans    []citecheck.Claim
	check      citecheck.SourcesCheck
	checker    *citecheck.Checker // of d's text, shared by the views patched from this one
	cover      []int32            // how many claims cover each body marker, for the check
	summary    citecheck.Counts
	cuts       []int
	blocks     []views.Block
}

// newDocState builds the view of d with all its claims, read at a stamp.
func newDocState(d *loadedDocument, read store.ClaimsState) *docState {
	st := &docState{d: d, stamp: read.Stamp, mark: read.Mark, checker: citecheck.NewChecker(d.text, d.src)}
	all := formats.ExportOrder(d.doc, read.Claims)
	n := len(all)
	for n > 0 && isOrphan(d, &all[n-1]) {
		n--
	}
	for i := range all {
		all[i].Checks = st.claimChecks(&all[i])
	}
	st.cover = st.checker.Cover(nil, nil, all[:n])
	st.encoded = newEncoded(len(all))
	st.cuts = blockCuts(d.text)
	st.complete(all, n, keptBlocks(buildBlocks(buildRuns(d, all[:n]), st.cuts, d.text.Len())))
	return st
}

// claimChecks are the checks of a claim in the view, as the document check holds them: an
// orphan has no place in the text to check.
func (st *docState) claimChecks(c *citecheck.Claim) []citecheck.Check {
	if isOrphan(st.d, c) {
		return []citecheck.Check{}
	}
	return st.checker.ClaimChecks(c)
}

// complete sets what follows from the claims: exported in export order, the first n anchored,
// every claim with its checks; st.cover their coverage.
func (st *docState) complete(exported []citecheck.Claim, n int, blocks []views.Block) {
	st.exported, st.claims, st.orphans = exported, exported[:n:n], exported[n:]
	st.summary = citecheck.CountClaims(exported)
	st.check = st.checker.Check(st.claims, st.cover)
	st.blocks = blocks
}

// docStateEntry is the view of one document in the cache: built, or being built by the first
// request that asked for its stamp while the others wait for it (done is closed then).
type docStateEntry struct {
	stamp store.DocumentStamp
	st    *docState
	err   error
	done  chan struct{}
}

// docStateCache keeps the shared view of the most recently read documents, one per document,
// replaced when a request finds the document's stamp moved on. A view of 25,000 claims takes
// tens of MB, so it keeps fewer than the document cache does.
type docStateCache struct {
	mu    sync.Mutex
	max   int
	items map[int64]*docStateEntry
	order []int64 // least recently used first
}

func newDocStateCache(max int) *docStateCache {
	return &docStateCache{max: max, items: map[int64]*docStateEntry{}}
}

// atLeast tells whether stamp a is of the same state as b or a later one: both counters only grow.
func atLeast(a, b store.DocumentStamp) bool {
	return a.Changes >= b.Changes && a.ClaimChanges >= b.ClaimChanges
}

// claim answers the entry that serves stamp for document id: the cached one when it is of that
// state or a later one (built or being built), else a new entry that the caller must build
// (owner true) and then finish. While the view of an earlier state is being built, it answers
// that one: the caller waits for it and asks again, so that a document has one build in
// flight, not one per state that writes made meanwhile.
//
// A new entry comes with the view it replaces, if any (base), from which the owner may patch
// the new one instead of building it from scratch.
func (sc *docStateCache) claim(id int64, stamp store.DocumentStamp) (e *docStateEntry, base *docState, owner bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	old, ok := sc.items[id]
	if ok && (atLeast(old.stamp, stamp) || !old.finished()) {
		sc.touch(id)
		return old, nil, false
	}
	if ok {
		base = old.st // finished, and kept only when its build succeeded
	} else if len(sc.items) >= sc.max {
		oldest := sc.order[0]
		sc.order = sc.order[1:]
		delete(sc.items, oldest)
	}
	e = &docStateEntry{stamp: stamp, done: make(chan struct{})}
	sc.items[id] = e
	sc.touch(id)
	return e, base, true
}

// finished tells whether the build of e has ended.
func (e *docStateEntry) finished() bool {
	select {
	case <-e.done:
		return true
	default:
		return false
	}
}

// finish records the outcome of the build of e and wakes its waiters. A view is kept under the
// stamp it was read at, which may be later than the one asked for; a failed build is dropped.
func (sc *docStateCache) finish(id int64, e *docStateEntry, st *docState, err error) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	e.st, e.err = st, err
	if st != nil {
		e.stamp = st.stamp
	}
	if err != nil && sc.items[id] == e {
		delete(sc.items, id)
		sc.remove(id)
	}
	close(e.done)
}

// forget drops the view of a document, as when it is deleted.
func (sc *docStateCache) forget(id int64) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	delete(sc.items, id)
	sc.remove(id)
}

func (sc *docStateCache) touch(id int64) {
	sc.remove(id)
	sc.order = append(sc.order, id)
}

func (sc *docStateCache) remove(id int64) {
	for i, v := range sc.order {
		if v == id {
			sc.order = append(sc.order[:i], sc.order[i+1:]...)
			return
		}
	}
}

// errStateMoved says that a document's row changed between reading it and reading its claims;
// the view is then asked for again with the document as it now is.
var errStateMoved = errors.New("document changed while its view was built")

// stateAttempts bounds how often a request starts over when the document keeps changing under
// it; each attempt reads the newest state, so only a stream of revisions can exhaust them.
const stateAttempts = 4

// documentState answers the shared view of d as the database holds it now: the cached view when
// the document's stamp (one index lookup) says it is still current, else one built from the
// claims read together with their stamp. Concurrent readers of a state that is not cached yet
// wait for one build instead of each making their own. The view's document may be newer than d
// when the document changed meanwhile; callers use st.d.
func (s *Server) documentState(ctx context.Context, d *loadedDocument) (*docState, error) {
	var err error
	for range stateAttempts {
		var st *docState
		if st, err = s.documentStateOnce(ctx, d); err == nil {
			return st, nil
		}
		if !errors.Is(err, errStateMoved) {
			return nil, err
		}
		if d, err = s.loadDocument(ctx, d.doc.ID); err != nil {
			return nil, err
		}
	}
	return nil, err
}

// documentStateOnce is one attempt of documentState.
func (s *Server) documentStateOnce(ctx context.Context, d *loadedDocument) (*docState, error) {
	id := d.doc.ID
	stamp, err := s.store.DocumentStamp(ctx, id)
	if err != nil {
		if citecheck.ErrorCode(err) == citecheck.ECodeNotFound {
			s.states.forget(id)
			s.docs.forget(id)
		}
		return nil, err
	}
	if stamp.Row() != d.row {
		return nil, errStateMoved
	}
	for {
		e, base, owner := s.states.claim(id, stamp)
		if owner {
			// The build serves every request waiting for it, so one that goes away must not cancel it.
			st, err := s.buildDocState(context.WithoutCancel(ctx), d, base)
			s.states.finish(id, e, st, err)
		}
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if e.err != nil {
			return nil, e.err
		}
		if atLeast(e.st.stamp, stamp) {
			return e.st, nil
		}
		// That was the build of an earlier state, in flight when this request came: ask again.
	}
}

// buildDocState answers the view of d as it is now: patched from base, the view of an earlier
// state, when only claims changed since and the claims' history tells which (patchDocState),
// else built from all the claims read with their stamp. A row that is no longer the one d was
// read from is errStateMoved.
func (s *Server) buildDocState(ctx context.Context, d *loadedDocument, base *docState) (*docState, error) {
	if base != nil && base.stamp.Row() == d.row {
		if st, err := s.patchDocState(ctx, d, base); st != nil || err != nil {
			return st, err
		}
	}
	release, err := s.bigWork(ctx, d)
	if err != nil {
		return nil, err
	}
	defer release()
	read, err := s.store.ClaimsWithMark(ctx, d.doc.ID)
	if err != nil {
		return nil, err
	}
	if read.Stamp.Row() != d.row {
		return nil, errStateMoved
	}
	return newDocState(d, read), nil
}
