package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
)

// Live updates: GET /api/v1/documents/{id}/events and GET /api/v1/events stream the desk's
// events as server-sent events. A page that follows them (live.js) is rendered with the id of
// the newest event at that moment (Page.Live), so nothing that happens between the page and
// its stream is missed.

// keyLive holds the stream a page follows, set by followLive.
const keyLive = "live"

// pendingHeader carries, on a live fragment for an editor, how many claims wait for review.
const pendingHeader = "Citecheck-Pending"

// documentEvents streams the events of one document, with who else has it open.
func (s *Server) documentEvents(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.store.DocumentStamp(c.Request().Context(), id); err != nil {
		return err
	}
	return s.streamEvents(c, id)
}

// deskEvents streams the events of every document.
func (s *Server) deskEvents(c echo.Context) error {
	return s.streamEvents(c, 0)
}

// isEventStream tells the routes that stream, which the request timeout and compression skip.
func isEventStream(c echo.Context) bool {
	return c.Path() == "/api/v1/events" || c.Path() == "/api/v1/documents/:id/events"
}

// lastEventID reads where the client left off: the Last-Event-ID header of a reconnecting
// EventSource, else the page's ?after=, else nothing (ok false: only new events).
func lastEventID(c echo.Context) (id int64, ok bool, err error) {
	field, v := "Last-Event-ID", c.Request().Header.Get("Last-Event-ID")
	if v == "" {
		field, v = "after", c.QueryParam("after")
	}
	if v == "" {
		return 0, false, nil
	}
	id, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || id < 0 {
		return 0, false, citecheck.FieldErrorf(citecheck.ECodeMalformed, field, "%q is not an event id", v)
	}
	return id, true, nil
}

// liveRecheck is how long a stream trusts its last check of its credential before it sends an
// event: the longest an ended session or a disabled user may go on hearing the desk.
const liveRecheck = time.Second

// streamEvents is the stream of doc (0: the desk): first every event after the client's last
// one, then each new event as the hub hands it out, a presence event whenever who has doc open
// changes, and a ping comment every heartbeat, when it also checks that the session or token
// still holds. It ends when the client goes, the credential ends, the hub drops it for falling
// behind (the client reconnects and catches up) or the server shuts down.
func (s *Server) streamEvents(c echo.Context, doc int64) error {
	after, resume, err := lastEventID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	signedIn := s.stillSignedIn(c)
	sub, since, err := s.hub.subscribe(ctx, doc, currentUser(c).Name)
	if err != nil && ctx.Err() != nil {
		// The client left (a reload, a closed tab) while the stream was being set up: answered
		// as any request whose client left (503 cancelled), never an empty 200.
		return ctx.Err()
	}
	if err != nil {
		return err
	}
	defer s.hub.unsubscribe(sub)

	w := &eventWriter{c: c, rc: http.NewResponseController(c.Response()), window: 2*s.cfg.LiveHeartbeat + 10*time.Second}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set(echo.HeaderCacheControl, "no-cache")
	h.Set("X-Accel-Buffering", "no")
	c.Response().WriteHeader(http.StatusOK)
	// retry asks a client whose stream drops to come back after two seconds, with Last-Event-ID.
	if err := w.write("retry: 2000\n: citecheck live events\n\n"); err != nil {
		return nil
	}
	if resume {
		if err := s.replay(ctx, w, doc, after, since); err != nil {
			return s.streamEnded(err)
		}
	}
	beat := time.NewTicker(s.cfg.LiveHeartbeat)
	defer beat.Stop()
	// Before an event goes out the credential is checked again: at once when this server has
	// ended a session, revoked a token or changed a user since the last check, else at most
	// once a second (a change made by another process). A session signed out or ended by
	// DELETE /api/v1/sessions/{id}, a revoked token or a disabled user hears nothing more.
	checked, epoch := time.Now(), s.store.CredentialChanges()
	holds := func() bool {
		if now := s.store.CredentialChanges(); now == epoch && time.Since(checked) < liveRecheck {
			return true
		}
		checked, epoch = time.Now(), s.store.CredentialChanges()
		return signedIn(ctx)
	}
	for {
		select {
		case e := <-sub.events:
			if !holds() {
				return nil
			}
			if e.ID > after { // a page rendered after the hub's last event already reflects the rest
				err = w.event(e)
			}
		case <-sub.presence:
			if !holds() {
				return nil
			}
			err = w.send(0, citecheck.EventPresence, map[string]any{"document_id": doc, "users": s.hub.present(doc)})
		case <-beat.C:
			if !signedIn(ctx) {
				return nil
			}
			err = w.comment("ping")
		case <-sub.dropped:
			return nil
		case <-s.cfg.Shutdown:
			return nil
		case <-ctx.Done():
			return nil
		}
		if err != nil {
			return s.streamEnded(err)
		}
	}
}

// replay sends the events of doc after the client's last one up to since (where the hub
// takes over), or a reset event when some of them are gone: pruned, or from another database
// (an id the database has not reached). An id past since but not past the newest event is a
// page rendered after events the hub has yet to hand out: the stream skips those.
func (s *Server) replay(ctx context.Context, w *eventWriter, doc, after, since int64) error {
	oldest, newest, err := s.store.EventWindow(ctx)
	if err != nil {
		return err
	}
	if after > newest || (oldest > 0 && after < oldest-1) {
		return w.send(since, citecheck.EventReset, map[string]string{
			"reason": "the events after this id are no longer kept; reload the page"})
	}
	for after < since {
		evs, err := s.store.EventsAfter(ctx, after, since, liveReadPage)
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
		}
		for _, e := range evs {
			if doc == 0 || e.DocumentID == doc {
				if err := w.event(e); err != nil {
					return err
				}
			}
			after = e.ID
		}
	}
	return nil
}

