// Package handlers is citecheck's HTTP layer: Echo routes, sessions, CSRF, authentication,
// request decoding, and the choice between a templ view and JSON.
package handlers

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/desk"
	"github.com/citecheck/citecheck/fetch"
	"github.com/citecheck/citecheck/store"
)

// Config holds what the HTTP layer needs to know beyond the store.
type Config struct {
	// MaxTextBytes is the largest document text accepted, in UTF-8 bytes.
	MaxTextBytes int
	// SessionKey signs the session id in the cookie; it must survive restarts.
	SessionKey []byte
	// SessionIdle ends a session unused for this long (default 12 h).
	SessionIdle time.Duration
	// SessionMaxAge ends a session this long after sign-in however busy it is (default 14 days).
	SessionMaxAge time.Duration
	// Logger receives one line per request.
	Logger *slog.Logger
	// Organization names the publisher of ClaimReview exports (the author of every review);
	// empty means the host name the request came to.
	Organization string
	// PublicURL is the base URL under which readers reach the server, such as
	// "https://factcheck.example.org", for the links of ClaimReview exports; empty means the
	// scheme and host of the request.
	PublicURL string
	// RequestTimeout bounds the work of one request (default 30 s).
	RequestTimeout time.Duration

	// TrashKeep is how long a deleted document or claim stays restorable in the trash (default
	// citecheck.DefaultTrashRetention); the trash page and API show each item's purge time.
	TrashKeep time.Duration
	// LiveHeartbeat is how often an idle live stream sends a ping comment and checks that its
	// session or token still holds (default 15 s).
	LiveHeartbeat time.Duration
	// MaxStreams bounds the live streams open at once (default 500); one more is refused with 503.
	MaxStreams int
	// LivePoll is how often the live hub looks for events that no commit of this server and no
	// PostgreSQL notification announced (default 2s).
	LivePoll time.Duration
	// Shutdown, when closed, ends every live stream, so that a graceful shutdown does not wait
	// for them; nil never does.
	Shutdown <-chan struct{}

	// Fetch says whether and how the server fetches sources from their URLs; the zero value
	// never fetches.
	Fetch fetch.Config
}

// defaultRequestTimeout bounds the work of one request.
const defaultRequestTimeout = 30 * time.Second

// Server holds the dependencies of every handler.
type Server struct {
	store    *store.Store
	cfg      Config
	sessions *sessionStore
	docs     *documentCache
	log      *slog.Logger
	fetcher  *fetch.Fetcher
	uncited  *uncitedCache
	states   *docStateCache
	bigSlots chan struct{}
	hub      *hub
}

// maxBodyBytes bounds a request body: room for a text at the limit, JSON-escaped, plus the
// rest of the request; the largest native export (desk.MaxImportBytes), so that a file the
// command line imports can be posted too.
func (cfg Config) maxBodyBytes() int64 {
	return desk.MaxImportBytes(cfg.MaxTextBytes)
}

// New builds the router with every route and middleware wired.
func New(st *store.Store, cfg Config) (*echo.Echo, error) {
	if cfg.MaxTextBytes <= 0 {
		cfg.MaxTextBytes = citecheck.DefaultMaxTextBytes
	}
	if len(cfg.SessionKey) < 32 {
		return nil, fmt.Errorf("handlers: session key must be at least 32 bytes")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = defaultRequestTimeout
	}
	if cfg.TrashKeep <= 0 {
		cfg.TrashKeep = citecheck.DefaultTrashRetention
	}
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = defaultSessionIdle
	}
	if cfg.LiveHeartbeat <= 0 {
		cfg.LiveHeartbeat = defaultHeartbeat
	}
	if cfg.SessionMaxAge <= 0 {
		cfg.SessionMaxAge = defaultSessionMax
	}
	// The sign-in throttle and the sessions list key on the peer address; forwarded headers are
	// not trusted by default.
	clientIP := echo.ExtractIPDirect()
	s := &Server{
		store:    st,
		cfg:      cfg,
		sessions: newSessionStore(st, cfg.SessionKey, cfg.SessionIdle, cfg.SessionMaxAge, clientIP),
		docs:     newDocumentCache(32),
		log:      cfg.Logger,
		fetcher:  fetch.New(cfg.Fetch),
		uncited:  newUncitedCache(),
		states:   newDocStateCache(8),
		bigSlots: make(chan struct{}, bigWorkSlots()),
		hub:      newHub(st, cfg.Logger, cfg.MaxStreams, cfg.LivePoll),
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = clientIP
	e.Use(middleware.RequestID())
	e.Use(s.logRequests)
	e.Use(middleware.Recover())
	e.Use(compression())
	// A request that takes too long is cancelled, not left queued: its context ends, and every
	// store call made with it gives up.
	// A live stream is meant to last: it ends with its client, its credential or the server.
	e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: cfg.RequestTimeout,
		Skipper: isEventStream}))
	e.Use(middleware.BodyLimit(fmt.Sprintf("%dB", cfg.maxBodyBytes())))
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		ReferrerPolicy:        "same-origin",
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'",
	}))
	e.Use(s.authenticate)
	e.Use(s.checkCSRF)
	s.routes(e)
	return e, nil
}

