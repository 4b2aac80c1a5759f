package handlers

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
)

const (
	// defaultSessionIdle ends a session nobody has used for this long.
	defaultSessionIdle = 12 * time.Hour
	// defaultSessionMax ends a session this long after sign-in, however busy it is.
	defaultSessionMax = 14 * 24 * time.Hour
	// sessionUsedEvery bounds how often a session's last use is written, as tokenUsedEvery does
	// for tokens: reads stay reads, and idle expiry is exact to the minute.
	sessionUsedEvery = time.Minute
	// sessionPruneEvery bounds how often ended sessions' rows are deleted.
	sessionPruneEvery = time.Minute
	// maxUserAgent bounds the stored User-Agent, which the client chooses.
	maxUserAgent = 512
)

// sessionStore is a gorilla/sessions Store that keeps sessions in the database. The cookie holds
// only a random id, signed with the session key so that a forged one is refused before any
// query; the database holds the id's SHA-256, the values, the owner, and the times that end
// the session. Ending a session is deleting its row, so a copied cookie stops working at once.
//
// A loaded session whose row has gone (signed out elsewhere, a password change) is saved as a
// new visitor's session: only signIn gives a session a signed-in owner, and always under a new
// id, so no id chosen before sign-in ever becomes a signed-in one.
type sessionStore struct {
	st       *store.Store
	codec    *securecookie.SecureCookie
	options  sessions.Options
	idle     time.Duration
	max      time.Duration
	clientIP func(*http.Request) string

	mu        sync.Mutex
	lastPrune time.Time
}

func newSessionStore(st *store.Store, key []byte, idle, max time.Duration, clientIP func(*http.Request) string) *sessionStore {
	codec := securecookie.New(key, nil)
	codec.MaxAge(int(max.Seconds()))
	return &sessionStore{
		st:    st,
		codec: codec,
		options: sessions.Options{
			Path:     "/",
			MaxAge:   int(max.Seconds()),
			HttpOnly: true,
			SameSite: http.SameSiteLaxMode,
		},
		idle:     idle,
		max:      max,
		clientIP: clientIP,
	}
}

// Get returns the request's session, loading it once per request.
func (ss *sessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(ss, name)
}

// New loads the session the request's cookie names, or starts an empty one when there is no
// cookie, or it is forged, or its session has ended. Only a database failure is an error.
func (ss *sessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(ss, name)
	opts := ss.options
	sess.Options = &opts
	sess.IsNew = true
	cookie, err := r.Cookie(name)
	if err != nil {
		return sess, nil
	}
	var id string
	if err := ss.codec.Decode(name, cookie.Value, &id); err != nil {
		return sess, nil
	}
	hash := citecheck.HashToken(id)
	stored, err := ss.st.SessionByHash(r.Context(), hash, ss.idle)
	if citecheck.ErrorCode(err) == citecheck.ECodeNotFound {
		return sess, nil
	}
	if err != nil {
		return sess, err
	}
	values, err := decodeSessionValues(stored.Data)
	if err != nil {
		return sess, nil // values written by an older version: start afresh
	}
	// The row, not the values, says who is signed in.
	delete(values, keyUID)
	if stored.UserID != 0 {
		values[keyUID] = stored.UserID
	}
	sess.ID, sess.Values, sess.IsNew = id, values, false
	if now := ss.st.Now(); now.Sub(stored.LastUsedAt) >= sessionUsedEvery {
		if err := ss.st.TouchSession(r.Context(), hash, now, userAgent(r), ss.clientIP(r)); err != nil {
			return sess, err
		}
	}
	return sess, nil
}

// Save writes the session's values. A session with Options.MaxAge < 0 is ended: its row is
// deleted and the cookie cleared. A session without an id gets a new row and a new cookie.
func (ss *sessionStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	ctx := r.Context()
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := ss.st.DeleteSession(ctx, citecheck.HashToken(sess.ID)); err != nil {
				return err
			}
		}
		sess.ID = ""
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	}
	if sess.ID != "" {
		data, err := encodeSessionValues(sess.Values)
		if err != nil {
			return err
		}
		uid, _ := sess.Values[keyUID].(int64)
		hash := citecheck.HashToken(sess.ID)
		err = ss.st.SaveSessionData(ctx, hash, uid, data)
		if citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
			return err
		}
		// The session ended while this request ran, or its owner changed without signIn:
		// carry on as a visitor under a new id.
		if err := ss.st.DeleteSession(ctx, hash); err != nil {
			return err
		}
		delete(sess.Values, keyUID)
		sess.ID = ""
	}
	return ss.create(r, w, sess)
}

// create gives the session a new random id, a row and a cookie.
func (ss *sessionStore) create(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	data, err := encodeSessionValues(sess.Values)
	if err != nil {
		return err
	}
	uid, _ := sess.Values[keyUID].(int64)
	id := randomToken()
	encoded, err := ss.codec.Encode(sess.Name(), id)
	if err != nil {
		return fmt.Errorf("session cookie: %w", err)
	}
	_, err = ss.st.CreateSession(r.Context(), store.NewSession{TokenHash: citecheck.HashToken(id), UserID: uid,
		Data: data, UserAgent: userAgent(r), Address: ss.clientIP(r), MaxAge: ss.max,
		KeepVisitors: citecheck.MaxVisitorSessionsPerAddress})
	if err != nil {
		return err
	}
	sess.ID, sess.IsNew = id, false
	http.SetCookie(w, sessions.NewCookie(sess.Name(), encoded, sess.Options))
	return ss.pruneNowAndThen(r)
}

// pruneNowAndThen deletes the rows of ended sessions at most once a minute, when a new session
// starts, so that the table does not grow with visitors who never come back.
func (ss *sessionStore) pruneNowAndThen(r *http.Request) error {
	now := ss.st.Now()
	ss.mu.Lock()
	due := now.Sub(ss.lastPrune) >= sessionPruneEvery
	if due {
		ss.lastPrune = now
	}
	ss.mu.Unlock()
	if !due {
		return nil
	}
	_, err := ss.st.PruneSessions(r.Context(), ss.idle)
	return err
}

// userAgent is the request's User-Agent, cut to a bounded length.
func userAgent(r *http.Request) string {
	ua := r.UserAgent()
	if len(ua) > maxUserAgent {
		ua = strings.ToValidUTF8(ua[:maxUserAgent], "")
	}
	return ua
}

func encodeSessionValues(values map[any]any) ([]byte, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(values); err != nil {
		return nil, fmt.Errorf("encode session: %w", err)
	}
	return buf.Bytes(), nil
}

func decodeSessionValues(data []byte) (map[any]any, error) {
	values := map[any]any{}
	if len(data) == 0 {
		return values, nil
	}
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&values); err != nil {
		return nil, fmt.Errorf("decode session: %w", err)
	}
	return values, nil
}
