package handlers

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
)

// sseEvent is one event read off a stream; a comment line comes as name ":" with its text.
type sseEvent struct {
	id   int64
	name string
	data string
}

// sseStream reads a live stream as it arrives.
type sseStream struct {
	res    *http.Response
	events chan sseEvent // closed when the stream ends
	cancel context.CancelFunc
}

// openStream GETs a stream with the request prepared by prepare (credentials, Last-Event-ID),
// and fails the test unless it answers 200 text/event-stream.
func openStream(t *testing.T, h *harness, path string, client *http.Client, prepare func(r *http.Request)) *sseStream {
	t.Helper()
	res, cancel := requestStream(t, h, path, client, prepare)
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
	}
	for k, want := range map[string]string{"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
		"X-Accel-Buffering": "no", "Content-Encoding": ""} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("GET %s: %s is %q, want %q", path, k, got, want)
		}
	}
	s := &sseStream{res: res, events: make(chan sseEvent, 1000), cancel: cancel}
	go s.read()
	t.Cleanup(s.close)
	return s
}

func requestStream(t *testing.T, h *harness, path string, client *http.Client, prepare func(r *http.Request)) (*http.Response, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", h.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	if prepare != nil {
		prepare(req)
	}
	res, err := client.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	return res, cancel
}

func (s *sseStream) close() {
	s.cancel()
	s.res.Body.Close()
}

// read parses the stream into events until it ends.
func (s *sseStream) read() {
	defer close(s.events)
	r := bufio.NewReader(s.res.Body)
	var e sseEvent
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			if e.name != "" {
				s.events <- e
			}
			e = sseEvent{}
		case strings.HasPrefix(line, ": "):
			s.events <- sseEvent{name: ":", data: line[2:]}
		case strings.HasPrefix(line, "id: "):
			e.id, _ = strconv.ParseInt(line[4:], 10, 64)
		case strings.HasPrefix(line, "event: "):
			e.name = line[7:]
		case strings.HasPrefix(line, "data: "):
			e.data = line[6:]
		}
	}
}

// next answers the next event that is not a comment or a presence event.
func (s *sseStream) next(t *testing.T) sseEvent {
	t.Helper()
	for e := range s.events {
		if e.name != ":" && e.name != citecheck.EventPresence {
			return e
		}
	}
	t.Fatal("the stream ended")
	return sseEvent{}
}

// ended waits for the stream to end, skipping whatever comes before.
func (s *sseStream) ended() {
	for range s.events {
	}
}

func (e sseEvent) desk(t *testing.T) citecheck.DeskEvent {
	t.Helper()
	var d citecheck.DeskEvent
	if err := json.Unmarshal([]byte(e.data), &d); err != nil {
		t.Fatalf("event %s data %q: %v", e.name, e.data, err)
	}
	return d
}

func bearer(token string) func(r *http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

// streamClaim creates a claim through the API and answers it.
func streamClaim(t *testing.T, h *harness, user string, doc int64) citecheck.Claim {
	t.Helper()
	var cl citecheck.Claim
	r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc), user, map[string]any{"start": 0, "end": 5, "refs": []int{1}})
	if r.status != http.StatusCreated {
		t.Fatalf("create claim: %d %s", r.status, r.body)
	}
	r.json(t, &cl)
	return cl
}

const streamText = "Talks began in May. [1]"

func TestEventStreamsNeedSignIn(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "A", streamText)
	for _, path := range []string{"/api/v1/events", fmt.Sprintf("/api/v1/documents/%d/events", doc.ID)} {
		if r := h.do("GET", path, "", nil); r.status != http.StatusUnauthorized || r.errorCode(t) != citecheck.ECodeUnauthorized {
			t.Errorf("GET %s without sign-in: %d %s", path, r.status, r.body)
		}
	}
	if r := h.do("GET", "/api/v1/documents/999/events", "rita", nil); r.status != http.StatusNotFound {
		t.Errorf("stream of an unknown document: %d %s", r.status, r.body)
	}
	r := h.do("GET", "/api/v1/events?after=x", "rita", nil)
	var e errorBody
	r.json(t, &e)
	if r.status != http.StatusBadRequest || e.Error.Field != "after" {
		t.Errorf("a malformed after: %d %s", r.status, r.body)
	}
}

