package handlers

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
)

// The hub is the one reader of new live events in the process: woken by Store.Committed (every
// commit of this server's store and, on PostgreSQL, every server's: store/pglisten.go), and by a
// slow poll for commits that nothing announced (on SQLite those of another process on the same
// file: the command line, a second server), it reads the events after the last one it sent,
// once, and hands each to the streams that follow its document or the whole desk. It runs only
// while a stream is open.

// Defaults of the live settings.
const (
	defaultHeartbeat  = 15 * time.Second
	defaultMaxStreams = 500
	livePoll          = 2 * time.Second
	liveReadPage      = 500
	// subscriberBuffer is how many events a stream may fall behind before the hub drops it; its
	// client reconnects with Last-Event-ID and misses nothing.
	subscriberBuffer = 1024
	// Events are kept a week, and at most eventsKept of them.
	eventsKeptFor = 7 * 24 * time.Hour
	eventsKept    = 100_000
	pruneEvery    = time.Hour
)

// subscriber is one open stream: the document it follows (0: the desk), its user's name, where
// the hub puts its events, a signal that the document's presence changed, and a signal that the
// hub dropped it for falling behind.
type subscriber struct {
	doc      int64
	user     string
	events   chan citecheck.DeskEvent
	presence chan struct{}
	dropped  chan struct{}
}

// hub fans the live events out to the open streams.
type hub struct {
	st   *store.Store
	log  *slog.Logger
	max  int
	poll time.Duration

	mu   sync.Mutex
	subs map[*subscriber]struct{}
	last int64         // the newest event handed out
	stop chan struct{} // the running reader's; nil while none runs

	presence presence // who has the followed documents open, on every server (live_presence.go)
}

func newHub(st *store.Store, log *slog.Logger, maxStreams int, poll time.Duration) *hub {
	if maxStreams <= 0 {
		maxStreams = defaultMaxStreams
	}
	if poll <= 0 {
		poll = livePoll
	}
	return &hub{st: st, log: log, max: maxStreams, poll: poll, subs: map[*subscriber]struct{}{},
		presence: newPresence()}
}

// errTooManyStreams answers a stream beyond the bound.
var errTooManyStreams = citecheck.Errorf(citecheck.ECodeTooManyStreams,
	"too many live streams are open on this server; try again later")

// subscribe opens a stream on doc (0: the desk) for user. It answers the id of the newest event
// already handed out: the stream gets every later event, and replays earlier ones itself.
func (h *hub) subscribe(ctx context.Context, doc int64, user string) (*subscriber, int64, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.subs) >= h.max {
		return nil, 0, errTooManyStreams
	}
	if h.stop == nil {
		_, newest, err := h.st.EventWindow(ctx)
		if err != nil {
			return nil, 0, err
		}
		h.last, h.stop = newest, make(chan struct{})
		go h.run(h.stop)
	}
	sub := &subscriber{doc: doc, user: user, events: make(chan citecheck.DeskEvent, subscriberBuffer),
		presence: make(chan struct{}, 1), dropped: make(chan struct{})}
	h.subs[sub] = struct{}{}
	h.presenceChanged(doc)
	if _, known := h.presence.seen[doc]; known {
		sub.presence <- struct{}{} // who is here already; the table tells of the new one soon
	}
	return sub, h.last, nil
}

// unsubscribe closes a stream; the reader stops with the last one.
func (h *hub) unsubscribe(sub *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.remove(sub)
}

// remove forgets sub; h.mu is held.
func (h *hub) remove(sub *subscriber) {
	if _, ok := h.subs[sub]; !ok {
		return
	}
	delete(h.subs, sub)
	h.presenceChanged(sub.doc)
	if len(h.subs) == 0 && h.stop != nil {
		close(h.stop)
		h.stop = nil
	}
}

// run is the reader: after each commit, or each poll, it hands out the new events and tells
// the streams who is present, until stop is closed. It writes this server's presence when its
// streams change, touches it now and then, and prunes old events.
func (h *hub) run(stop chan struct{}) {
	tick := time.NewTicker(h.poll)
	defer tick.Stop()
	touch := time.NewTicker(presenceTouch)
	defer touch.Stop()
	pruned := time.Time{}
	for {
		wait := h.st.Committed()
		h.writePresence()
		h.deliver(stop)
		h.readPresence()
		if time.Since(pruned) > pruneEvery {
			pruned = time.Now()
			if _, err := h.st.PruneEvents(context.Background(), h.st.Now().Add(-eventsKeptFor), eventsKept); err != nil {
				h.log.Error("prune live events", "err", err)
			}
		}
		select {
		case <-wait:
		case <-tick.C:
		case <-h.presence.kick:
		case <-touch.C:
			h.touchPresence()
		case <-stop:
			h.writePresence() // the streams that left, the last one among them
			return
		}
	}
}

// deliver reads the events after the last one handed out and hands each to the streams that
// follow it. A stream whose buffer is full is dropped.
func (h *hub) deliver(stop chan struct{}) {
	ctx := context.Background()
	for {
		h.mu.Lock()
		after := h.last
		h.mu.Unlock()
		_, newest, err := h.st.EventWindow(ctx)
		if err == nil && newest > after {
			var evs []citecheck.DeskEvent
			evs, err = h.st.EventsAfter(ctx, after, newest, liveReadPage)
			if err == nil && !h.handOut(stop, after, evs) {
				return
			}
			if err == nil && len(evs) == liveReadPage {
				continue
			}
		}
		if err != nil {
			h.log.Error("read live events", "err", err)
		}
		return
	}
}

// handOut gives evs (read after id after) to the streams, unless this reader has been stopped
// or another has handed them out meanwhile; it reports whether it did.
func (h *hub) handOut(stop chan struct{}, after int64, evs []citecheck.DeskEvent) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stop != stop || h.last != after {
		return false
	}
	for _, e := range evs {
		for sub := range h.subs {
			if sub.doc != 0 && sub.doc != e.DocumentID {
				continue
			}
			select {
			case sub.events <- e:
			default:
				close(sub.dropped)
				h.remove(sub)
			}
		}
		h.last = e.ID
	}
	return true
}
