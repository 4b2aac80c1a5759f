package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// The write queue is the store's one writer. Every write is a function queued in arrival order;
// a single goroutine takes them first come, first served, runs each inside a SAVEPOINT of one
// shared transaction, commits once (one fsync for the whole batch), and only then answers each
// caller. A write sees the writes before it in its batch; a write that fails rolls back to its
// savepoint and changes nothing; nothing is acknowledged before the commit that holds it is
// durable. Batching is opportunistic: the writer never waits for company, it takes whatever
// queued up while the previous batch was committing, so a lone write pays no extra latency.

// maxBatch bounds how many writes share one commit, so that the first write of a batch does not
// wait behind an unbounded number of later ones.
const maxBatch = 64

// queueLen is how many writes may wait in the channel's buffer; writers beyond it block in the
// channel's own queue, which Go also serves in arrival order.
const queueLen = 256

// errClosed answers writes that reach a closed store.
var errClosed = errors.New("store: closed")

// errNestedWrite answers a write started from inside another write's function, which would
// otherwise wait forever for the writer that is running it.
var errNestedWrite = errors.New("store: a write was started inside another write")

// Job states: a job is queued until the writer claims it (running) or its caller gives up on it
// (dropped); whichever comes first wins, so a dropped job never runs.
const (
	jobQueued int32 = iota
	jobRunning
	jobDropped
)

// writeJob is one queued write: its function, its caller's context and where its answer goes.
type writeJob struct {
	ctx   context.Context
	fn    func(ctx context.Context, tx *sql.Tx) error
	state atomic.Int32
	done  chan writeResult // buffered (1): the writer never blocks on an answer
}

// writeResult is a write's answer: its error, or the value it panicked with, which the caller
// re-raises on its own goroutine.
type writeResult struct {
	err      error
	panicked any
	didPanic bool
}

// writeQueue holds the queue and the writer goroutine's lifecycle.
type writeQueue struct {
	db      *sql.DB
	begin   func(tx *sql.Tx) error // run first in every transaction, if set (PostgreSQL's write lock)
	jobs    chan *writeJob
	stop    chan struct{} // closed by close: the writer should finish
	stopped chan struct{} // closed by the writer when it has answered everything it took
	commits atomic.Int64  // transactions committed, for tests and diagnostics

	// committed is closed after the next commit, for whoever waits on Store.Committed (the
	// live events' hub); nil while no one waits, so a commit with no listener costs nothing.
	commitMu  sync.Mutex
	committed chan struct{}
}

// inWriteKey marks the context handed to a write's function, to catch nested writes.
type inWriteKey struct{}

// newWriteQueue starts the writer goroutine on db, which must allow one connection only.
func newWriteQueue(db *sql.DB) *writeQueue {
	q := &writeQueue{db: db, jobs: make(chan *writeJob, queueLen),
		stop: make(chan struct{}), stopped: make(chan struct{})}
	go q.loop()
	return q
}

// close stops the writer after the batch it is running and waits for it; writes still queued
// are answered with errClosed.
func (q *writeQueue) close() {
	select {
	case <-q.stop:
	default:
		close(q.stop)
	}
	<-q.stopped
}

