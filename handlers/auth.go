package handlers

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
)

const (
	sessionName   = "citecheck"
	keyUser       = "user"
	keySession    = "session"
	keyViaToken   = "via-token"
	keyUID        = "uid"
	keyCSRF       = "csrf"
	csrfFormField = "csrf_token"
	csrfHeader    = "X-CSRF-Token"
)

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// currentUser is the signed-in user of the request, or nil.
func currentUser(c echo.Context) *citecheck.User {
	u, _ := c.Get(keyUser).(*citecheck.User)
	return u
}

func currentSession(c echo.Context) *sessions.Session {
	sess, _ := c.Get(keySession).(*sessions.Session)
	return sess
}

// csrfToken is the CSRF token of the request's session.
func csrfToken(c echo.Context) string {
	if sess := currentSession(c); sess != nil {
		tok, _ := sess.Values[keyCSRF].(string)
		return tok
	}
	return ""
}

// saveSession writes the session cookie, Secure when the request came over TLS (directly or
// through a proxy that says so).
func saveSession(c echo.Context, sess *sessions.Session) error {
	sess.Options.Secure = c.Scheme() == "https"
	return sess.Save(c.Request(), c.Response())
}

// routeAccess says which credentials a route reads.
type routeAccess int

const (
	// accessFull routes read a bearer token or, without one, the session.
	accessFull routeAccess = iota
	// accessOpen routes answer everyone alike and read no credential at all, so that a bad token
	// or a stale cookie never changes their answer.
	accessOpen
	// accessSession routes are the sign-in and sign-out forms: only the browser session counts,
	// and an Authorization header is ignored.
	accessSession
)

// routeAccessOf maps the route pattern Echo matched to what it reads.
func routeAccessOf(path string) routeAccess {
	switch path {
	case "/healthz", "/assets/*":
		return accessOpen
	case "/login", "/logout":
		return accessSession
	}
	return accessFull
}

// authenticate finds who is calling: a bearer token or a session cookie. It never refuses a
// request itself (the route groups do), except for a bearer token that is not valid on a route
// that reads one.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		access := routeAccessOf(c.Path())
		if access == accessOpen {
			return next(c)
		}
		if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" && access == accessFull {
			u, err := s.bearerUser(c, h)
			if err != nil {
				return err
			}
			c.Set(keyUser, u)
			c.Set(keyViaToken, true)
			return next(c)
		}
		if err := s.sessionUser(c); err != nil {
			return err
		}
		return next(c)
	}
}

// bearerUser is the enabled owner of the token in an Authorization header; anything else is 401.
func (s *Server) bearerUser(c echo.Context, header string) (*citecheck.User, error) {
	tok, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		return nil, citecheck.Errorf(citecheck.ECodeUnauthorized, "the Authorization header must be 'Bearer TOKEN'")
	}
	u, err := s.tokenUser(c, strings.TrimSpace(tok))
	if err != nil && citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		return nil, err
	}
	if err != nil || u.Disabled {
		return nil, citecheck.Errorf(citecheck.ECodeUnauthorized, "the API token is not valid")
	}
	return u, nil
}

// sessionUser loads the request's session and its signed-in user, if any, and gives a session
// that has no CSRF token yet one on the first page it loads (not on an API call: a visitor's
// script has no use for one, and each would cost a row). A session whose user is gone or
// disabled is ended.
func (s *Server) sessionUser(c echo.Context) error {
	sess, err := s.sessions.Get(c.Request(), sessionName)
	if err != nil {
		return err
	}
	c.Set(keySession, sess)
	if uid, ok := sess.Values[keyUID].(int64); ok {
		u, err := s.store.UserByID(c.Request().Context(), uid)
		switch {
		case err == nil && !u.Disabled:
			c.Set(keyUser, u)
		case err != nil && citecheck.ErrorCode(err) != citecheck.ECodeNotFound:
			return err
		default:
			if err := s.endSession(c, sess); err != nil {
				return err
			}
		}
	}
	if _, ok := sess.Values[keyCSRF].(string); !ok && c.Request().Method == http.MethodGet && !strings.HasPrefix(c.Path(), "/api/") {
		sess.Values[keyCSRF] = randomToken()
		if err := saveSession(c, sess); err != nil {
			return err
		}
	}
	return nil
}

// signIn starts a new session for u: the old session's row is deleted and the new one gets a
// new id and a new CSRF token, so that an id planted before sign-in (session fixation) gains
// nothing.
func (s *Server) signIn(c echo.Context, sess *sessions.Session, u *citecheck.User) error {
	sess.Values = map[any]any{keyUID: u.ID, keyCSRF: randomToken()}
	return s.renewSession(c, sess)
}

// renewSession moves the session's values to a new id: the old row is deleted, and only the
// new id, in a new cookie, is signed in.
func (s *Server) renewSession(c echo.Context, sess *sessions.Session) error {
	if sess.ID != "" {
		if err := s.store.DeleteSession(c.Request().Context(), citecheck.HashToken(sess.ID)); err != nil {
			return err
		}
	}
	sess.ID = ""
	return saveSession(c, sess)
}

// endSession deletes the session's row and leaves the request an empty visitor's session that
// is saved, under a new id, only if something is put into it.
func (s *Server) endSession(c echo.Context, sess *sessions.Session) error {
	if sess.ID != "" {
		if err := s.store.DeleteSession(c.Request().Context(), citecheck.HashToken(sess.ID)); err != nil {
			return err
		}
	}
	sess.ID = ""
	sess.Values = map[any]any{}
	c.Set(keyUser, nil)
	return nil
}

