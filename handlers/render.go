package handlers

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck/views"
)

// Session keys of the one-shot messages that a redirect carries to the next page.
const (
	keyFlash      = "flash"
	keyFlashError = "flash-error"
	keyFlashUndo  = "flash-undo"
)

// render writes a templ component as an HTML page with the given status. The page is rendered
// into a buffer first, as templ's own Echo integration does: a component that fails half-way
// has then written nothing, and its error can still become an error page with a 500.
func (s *Server) render(c echo.Context, status int, comp templ.Component) error {
	return renderHTML(c, status, comp)
}

// pageBuffers keeps the buffers pages are rendered into: a big document's page is several MB,
// and growing a new buffer to that size for every request allocated twice the page again.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledPage is the largest buffer kept for reuse, so one huge page does not stay in memory.
const maxPooledPage = 16 << 20

// renderHTML renders comp into memory and only then writes the status and the page.
func renderHTML(c echo.Context, status int, comp templ.Component) error {
	return renderHTMLWith(c, status, comp, nil)
}

// renderHTMLWith is renderHTML for a page that holds blocks of the document text, whose
// HTML and compressed segments it sends as they are (writePageWithBlocks).
func renderHTMLWith(c echo.Context, status int, comp templ.Component, blocks []views.Block) error {
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledPage {
			buf.Reset()
			pageBuffers.Put(buf)
		}
	}()
	buf.Reset()
	// A page of blocks is their HTML and some hundreds of KB more: grown once to that, not by
	// doubling from a pool that a GC has emptied (a 10 MB page allocated 20 MB so).
	n := 0
	for i := range blocks {
		n += len(blocks[i].HTML)
	}
	buf.Grow(n + 512<<10)
	if err := comp.Render(c.Request().Context(), buf); err != nil {
		return fmt.Errorf("render page: %w", err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if len(blocks) > 0 {
		return writePageWithBlocks(c, status, buf.Bytes(), blocks)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// page is the shared frame of every page: who is signed in, the CSRF token for forms, the
// header's links (with the pending count for editors and admins) and any message left by the
// redirect that led here.
func (s *Server) page(c echo.Context, title string) views.Page {
	u := currentUser(c)
	p := views.Page{Title: title, User: u, CSRF: csrfToken(c)}
	p.Live, _ = c.Get(keyLive).(string)
	if u != nil && u.Role.CanReview() {
		p.Nav.ShowReview = true
		n, err := s.store.CountPending(c.Request().Context())
		if err != nil {
			s.log.Error("count pending claims", "err", err)
		}
		p.Nav.Pending = n
	}
	if u != nil && u.Role.CanManageUsers() {
		p.Nav.ShowUsers = true
	}
	if sess := currentSession(c); sess != nil {
		p.Undo, _ = sess.Values[keyFlashUndo].(string)
		delete(sess.Values, keyFlashUndo) // saved with the flash it goes with, just below
	}
	p.Flash, p.Error = s.takeFlash(c)
	return p
}

// setFlash leaves a message for the next page the session loads: an error when isError.
func setFlash(c echo.Context, msg string, isError bool) error {
	sess := currentSession(c)
	if sess == nil {
		return nil
	}
	key := keyFlash
	if isError {
		key = keyFlashError
	}
	sess.Values[key] = msg
	return saveSession(c, sess)
}

// takeFlash removes and returns the messages that a redirect left in the session.
func (s *Server) takeFlash(c echo.Context) (flash, errMsg string) {
	sess := currentSession(c)
	if sess == nil {
		return "", ""
	}
	flash, _ = sess.Values[keyFlash].(string)
	errMsg, _ = sess.Values[keyFlashError].(string)
	if flash == "" && errMsg == "" {
		return "", ""
	}
	delete(sess.Values, keyFlash)
	delete(sess.Values, keyFlashError)
	if err := saveSession(c, sess); err != nil {
		s.log.Error("save session", "err", err)
	}
	return flash, errMsg
}

// redirectWithFlash sends the browser to a local page that will show msg.
func redirectWithFlash(c echo.Context, to, msg string, isError bool) error {
	if err := setFlash(c, msg, isError); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// redirectWithUndo is redirectWithFlash with an Undo button beside the message, which posts to
// the local address undo (a restore from the trash).
func redirectWithUndo(c echo.Context, to, msg, undo string) error {
	if sess := currentSession(c); sess != nil {
		sess.Values[keyFlashUndo] = localBack(undo, "")
	}
	return redirectWithFlash(c, to, msg, false)
}

// renderError shows an error page. If even that page cannot be rendered, the answer is a
// plain-text 500, never an empty body.
func (s *Server) renderError(c echo.Context, status int, detail errorDetail) {
	page := views.ErrorPage(s.page(c, http.StatusText(status)), views.ErrorView{
		Status: status, Code: detail.Code, Message: detail.Message, Back: refererBack(c)})
	err := renderHTML(c, status, page)
	if err == nil {
		return
	}
	s.log.Error("render error page", "path", c.Request().URL.Path, "status", status, "err", err)
	if !c.Response().Committed {
		_ = c.String(http.StatusInternalServerError, "500 Internal Server Error: the error page could not be shown. Go back to / and try again.")
	}
}

// refererBack is the local address of the page the reader came from (the Referer of this site,
// which the same-origin referrer policy sends), or "" when there is none or it is this page.
func refererBack(c echo.Context) string {
	ref, err := url.Parse(c.Request().Referer())
	req := c.Request()
	if err != nil || ref.Host != req.Host || ref.Path == "" {
		return ""
	}
	back := localBack(ref.RequestURI(), "")
	if back == req.URL.RequestURI() {
		return ""
	}
	return back
}

func loginView(p views.Page, username, next string) templ.Component {
	return views.LoginPage(p, username, next)
}