func TestDocumentStreamSendsItsDocumentsEventsAndTheDeskStreamAll(t *testing.T) {
	h := newHarness(t, Config{})
	a := h.createDocument("rita", "A", streamText)
	b := h.createDocument("rita", "B", streamText)
	docStream := openStream(t, h, fmt.Sprintf("/api/v1/documents/%d/events", a.ID), http.DefaultClient, bearer(h.tokens["ed"]))
	deskStream := openStream(t, h, "/api/v1/events", http.DefaultClient, bearer(h.tokens["ed"]))

	inB := streamClaim(t, h, "rita", b.ID)
	inA := streamClaim(t, h, "rita", a.ID)
	r := h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", inA.ID), "rita", map[string]any{"version": 1, "note": "seen"})
	if r.status != http.StatusOK {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}

	first := docStream.next(t)
	if d := first.desk(t); first.name != citecheck.EventClaimCreated || d.DocumentID != a.ID || d.ClaimID != inA.ID ||
		d.Version != 1 || d.By != "rita" || d.At.IsZero() || first.id == 0 {
		t.Errorf("document stream, first: %+v %+v", first, d)
	}
	second := docStream.next(t)
	if d := second.desk(t); second.name != citecheck.EventClaimUpdated || d.ClaimID != inA.ID || d.Version != 2 || second.id <= first.id {
		t.Errorf("document stream, second: %+v", second)
	}
	var desk []int64
	for range 3 {
		desk = append(desk, deskStream.next(t).desk(t).ClaimID)
	}
	if !slices.Equal(desk, []int64{inB.ID, inA.ID, inA.ID}) {
		t.Errorf("desk stream claims %v, want %v", desk, []int64{inB.ID, inA.ID, inA.ID})
	}
}

func TestStreamReplaysEveryEventAfterLastEventID(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "A", streamText)
	first := streamClaim(t, h, "rita", doc.ID)
	_, seen, err := h.st.EventWindow(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var missed []int64
	for range 3 {
		missed = append(missed, streamClaim(t, h, "rita", doc.ID).ID)
	}
	h.do("DELETE", fmt.Sprintf("/api/v1/claims/%d", first.ID), "ed", nil)

	s := openStream(t, h, fmt.Sprintf("/api/v1/documents/%d/events", doc.ID), http.DefaultClient, func(r *http.Request) {
		bearer(h.tokens["rita"])(r)
		r.Header.Set("Last-Event-ID", strconv.FormatInt(seen, 10))
	})
	later := streamClaim(t, h, "rita", doc.ID)
	var got []string
	last := seen
	for range 5 {
		e := s.next(t)
		if e.id <= last {
			t.Errorf("event id %d after %d", e.id, last)
		}
		last = e.id
		got = append(got, fmt.Sprintf("%s %d", e.name, e.desk(t).ClaimID))
	}
	want := []string{"claim.created " + fmt.Sprint(missed[0]), "claim.created " + fmt.Sprint(missed[1]),
		"claim.created " + fmt.Sprint(missed[2]), "claim.deleted " + fmt.Sprint(first.ID), "claim.created " + fmt.Sprint(later.ID)}
	if !slices.Equal(got, want) {
		t.Errorf("replay then live: %v, want %v", got, want)
	}
}

func TestStreamTooOldLastEventIDIsAReset(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "A", streamText)
	for range 3 {
		streamClaim(t, h, "rita", doc.ID)
	}
	if _, err := h.st.PruneEvents(context.Background(), time.Now().Add(-time.Hour), 1); err != nil {
		t.Fatal(err)
	}
	_, newest, _ := h.st.EventWindow(context.Background())
	for _, from := range []int64{1, newest + 10} { // pruned; from another database
		s := openStream(t, h, "/api/v1/events", http.DefaultClient, func(r *http.Request) {
			bearer(h.tokens["rita"])(r)
			r.Header.Set("Last-Event-ID", strconv.FormatInt(from, 10))
		})
		if e := s.next(t); e.name != citecheck.EventReset || e.id != newest {
			t.Errorf("Last-Event-ID %d: %+v, want a reset at %d", from, e, newest)
		}
	}
}