// currentSessionHash is the stored hash of the request's session id, or "" without one.
func currentSessionHash(c echo.Context) string {
	if sess := currentSession(c); sess != nil && sess.ID != "" {
		return citecheck.HashToken(sess.ID)
	}
	return ""
}

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// checkCSRF refuses an unsafe request made with a session cookie unless it carries the
// session's CSRF token, in the X-CSRF-Token header or the csrf_token form field. Requests with
// a bearer token carry no ambient credential and need none.
func (s *Server) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if isSafeMethod(c.Request().Method) || c.Get(keyViaToken) != nil {
			return next(c)
		}
		// Without a signed-in user nothing can change, and the route answers 401 or sends
		// the visitor to sign in; only the sign-in form itself is guarded against login CSRF.
		if currentUser(c) == nil && c.Request().URL.Path != "/login" {
			return next(c)
		}
		want := csrfToken(c)
		got := c.Request().Header.Get(csrfHeader)
		if got == "" {
			// From a form's body only: a token in the URL would end up in logs and Referer headers.
			got = c.Request().PostFormValue(csrfFormField)
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
			return citecheck.Errorf(codeCSRF, "missing or wrong CSRF token; reload the page and try again")
		}
		return next(c)
	}
}

// requirePageUser sends visitors who are not signed in to the sign-in page.
func (s *Server) requirePageUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentUser(c) == nil {
			target := "/login?next=" + url.QueryEscape(c.Request().URL.RequestURI())
			return c.Redirect(http.StatusSeeOther, target)
		}
		return next(c)
	}
}

// requireAPIUser answers 401 to API calls without a session or token.
func (s *Server) requireAPIUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentUser(c) == nil {
			return citecheck.Errorf(citecheck.ECodeUnauthorized, "sign in or send 'Authorization: Bearer TOKEN'")
		}
		return next(c)
	}
}

// dummyHash makes a sign-in with an unknown name cost as much as one with a wrong password,
// so timing does not tell which names exist.
var dummyHash, _ = citecheck.HashPassword("citecheck-dummy-password")

func (s *Server) loginPage(c echo.Context) error {
	if currentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return s.render(c, http.StatusOK, loginView(s.page(c, "Sign in"), "", formNext(c)))
}

// formNext is the page to return to after sign-in, as the sign-in form carries it on: "" when
// none was asked for, and never a target off this site.
func formNext(c echo.Context) string {
	if next := c.FormValue("next"); next != "" {
		return signInTarget(next)
	}
	return ""
}

func (s *Server) login(c echo.Context) error {
	ctx := c.Request().Context()
	name := strings.TrimSpace(c.FormValue("username"))
	password := c.FormValue("password")
	keys := signInKeys(name, c.RealIP())
	wait, err := s.store.ThrottleWait(ctx, keys...)
	if err != nil {
		return err
	}
	if wait > 0 {
		p := s.page(c, "Sign in")
		p.Error = tryAgainIn("failed sign-ins", wait)
		return s.render(c, http.StatusTooManyRequests, loginView(p, name, formNext(c)))
	}
	u, hash, err := s.store.UserByName(ctx, name)
	if err != nil && citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		return err
	}
	if err != nil {
		hash = dummyHash
	}
	if !citecheck.CheckPassword(hash, password) || u == nil || u.Disabled {
		if err := s.store.RecordFailure(ctx, keys...); err != nil {
			return err
		}
		p := s.page(c, "Sign in")
		p.Error = "Wrong name or password."
		return s.render(c, http.StatusUnauthorized, loginView(p, name, formNext(c)))
	}
	if err := s.store.ForgetFailures(ctx, keys[0]); err != nil {
		return err
	}
	if err := s.signIn(c, currentSession(c), u); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, signInTarget(c.FormValue("next")))
}

// signInTarget decides where a sign-in sends the browser: next if, read the way a browser reads
// a Location header, it stays on this site; "/" otherwise. Browsers drop tabs and newlines
// anywhere, trim control characters and spaces at the ends, and take a backslash for a slash,
// so the tab in "/<TAB>/evil.example" and the backslash in "/\evil.example" both make it
// "//evil.example", another site. The
// target is checked in that reading and returned re-encoded, so the header says exactly what
// was checked.
func signInTarget(next string) string {
	read := strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r':
			return -1
		case '\\':
			return '/'
		}
		return r
	}, next)
	read = strings.TrimFunc(read, func(r rune) bool { return r <= ' ' })
	if !isLocalPath(read) || strings.ContainsFunc(read, unicode.IsControl) {
		return "/"
	}
	u, err := url.Parse(read)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	if out := u.String(); isLocalPath(out) {
		return out
	}
	return "/"
}

// isLocalPath holds for a path on this site: one leading slash, not two ("//host" is another site).
func isLocalPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//")
}

// logout ends the session at once: its row is deleted, so a copy of the cookie is worth nothing.
func (s *Server) logout(c echo.Context) error {
	if sess := currentSession(c); sess != nil {
		sess.Values = map[any]any{}
		sess.Options.MaxAge = -1
		if err := saveSession(c, sess); err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}

// tokenUsedEvery bounds how often a token's last use is written: once a minute is exact enough
// for "last used" and keeps reads from turning into writes.
const tokenUsedEvery = time.Minute

// tokenUser is the owner of a bearer token, noting when the token was last used.
func (s *Server) tokenUser(c echo.Context, tok string) (*citecheck.User, error) {
	ctx := c.Request().Context()
	t, err := s.store.TokenByHash(ctx, citecheck.HashToken(tok))
	if err != nil {
		return nil, err
	}
	now := s.store.Now()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > tokenUsedEvery {
		if err := s.store.TouchToken(ctx, t.ID, now); err != nil {
			return nil, err
		}
	}
	return s.store.UserByID(ctx, t.UserID)
}
