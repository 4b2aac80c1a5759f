package store

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// On PostgreSQL several app servers write to one database, so a commit of this process is not
// the only news the live hub must hear. Every insert into events notifies the channel
// eventsChannel (migration 0025, committed with the change); each store keeps one dedicated
// pgx connection (outside database/sql, which would hand it back to a pool) that LISTENs on it
// and wakes the same waiters as a local commit. Store.Committed thus means "the desk's next
// commit, from any server".

// eventsChannel is the channel that migration 0025's trigger notifies.
const eventsChannel = "citecheck_events"

// Backoff between attempts to get the listening connection back.
const (
	listenRetryFirst = 50 * time.Millisecond
	listenRetryMax   = 5 * time.Second
)

// pgListener is the listening connection's goroutine.
type pgListener struct {
	cfg    *pgx.ConnConfig
	wake   func() // wakes the waiters of Store.Committed
	cancel context.CancelFunc
	done   chan struct{} // closed when the goroutine has ended

	// ready is closed once the connection first listens; pid is its backend's process id.
	// Both are for tests, which end the backend to see the listener come back.
	ready     chan struct{}
	readyOnce sync.Once
	pid       atomic.Uint32
}

// startListener starts listening on cfg's database; wake is called after every notification,
// and once after each (re)connection, since commits may have gone unheard while there was none.
func startListener(cfg *pgx.ConnConfig, wake func()) *pgListener {
	c := cfg.Copy()
	if c.RuntimeParams == nil {
		c.RuntimeParams = map[string]string{}
	}
	c.RuntimeParams["application_name"] = "citecheck-listen"
	ctx, cancel := context.WithCancel(context.Background())
	l := &pgListener{cfg: c, wake: wake, cancel: cancel, done: make(chan struct{}), ready: make(chan struct{})}
	go l.run(ctx)
	return l
}

// close stops the listener and waits until its connection is closed.
func (l *pgListener) close() {
	l.cancel()
	<-l.done
}

// run listens until ctx ends, getting the connection back, with a growing pause, whenever it
// drops.
func (l *pgListener) run(ctx context.Context) {
	defer close(l.done)
	retry := listenRetryFirst
	for {
		listened, err := l.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		if listened {
			retry = listenRetryFirst
		}
		slog.Warn("store: the live notifications' connection to PostgreSQL dropped; reconnecting", "err", err, "retry", retry)
		select {
		case <-ctx.Done():
			return
		case <-time.After(retry):
		}
		retry = min(2*retry, listenRetryMax)
	}
}

// listen connects, LISTENs and wakes the waiters on each notification until the connection
// fails or ctx ends. It reports whether it got as far as listening.
func (l *pgListener) listen(ctx context.Context) (bool, error) {
	conn, err := pgx.ConnectConfig(ctx, l.cfg)
	if err != nil {
		return false, err
	}
	defer func() {
		closing, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		conn.Close(closing)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+eventsChannel); err != nil {
		return false, err
	}
	l.pid.Store(conn.PgConn().PID())
	l.wake()
	l.readyOnce.Do(func() { close(l.ready) })
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return true, err
		}
		l.wake()
	}
}