// do queues fn and waits for its answer. A caller whose context ends while fn is still queued
// gets the context's error and fn never runs; once fn has started it runs to its end (with a
// context that is not cancelled, so a statement is never interrupted half-way, which would roll
// back the whole shared transaction) and the caller waits for the commit.
func (q *writeQueue) do(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if ctx.Value(inWriteKey{}) != nil {
		return errNestedWrite
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	j := &writeJob{ctx: ctx, fn: fn, done: make(chan writeResult, 1)}
	select {
	case q.jobs <- j:
	case <-ctx.Done():
		return ctx.Err()
	case <-q.stopped:
		return errClosed
	}
	var r writeResult
	select {
	case r = <-j.done:
	case <-ctx.Done():
		if j.state.CompareAndSwap(jobQueued, jobDropped) {
			return ctx.Err()
		}
		r = <-j.done
	case <-q.stopped:
		select {
		case r = <-j.done:
		default:
			return errClosed // queued after the writer's last look at the queue
		}
	}
	if r.didPanic {
		panic(r.panicked)
	}
	return r.err
}

// loop is the writer goroutine: one batch at a time until close.
func (q *writeQueue) loop() {
	defer close(q.stopped)
	for {
		select {
		case <-q.stop:
			q.drain()
			return
		case j := <-q.jobs:
			q.runBatch(j)
		}
	}
}

// drain answers every write still queued with errClosed.
func (q *writeQueue) drain() {
	for {
		select {
		case j := <-q.jobs:
			if j.state.CompareAndSwap(jobQueued, jobRunning) {
				j.done <- writeResult{err: errClosed}
			}
		default:
			return
		}
	}
}

// batch is the writes of one transaction that ran, with their own outcomes, waiting for the
// commit.
type batch struct {
	tx      *sql.Tx
	pending []*writeJob
	results []writeResult
}

// runBatch runs first and whatever else is queued (up to maxBatch) in one transaction, commits
// it and answers each write.
func (q *writeQueue) runBatch(first *writeJob) {
	b := &batch{}
	q.run(b, first)
	for len(b.pending) < maxBatch {
		j := q.next()
		if j == nil {
			break
		}
		q.run(b, j)
	}
	if b.finish() {
		q.commits.Add(1)
		q.announceCommit()
	}
}

// next takes the next queued write without waiting for one.
func (q *writeQueue) next() *writeJob {
	select {
	case j := <-q.jobs:
		return j
	default:
		return nil
	}
}

// run runs one write in its own savepoint of the batch's transaction, beginning the transaction
// if this is its first write. A write whose caller already left is skipped.
func (q *writeQueue) run(b *batch, j *writeJob) {
	if !j.state.CompareAndSwap(jobQueued, jobRunning) {
		return
	}
	if err := j.ctx.Err(); err != nil {
		j.done <- writeResult{err: err}
		return
	}
	if b.tx == nil {
		// The transaction belongs to the writer, not to any one request: no request's end may
		// roll it back.
		tx, err := q.db.BeginTx(context.Background(), nil)
		if err == nil && q.begin != nil {
			if err = q.begin(tx); err != nil {
				tx.Rollback()
			}
		}
		if err != nil {
			j.done <- writeResult{err: fmt.Errorf("store: begin: %w", err)}
			return
		}
		b.tx = tx
	}
	r, lost := runInSavepoint(b.tx, j)
	if lost != nil {
		// SQLite rolled back the whole transaction (an I/O error, a full disk): the writes
		// before this one in the batch are gone too, and none of them has been answered.
		b.tx.Rollback()
		b.fail(lost)
		b.tx = nil
		if r.err == nil && !r.didPanic {
			r.err = lost
		}
		j.done <- r
		return
	}
	b.pending = append(b.pending, j)
	b.results = append(b.results, r)
}

// runInSavepoint runs j's function between SAVEPOINT and RELEASE, rolling back to the savepoint
// when it fails or panics. lost is set when the transaction itself did not survive.
func runInSavepoint(tx *sql.Tx, j *writeJob) (r writeResult, lost error) {
	if _, err := tx.Exec(`SAVEPOINT write`); err != nil {
		return writeResult{err: fmt.Errorf("store: savepoint: %w", err)}, fmt.Errorf("store: savepoint: %w", err)
	}
	r = call(tx, j)
	if r.err != nil || r.didPanic {
		if _, err := tx.Exec(`ROLLBACK TO write`); err != nil {
			return r, fmt.Errorf("store: write aborted its transaction: %w", err)
		}
	}
	if _, err := tx.Exec(`RELEASE write`); err != nil {
		return r, fmt.Errorf("store: release savepoint: %w", err)
	}
	return r, nil
}

// call runs j's function with a context that keeps the request's values but not its
// cancellation, turning a panic into a result.
func call(tx *sql.Tx, j *writeJob) (r writeResult) {
	defer func() {
		if p := recover(); p != nil {
			r = writeResult{panicked: p, didPanic: true}
		}
	}()
	ctx := context.WithValue(context.WithoutCancel(j.ctx), inWriteKey{}, true)
	return writeResult{err: j.fn(ctx, tx)}
}

// fail answers every write of the batch that ran: a write that failed on its own keeps its
// answer (it changed nothing either way), the others get err. The batch forgets them.
func (b *batch) fail(err error) {
	for i, j := range b.pending {
		r := b.results[i]
		if r.err == nil && !r.didPanic {
			r = writeResult{err: err}
		}
		j.done <- r
	}
	b.pending, b.results = nil, nil
}

// finish commits the batch and answers each write: its own error if it failed (it changed
// nothing), the commit's error if the commit failed, else success. Answers wait for the commit,
// so that no one acts on a state that might not become durable. It reports whether it committed.
func (b *batch) finish() bool {
	if b.tx == nil {
		return false
	}
	if err := b.tx.Commit(); err != nil {
		b.fail(fmt.Errorf("store: commit: %w", err))
		return false
	}
	for i, j := range b.pending {
		j.done <- b.results[i]
	}
	return true
}

// waitCommit answers a channel that is closed after the next commit.
func (q *writeQueue) waitCommit() <-chan struct{} {
	q.commitMu.Lock()
	defer q.commitMu.Unlock()
	if q.committed == nil {
		q.committed = make(chan struct{})
	}
	return q.committed
}

// announceCommit wakes everyone waiting for a commit.
func (q *writeQueue) announceCommit() {
	q.commitMu.Lock()
	defer q.commitMu.Unlock()
	if q.committed != nil {
		close(q.committed)
		q.committed = nil
	}
}