func TestStreamsAreBounded(t *testing.T) {
	h := newHarness(t, Config{MaxStreams: 1})
	openStream(t, h, "/api/v1/events", http.DefaultClient, bearer(h.tokens["rita"]))
	r := h.do("GET", "/api/v1/events", "ed", nil)
	if r.status != http.StatusServiceUnavailable || r.errorCode(t) != citecheck.ECodeTooManyStreams {
		t.Errorf("a stream beyond the bound: %d %s", r.status, r.body)
	}
}

func TestPresenceNamesWhoHasTheDocumentOpen(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "A", streamText)
	path := fmt.Sprintf("/api/v1/documents/%d/events", doc.ID)
	rita := openStream(t, h, path, http.DefaultClient, bearer(h.tokens["rita"]))
	ed := openStream(t, h, path, http.DefaultClient, bearer(h.tokens["ed"]))
	waitPresence(t, rita, "ed,rita")
	ed.close()
	waitPresence(t, rita, "rita")
}

// waitPresence reads presence events until one names exactly users (comma-separated).
func waitPresence(t *testing.T, s *sseStream, users string) {
	t.Helper()
	for e := range s.events {
		if e.name != citecheck.EventPresence {
			continue
		}
		var p struct{ Users []string }
		if err := json.Unmarshal([]byte(e.data), &p); err != nil {
			t.Fatal(err)
		}
		if strings.Join(p.Users, ",") == users {
			return
		}
	}
	t.Fatalf("the stream ended before presence %q", users)
}

func TestStreamPingsAndEndsWithItsSession(t *testing.T) {
	h := newHarness(t, Config{LiveHeartbeat: 20 * time.Millisecond})
	b := h.newBrowser()
	b.login("rita")
	s := openStream(t, h, "/api/v1/events", b.client, nil)
	for e := range s.events {
		if e.name == ":" && e.data == "ping" {
			break
		}
	}
	if r := b.postForm("/logout", url.Values{}, true); r.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.status)
	}
	s.ended() // the next heartbeat finds the session gone
}

func TestStreamEndsWhenItsTokenIsRevoked(t *testing.T) {
	h := newHarness(t, Config{LiveHeartbeat: 20 * time.Millisecond})
	s := openStream(t, h, "/api/v1/events", http.DefaultClient, bearer(h.tokens["rita"]))
	rita, _, err := h.st.UserByName(context.Background(), "rita")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.st.SetUserDisabled(context.Background(), rita.Name, true); err != nil {
		t.Fatal(err)
	}
	s.ended()
}

func TestStreamsEndOnShutdown(t *testing.T) {
	shutdown := make(chan struct{})
	h := newHarness(t, Config{Shutdown: shutdown})
	doc := h.createDocument("rita", "A", streamText)
	s := openStream(t, h, fmt.Sprintf("/api/v1/documents/%d/events", doc.ID), http.DefaultClient, bearer(h.tokens["rita"]))
	close(shutdown)
	s.ended()
}

func TestLiveFragmentShowsAClaimAsItIsNow(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "A", streamText)
	cl := streamClaim(t, h, "rita", doc.ID)
	b := h.newBrowser()
	b.login("ed")
	path := fmt.Sprintf("/documents/%d/live?claim=%d&blocks=0", doc.ID, cl.ID)
	r := b.get(path)
	body := string(r.body)
	if r.status != http.StatusOK || !strings.Contains(body, fmt.Sprintf(`id="claim-%d"`, cl.ID)) ||
		!strings.Contains(body, `class="blk"`) || !strings.Contains(body, `id="sources-panel"`) {
		t.Errorf("live fragment of a claim: %d %.400s", r.status, body)
	}
	if got := r.header.Get(pendingHeader); got != "1" {
		t.Errorf("an editor's live fragment says %q claims wait, want 1", got)
	}
	h.do("DELETE", fmt.Sprintf("/api/v1/claims/%d", cl.ID), "ed", nil)
	if r := b.get(path); r.status != http.StatusOK || !strings.Contains(string(r.body), fmt.Sprintf(`data-remove="claim-%d"`, cl.ID)) {
		t.Errorf("live fragment of a deleted claim: %d %.400s", r.status, r.body)
	}
	for _, bad := range []string{"?claim=x", fmt.Sprintf("?claim=%d&blocks=-1", cl.ID)} {
		r := b.get(fmt.Sprintf("/documents/%d/live%s", doc.ID, bad))
		if r.status != http.StatusBadRequest || r.errorCode(t) != citecheck.ECodeMalformed {
			t.Errorf("live fragment %s: %d %s", bad, r.status, r.body)
		}
	}
}