func (s *Server) routes(e *echo.Echo) {
	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	e.GET("/assets/*", s.serveAsset)
	e.GET("/login", s.loginPage)
	e.POST("/login", s.login)
	e.POST("/logout", s.logout)

	pages := e.Group("", s.requirePageUser)
	pages.GET("/", s.documentsPage, s.followLive)
	pages.POST("/documents", s.createDocumentPage)
	pages.POST("/import", s.importPage)
	pages.GET(documentPagePath, s.documentPage, s.followLive)
	pages.GET("/documents/:id/panel", s.panelFragment)
	pages.GET("/documents/:id/live", s.liveFragment)
	pages.GET("/documents/:id/blocks", s.blocksFragment)
	pages.POST("/documents/:id/delete", s.deleteDocumentPage)
	pages.POST("/documents/:id/claims", s.createClaimPage)
	pages.POST("/documents/:id/markers/claim", s.claimSentenceBeforePage)
	pages.POST("/documents/:id/references", s.addReferencePage)
	pages.POST("/documents/:id/references/:number", s.editReferencePage)
	pages.POST("/documents/:id/references/:number/delete", s.removeReferencePage)
	pages.GET("/documents/:id/suggestions", s.suggestionsPage)
	pages.POST("/documents/:id/suggestions/accept", s.acceptSuggestionsPage)
	pages.POST("/documents/:id/suggestions/dismiss", s.dismissSuggestionsPage)
	pages.POST("/documents/:id/suggestions/restore", s.restoreSuggestionsPage)
	pages.POST("/documents/:id/revisions", s.createRevisionPage)
	pages.GET("/documents/:id/revisions/:n", s.revisionPage)
	// Sources and evidence.
	pages.POST("/documents/:id/sources", s.createSourcePage)
	pages.POST("/documents/:id/uncited/claim", s.claimUncitedPage)
	pages.GET("/sources/:id", s.sourcePage)
	// The evidence pane beside the document (issue 14): the pane as a fragment, and its form.
	pages.GET("/claims/:id/evidence", s.splitPane)
	pages.POST("/claims/:id/evidence", s.addEvidencePage)
	pages.POST("/evidence/:id/delete", s.removeEvidencePage)
	pages.GET("/claims/:id", s.claimPage, s.followLive)
	pages.POST("/claims/:id", s.updateClaimPage)
	pages.POST("/claims/:id/delete", s.deleteClaimPage)
	pages.POST("/claims/:id/accept-candidate", s.acceptCandidatePage)
	pages.POST("/claims/:id/review", s.reviewClaimPage)
	pages.GET("/review", s.reviewPage, s.followLive)
	// The review loop and the printable report (issue 13, items 9 and 10).
	pages.GET("/my/rejected", s.myRejectedPage)
	pages.GET("/documents/:id/report", s.reportPage)
	// The live desk (issue 16): the discussion under a claim.
	pages.POST("/claims/:id/comments", s.createCommentPage)
	// Assignments and states.
	pages.POST("/documents/:id/assignment", s.assignPage)
	pages.POST("/documents/:id/assignment/delete", s.unassignPage)
	pages.GET("/my", s.myWorkPage, s.followLive)
	pages.GET("/account", s.accountPage)
	pages.POST("/account/password", s.changePasswordPage)
	pages.POST("/account/tokens", s.createTokenPage)
	pages.POST("/account/tokens/:id/revoke", s.revokeTokenPage)
	pages.POST("/account/sessions/:id/end", s.endSessionPage)
	pages.POST("/account/sessions/end-all", s.endAllSessionsPage)
	pages.GET("/admin/users", s.usersPage)
	pages.POST("/admin/users", s.createUserPage)
	pages.POST("/admin/users/:id/role", s.setUserRolePage)
	pages.POST("/admin/users/:id/disabled", s.setUserDisabledPage)
	pages.POST("/admin/users/:id/password", s.resetUserPasswordPage)
	// The trash (issue 13).
	pages.GET("/trash", s.trashPage)
	pages.POST("/claims/:id/restore", s.restoreClaimPage)
	pages.POST("/documents/:id/restore", s.restoreDocumentPage)

	api := e.Group("/api/v1", s.requireAPIUser, privateAnswers)
	// Behind sign-in like the rest of the API: the contract opens only /login, /healthz and assets.
	api.GET("/openapi.json", s.openAPI)
	api.GET("/documents", s.listDocuments)
	api.POST("/documents", s.createDocument)
	api.GET("/documents/:id", s.getDocument)
	api.DELETE("/documents/:id", s.deleteDocument)
	api.GET("/documents/:id/claims", s.listClaims)
	api.POST("/documents/:id/claims", s.createClaim)
	api.GET("/documents/:id/suggest", s.suggestRefs)
	api.GET("/documents/:id/check", s.checkDocument)
	api.GET("/documents/:id/export", s.exportDocument)
	api.POST("/documents/:id/import", s.importAnnotations)
	api.POST("/import", s.importDocument)
	api.POST("/documents/:id/references", s.addReference)
	api.PUT("/documents/:id/references/:number", s.editReference)
	api.DELETE("/documents/:id/references/:number", s.removeReference)
	api.GET("/documents/:id/sentences", s.listSuggestions)
	api.POST("/documents/:id/sentences/dismiss", s.dismissSuggestions)
	api.GET("/documents/:id/sentences/dismissed", s.listDismissedSuggestions)
	api.POST("/documents/:id/sentences/restore", s.restoreSuggestions)
	api.GET("/documents/:id/revisions", s.listRevisions)
	api.POST("/documents/:id/revisions", s.createRevision)
	api.GET("/documents/:id/revisions/:n", s.getRevision)
	api.GET("/claims/:id", s.getClaim)
	api.PATCH("/claims/:id", s.updateClaim)
	api.DELETE("/claims/:id", s.deleteClaim)
	api.POST("/claims/:id/review", s.reviewClaim)
	api.GET("/claims/:id/history", s.claimHistory)
	api.GET("/claims/:id/candidates", s.claimCandidates)
	api.GET("/sessions", s.listSessions)
	api.DELETE("/sessions/:id", s.deleteSession)
	// Sources and evidence.
	api.GET("/documents/:id/sources", s.listSources)
	api.POST("/documents/:id/references/:number/sources", s.createSource)
	api.GET("/sources/:id", s.getSource)
	api.POST("/claims/:id/evidence", s.addEvidence)
	api.DELETE("/evidence/:id", s.removeEvidence)
	// The trash (issue 13): deleting moves to it; these bring things back.
	api.GET("/trash", s.listTrash)
	api.POST("/claims/:id/restore", s.restoreClaim)
	api.POST("/documents/:id/restore", s.restoreDocument)
	// Live updates (server-sent events).
	api.GET("/events", s.deskEvents)
	api.GET("/documents/:id/events", s.documentEvents)
	// Search over the desk: the page and the API read the same query (handlers/search.go).
	pages.GET("/search", s.searchPage)
	api.GET("/search", s.search)
	// The live desk (issue 16): the discussion under a claim.
	api.GET("/claims/:id/comments", s.listComments)
	api.POST("/claims/:id/comments", s.createComment)
	// Assignments and states.
	api.PUT("/documents/:id/assignment", s.putAssignment)
	api.DELETE("/documents/:id/assignment", s.deleteAssignment)
	api.GET("/me/work", s.getMyWork)
	api.POST("/me/comments/seen", s.markCommentsSeen)
}

// logRequests writes one line per request with its id, status and duration.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		s.log.Info("request",
			"id", c.Response().Header().Get(echo.HeaderXRequestID),
			"method", c.Request().Method,
			"path", c.Request().URL.Path,
			"status", c.Response().Status,
			"duration", time.Since(start).Round(time.Microsecond).String())
		return nil
	}
}

// privateAnswers marks the API's answers as one user's, to be checked with the server before
// each use (an export's ETag makes that a 304): no shared cache keeps a document or a claim, and
// no browser shows one that has changed. An answer that says otherwise (a live stream) keeps its
// own.
func privateAnswers(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "private, no-cache")
		return next(c)
	}
}
