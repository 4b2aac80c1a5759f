package handlers

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
)

const (
	sessionName   = "citecheck"
	keyUser       = "user"
	keySession    = "session"
	keyViaToken   = "via-token"
	csrfFormField = "csrf_token"
	csrfHeader    = "X-CSRF-Token"
)

// newCookieStore signs cookies with the session key and encrypts them with a key derived from
// it, so one stored secret serves both.
func newCookieStore(key []byte) *sessions.CookieStore {
	block := sha256.Sum256(append([]byte("citecheck cookie encryption:"), key...))
	cs := sessions.NewCookieStore(key, block[:])
	cs.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   14 * 24 * 3600,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
	return cs
}

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
		tok, _ := sess.Values["csrf"].(string)
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

// authenticate finds who is calling: a bearer token or a session cookie. It never refuses a
// request itself (the route groups do), except for a bearer token that is not valid.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
			tok, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				return citecheck.Errorf(citecheck.ECodeUnauthorized, "the Authorization header must be 'Bearer TOKEN'")
			}
			u, err := s.tokenUser(c, strings.TrimSpace(tok))
			if err != nil || u.Disabled {
				if err != nil && citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
					return err
				}
				return citecheck.Errorf(citecheck.ECodeUnauthorized, "the API token is not valid")
			}
			c.Set(keyUser, u)
			c.Set(keyViaToken, true)
			return next(c)
		}
		// A cookie that no longer decodes (a changed key, say) just starts a new session.
		sess, _ := s.sessions.Get(c.Request(), sessionName)
		c.Set(keySession, sess)
		if uid, ok := sess.Values["uid"].(int64); ok {
			u, err := s.store.UserByID(ctx, uid)
			sv, _ := sess.Values["sv"].(int)
			switch {
			case err == nil && !u.Disabled && u.SessionVersion == sv:
				c.Set(keyUser, u)
			case err != nil && citecheck.ErrorCode(err) != citecheck.ECodeNotFound:
				return err
			default:
				delete(sess.Values, "uid")
			}
		}
		if _, ok := sess.Values["csrf"].(string); !ok && c.Request().Method == http.MethodGet && !isAsset(c) {
			sess.Values["csrf"] = randomToken()
			if err := saveSession(c, sess); err != nil {
				return err
			}
		}
		return next(c)
	}
}

func isAsset(c echo.Context) bool {
	p := c.Request().URL.Path
	return strings.HasPrefix(p, "/assets/") || p == "/healthz"
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
			got = c.FormValue(csrfFormField)
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
	return s.render(c, http.StatusOK, loginView(s.page(c, "Sign in"), "", c.QueryParam("next")))
}

func (s *Server) login(c echo.Context) error {
	ctx := c.Request().Context()
	name := strings.TrimSpace(c.FormValue("username"))
	password := c.FormValue("password")
	keys := []string{"name:" + strings.ToLower(name), "ip:" + c.RealIP()}
	if wait := s.throttle.wait(keys...); wait > 0 {
		p := s.page(c, "Sign in")
		p.Error = fmt.Sprintf("Too many failed sign-ins. Try again in %d seconds.", int(wait.Seconds()+0.999))
		return s.render(c, http.StatusTooManyRequests, loginView(p, name, c.FormValue("next")))
	}
	u, hash, err := s.store.UserByName(ctx, name)
	if err != nil && citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		return err
	}
	if err != nil {
		hash = dummyHash
	}
	if !citecheck.CheckPassword(hash, password) || u == nil || u.Disabled {
		s.throttle.fail(keys...)
		p := s.page(c, "Sign in")
		p.Error = "Wrong name or password."
		return s.render(c, http.StatusUnauthorized, loginView(p, name, c.FormValue("next")))
	}
	s.throttle.succeed(keys[0])
	sess := currentSession(c)
	sess.Values["uid"] = u.ID
	sess.Values["sv"] = u.SessionVersion
	sess.Values["csrf"] = randomToken()
	if err := saveSession(c, sess); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next"), c.FormValue("next")))
}

// safeNext keeps redirects after sign-in on this site.
func safeNext(candidates ...string) string {
	for _, n := range candidates {
		if strings.HasPrefix(n, "/") && !strings.HasPrefix(n, "//") && !strings.HasPrefix(n, "/\\") {
			return n
		}
	}
	return "/"
}

func (s *Server) logout(c echo.Context) error {
	sess := currentSession(c)
	if sess != nil {
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