// TestStreamOutlivesTheServersWriteTimeout serves the router from an http.Server whose
// WriteTimeout is far shorter than the stream lasts: each write pushes the deadline on, so
// the stream goes on pinging.
func TestStreamOutlivesTheServersWriteTimeout(t *testing.T) {
	h := newHarness(t, Config{LiveHeartbeat: 20 * time.Millisecond})
	srv := httptest.NewUnstartedServer(h.echo)
	srv.Config.WriteTimeout = 100 * time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+h.tokens["rita"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	start := time.Now()
	pings := 0
	for sc.Scan() {
		if sc.Text() == ": ping" {
			pings++
		}
		if time.Since(start) > 5*srv.Config.WriteTimeout && pings > 0 {
			return
		}
	}
	t.Fatalf("the stream ended after %v and %d pings: %v", time.Since(start), pings, sc.Err())
}

// TestStreamFromAPageAheadOfTheHubSkipsWhatThePageShows opens a stream from an id that the
// database has but the hub has not handed out yet (a page rendered right after another
// process's write): no reset, nothing the page already reflects, and the next event.
func TestStreamFromAPageAheadOfTheHubSkipsWhatThePageShows(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "A", streamText)
	openStream(t, h, "/api/v1/events", http.DefaultClient, bearer(h.tokens["ed"])) // the hub runs

	other, err := store.Open(h.dbPath) // another process on the same file: the hub learns by polling
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	rita, _, err := other.UserByName(context.Background(), "rita")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.CreateClaim(context.Background(), &citecheck.Claim{DocumentID: doc.ID, Start: 0, End: 5,
		Quote: "Talks", Refs: []int{1}, CreatedByID: rita.ID}); err != nil {
		t.Fatal(err)
	}
	_, rendered, _ := h.st.EventWindow(context.Background())

	s := openStream(t, h, fmt.Sprintf("/api/v1/events?after=%d", rendered), http.DefaultClient, bearer(h.tokens["ed"]))
	next := streamClaim(t, h, "rita", doc.ID)
	if e := s.next(t); e.name != citecheck.EventClaimCreated || e.id <= rendered || e.desk(t).ClaimID != next.ID {
		t.Errorf("first event after the page: %+v, want claim.created of %d after id %d", e, next.ID, rendered)
	}
}

