package handlers

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Presence, who has a document open, spans the app servers: each server writes who has which
// document open through its own streams into the database (store/presence.go), under an id of
// its own, and the hub reads everyone's after each wake (a commit, a PostgreSQL notification, a
// poll), telling a document's streams when the names change. A server touches its rows now and
// then; the rows of one that stopped without clearing them are ignored after presenceTTL.
const (
	presenceTouch = 30 * time.Second
	presenceTTL   = 3 * presenceTouch
)

// presence is the hub's side of it. Its maps are guarded by the hub's mu; writeMu keeps one
// writer at a time, so that a reader that is stopping and the one that replaces it never write
// their views out of order.
type presence struct {
	server  string             // this server's id in the table
	dirty   map[int64]bool     // documents whose streams changed since the table was told
	seen    map[int64][]string // who has each followed document open, on any server, as last read
	kick    chan struct{}      // wakes the reader to write what is dirty
	writeMu sync.Mutex
}

func newPresence() presence {
	return presence{server: randomToken()[:16], dirty: map[int64]bool{}, seen: map[int64][]string{},
		kick: make(chan struct{}, 1)}
}

// presenceChanged notes that who has doc open through this server changed; h.mu is held.
func (h *hub) presenceChanged(doc int64) {
	if doc == 0 {
		return
	}
	h.presence.dirty[doc] = true
	select {
	case h.presence.kick <- struct{}{}:
	default: // already kicked
	}
}

// present names the users who have doc open on any server, each once, sorted.
func (h *hub) present(doc int64) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string{}, h.presence.seen[doc]...)
}

// localUsers names the users who have doc open through this server, each once, sorted; h.mu
// is held.
func (h *hub) localUsers(doc int64) []string {
	names := []string{}
	for sub := range h.subs {
		if sub.doc == doc && !slices.Contains(names, sub.user) {
			names = append(names, sub.user)
		}
	}
	slices.Sort(names)
	return names
}

// writePresence tells the table who has the changed documents open through this server. A
// write that fails is tried again at the next wake.
func (h *hub) writePresence() {
	h.presence.writeMu.Lock()
	defer h.presence.writeMu.Unlock()
	h.mu.Lock()
	views := map[int64][]string{}
	for doc := range h.presence.dirty {
		views[doc] = h.localUsers(doc)
	}
	clear(h.presence.dirty)
	h.mu.Unlock()
	for doc, users := range views {
		if err := h.st.SetPresence(context.Background(), h.presence.server, doc, users); err != nil {
			h.log.Error("write presence", "err", err)
			h.mu.Lock()
			h.presence.dirty[doc] = true
			h.mu.Unlock()
		}
	}
}

// readPresence reads who has the followed documents open on every server, and tells the
// streams of each document whose names changed.
func (h *hub) readPresence() {
	all, err := h.st.Presence(context.Background(), h.st.Now().Add(-presenceTTL))
	if err != nil {
		h.log.Error("read presence", "err", err)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	followed := map[int64]bool{}
	for sub := range h.subs {
		if sub.doc != 0 {
			followed[sub.doc] = true
		}
	}
	for doc := range h.presence.seen {
		if !followed[doc] {
			delete(h.presence.seen, doc)
		}
	}
	for doc := range followed {
		users, known := h.presence.seen[doc]
		if known && slices.Equal(users, all[doc]) {
			continue
		}
		h.presence.seen[doc] = append([]string{}, all[doc]...)
		for sub := range h.subs {
			if sub.doc == doc {
				select {
				case sub.presence <- struct{}{}:
				default: // already told
				}
			}
		}
	}
}

// touchPresence keeps this server's rows current and prunes those of servers that stopped.
func (h *hub) touchPresence() {
	if err := h.st.TouchPresence(context.Background(), h.presence.server, h.st.Now().Add(-presenceTTL)); err != nil {
		h.log.Error("touch presence", "err", err)
	}
}