// streamEnded logs why a stream stopped early, unless its client simply went away.
func (s *Server) streamEnded(err error) error {
	if !errors.Is(err, context.Canceled) && !errors.Is(err, errClientGone) {
		s.log.Error("live stream", "err", err)
	}
	return nil
}

// errClientGone wraps a failed write to the client.
var errClientGone = errors.New("live stream: client gone")

// stillSignedIn answers a check that the request's credential still holds: its bearer token
// (not revoked, its user enabled) or its session (not ended, not idle, its user enabled).
func (s *Server) stillSignedIn(c echo.Context) func(ctx context.Context) bool {
	if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
		return func(context.Context) bool {
			_, err := s.bearerUser(c, h)
			return err == nil
		}
	}
	hash, uid := currentSessionHash(c), currentUser(c).ID
	return func(ctx context.Context) bool {
		if _, err := s.store.SessionByHash(ctx, hash, s.cfg.SessionIdle); err != nil {
			return false
		}
		u, err := s.store.UserByID(ctx, uid)
		return err == nil && !u.Disabled
	}
}

// eventWriter writes server-sent events and flushes each, pushing the write deadline on
// before each write so that the server's WriteTimeout does not end a stream that is alive.
type eventWriter struct {
	c      echo.Context
	rc     *http.ResponseController
	window time.Duration
}

func (w *eventWriter) event(e citecheck.DeskEvent) error {
	return w.send(e.ID, e.Name, e)
}

// send writes one event; id 0 writes none, so the client's last event id stays.
func (w *eventWriter) send(id int64, name string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	var msg string
	if id > 0 {
		msg = fmt.Sprintf("id: %d\n", id)
	}
	return w.write(msg + "event: " + name + "\ndata: " + string(b) + "\n\n")
}

func (w *eventWriter) comment(text string) error {
	return w.write(": " + text + "\n\n")
}

func (w *eventWriter) write(msg string) error {
	if err := w.rc.SetWriteDeadline(time.Now().Add(w.window)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return fmt.Errorf("%w: %v", errClientGone, err)
	}
	if _, err := w.c.Response().Write([]byte(msg)); err != nil {
		return fmt.Errorf("%w: %v", errClientGone, err)
	}
	if err := w.rc.Flush(); err != nil {
		return fmt.Errorf("%w: %v", errClientGone, err)
	}
	return nil
}

// followLive marks a page as following the live events: the document's stream on a document
// page, the desk's elsewhere, from the newest event before the page reads anything.
func (s *Server) followLive(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		_, newest, err := s.store.EventWindow(c.Request().Context())
		if err != nil {
			return err
		}
		url := "/api/v1/events"
		if id, err := pathID(c); err == nil && c.Path() == "/documents/:id" {
			url = fmt.Sprintf("/api/v1/documents/%d/events", id)
		}
		c.Set(keyLive, fmt.Sprintf("%s?after=%d", url, newest))
		return next(c)
	}
}

// liveFragment answers, for live.js, what a claim's change seen on the stream changes on the
// document page: documentFragment with the claim as it is now (its removal when it is gone or
// belongs elsewhere), the blocks whose offsets ?blocks= lists (where the page showed the claim
// before), and the whole Sources panel, since what the claim was is not known here.
func (s *Server) liveFragment(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return s.fragmentError(c, err)
	}
	if c.QueryParam("sources") != "" && c.QueryParam("claim") == "" {
		return s.liveSources(c, d)
	}
	id, err := strconv.ParseInt(c.QueryParam("claim"), 10, 64)
	if err != nil || id <= 0 {
		return s.fragmentError(c, citecheck.FieldErrorf(citecheck.ECodeMalformed, "claim", "%q is not a claim id", c.QueryParam("claim")))
	}
	var spans [][2]int
	for _, f := range strings.FieldsFunc(c.QueryParam("blocks"), func(r rune) bool { return r == ',' }) {
		at, err := strconv.Atoi(f)
		if err != nil || at < 0 {
			return s.fragmentError(c, citecheck.FieldErrorf(citecheck.ECodeMalformed, "blocks", "%q is not a block offset", f))
		}
		spans = append(spans, [2]int{at, at + 1})
	}
	// The header bar's count of claims waiting for review changes with claims too.
	if currentUser(c).Role.CanReview() {
		n, err := s.store.CountPending(c.Request().Context())
		if err != nil {
			return err
		}
		c.Response().Header().Set(pendingHeader, strconv.Itoa(n))
	}
	after, err := s.store.Claim(c.Request().Context(), id)
	switch {
	case citecheck.ErrorCode(err) == citecheck.ECodeNotFound || (err == nil && after.DocumentID != d.doc.ID):
		return s.documentFragmentOver(c, http.StatusOK, d, &citecheck.Claim{ID: id}, nil, spans, true)
	case err != nil:
		return err
	}
	return s.documentFragmentOver(c, http.StatusOK, d, nil, after, spans, true)
}