// TestReferenceChangesAndNewSourcesAreLive: a change to the reference list and a new source are
// announced on the document's stream, and the live fragment they fetch (?sources=1) brings the
// whole reference list, which the page may then add to and remove from, with the panel entries.
func TestReferenceChangesAndNewSourcesAreLive(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "list", withList)
	cl := h.claimAt("rita", doc.ID, withList, "Two sides met.", []int{2}, "supported")
	stream := openStream(t, h, fmt.Sprintf("/api/v1/documents/%d/events", doc.ID), http.DefaultClient, bearer(h.tokens["ed"]))
	refs := fmt.Sprintf("/api/v1/documents/%d/references", doc.ID)
	if r := h.do("POST", refs, "ralph", map[string]any{"number": 2, "text": "BBC"}); r.status != http.StatusCreated {
		t.Fatalf("add entry: %d %s", r.status, r.body)
	}
	if r := h.do("POST", refs+"/2/sources", "ralph", map[string]any{"text": "Two sides met on Monday."}); r.status != http.StatusCreated {
		t.Fatalf("paste source: %d %s", r.status, r.body)
	}
	for _, want := range []string{citecheck.EventReferencesChanged, citecheck.EventSourceAdded} {
		e := stream.next(t)
		if d := e.desk(t); e.name != want || d.DocumentID != doc.ID || d.By != "ralph" || d.ClaimID != 0 {
			t.Errorf("event %+v %+v, want %s by ralph", e, d, want)
		}
	}

	b := h.newBrowser()
	b.login("ed")
	r := b.get(fmt.Sprintf("/documents/%d/live?sources=1", doc.ID))
	body := string(r.body)
	if r.status != http.StatusOK || !strings.Contains(body, `id="sources-panel"`) || strings.Contains(body, "data-partial") {
		t.Fatalf("sources fragment: %d %.400s", r.status, body)
	}
	for _, id := range []string{`id="ref-1"`, `id="ref-2"`, `id="ref-3"`, fmt.Sprintf(`id="claim-%d"`, cl.ID), `id="assignment"`} {
		if !strings.Contains(body, id) {
			t.Errorf("sources fragment lacks %s", id)
		}
	}
	// A claim's own fragment, which changes the panel's lists, carries only the entries it
	// touched, and says so.
	r = b.get(fmt.Sprintf("/documents/%d/live?claim=%d", doc.ID, cl.ID))
	if body := string(r.body); !strings.Contains(body, "data-partial") || strings.Contains(body, `id="ref-3"`) {
		t.Errorf("a claim's live fragment: %.600s", body)
	}
}

// TestStreamHearsNothingOnceItsCredentialEnds: with a heartbeat far off, a stream whose session
// was signed out, or ended from another session (DELETE /api/v1/sessions/{id}), or whose token
// was revoked, ends at the next event instead of sending it.
func TestStreamHearsNothingOnceItsCredentialEnds(t *testing.T) {
	h := newHarness(t, Config{LiveHeartbeat: time.Hour})
	doc := h.createDocument("ed", "A", streamText)
	nothingMore := func(t *testing.T, s *sseStream) {
		t.Helper()
		streamClaim(t, h, "ed", doc.ID)
		for e := range s.events {
			if e.name != ":" && e.name != citecheck.EventPresence {
				t.Fatalf("a stream whose credential ended sent %s %s", e.name, e.data)
			}
		}
	}
	t.Run("signed out", func(t *testing.T) {
		b := h.newBrowser()
		b.login("rita")
		s := openStream(t, h, "/api/v1/events", b.client, nil)
		if r := b.postForm("/logout", url.Values{}, true); r.status != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.status)
		}
		nothingMore(t, s)
	})
	t.Run("ended from another session", func(t *testing.T) {
		watched, other := h.newBrowser(), h.newBrowser()
		watched.login("rita")
		other.login("rita")
		s := openStream(t, h, "/api/v1/events", watched.client, nil)
		var list struct{ Sessions []citecheck.Session }
		other.api("GET", "/api/v1/sessions", nil, false).json(t, &list)
		for _, sess := range list.Sessions {
			if !sess.Current {
				if r := other.api("DELETE", fmt.Sprintf("/api/v1/sessions/%d", sess.ID), nil, true); r.status != http.StatusNoContent {
					t.Fatalf("end session: %d %s", r.status, r.body)
				}
			}
		}
		nothingMore(t, s)
	})
	t.Run("token revoked", func(t *testing.T) {
		s := openStream(t, h, "/api/v1/events", http.DefaultClient, bearer(h.tokens["ralph"]))
		ralph, _, _ := h.st.UserByName(t.Context(), "ralph")
		tokens, err := h.st.Tokens(t.Context(), ralph.ID)
		if err != nil || len(tokens) == 0 {
			t.Fatalf("ralph's tokens: %v %v", tokens, err)
		}
		for _, tok := range tokens {
			if err := h.st.RevokeToken(t.Context(), ralph.ID, tok.ID); err != nil {
				t.Fatal(err)
			}
		}
		nothingMore(t, s)
	})
}
