package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/citecheck/citecheck"
)

// The defaults of Config: a page of a few megabytes, fetched in seconds, through a few redirects.
const (
	DefaultMaxBytes     = 5 << 20
	DefaultTimeout      = 15 * time.Second
	DefaultMaxRedirects = 5
)

// Config is how the server fetches sources. The zero value fetches nothing: fetching is off
// until Enabled is set, so that a server never makes outbound requests it was not asked to.
type Config struct {
	Enabled      bool
	Allow        AllowList     // blocked addresses and hosts that may be fetched all the same
	MaxBytes     int64         // largest body read; more is too-large (default DefaultMaxBytes)
	Timeout      time.Duration // for the whole fetch, redirects included (default DefaultTimeout)
	MaxRedirects int           // redirects followed (default DefaultMaxRedirects)
	UserAgent    string        // default "citecheck (source archive)"
}

// Page is what a fetch got: the URL asked for, the one the last redirect led to, the answer's
// status and media type, and its body.
type Page struct {
	URL         string
	FinalURL    string
	Status      int
	ContentType string // the media type without parameters: text/plain, text/html or text/markdown
	Charset     string // the charset parameter, if any
	Body        []byte
}

// Fetcher fetches pages under one Config. It is safe for concurrent use.
type Fetcher struct {
	cfg    Config
	client *http.Client
}

// New builds a Fetcher; its client dials only addresses the allow list or the public internet
// hold, never through a proxy from the environment (a proxy would be the address dialled).
func New(cfg Config) *Fetcher {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxRedirects <= 0 {
		cfg.MaxRedirects = DefaultMaxRedirects
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "citecheck (source archive)"
	}
	f := &Fetcher{cfg: cfg}
	dialer := &net.Dialer{Timeout: cfg.Timeout, ControlContext: f.control}
	transport := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err == nil && cfg.Allow.allowsHost(host) {
				ctx = context.WithValue(ctx, allowedHostKey{}, true)
			}
			return dialer.DialContext(ctx, network, addr)
		},
		TLSHandshakeTimeout:   cfg.Timeout,
		ResponseHeaderTimeout: cfg.Timeout,
		MaxIdleConns:          4,
		IdleConnTimeout:       30 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	f.client = &http.Client{Transport: transport, Timeout: cfg.Timeout, CheckRedirect: f.checkRedirect}
	return f
}

// Enabled reports whether the server fetches at all.
func (f *Fetcher) Enabled() bool { return f != nil && f.cfg.Enabled }

// MaxBytes is the largest body the fetcher reads, which uploads share.
func (f *Fetcher) MaxBytes() int64 { return f.cfg.MaxBytes }

type allowedHostKey struct{}

// control runs for every connection just before it is made, with the address the dialer
// resolved: the one place where an address is allowed or refused.
func (f *Fetcher) control(ctx context.Context, network, address string, _ syscall.RawConn) error {
	if allowed, _ := ctx.Value(allowedHostKey{}).(bool); allowed {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &Refusal{Reason: fmt.Sprintf("not an address (%q)", address)}
	}
	return f.cfg.Allow.CheckAddr(ap.Addr())
}

// checkRedirect bounds the redirects and keeps them to http and https; the address of each new
// host is checked when it is dialled.
func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > f.cfg.MaxRedirects {
		return citecheck.FieldErrorf(citecheck.ECodeFetchFailed, "url", "more than %d redirects", f.cfg.MaxRedirects)
	}
	return checkScheme(req.URL)
}

func checkScheme(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return citecheck.FieldErrorf(citecheck.ECodeFetchRefused, "url", "only http and https URLs are fetched, not %q", u.Scheme+":")
	}
	if u.User != nil {
		return citecheck.FieldErrorf(citecheck.ECodeFetchRefused, "url", "a URL with a user name or password is not fetched")
	}
	if u.Hostname() == "" {
		return citecheck.FieldErrorf(citecheck.ECodeFetchRefused, "url", "the URL has no host")
	}
	return nil
}

// Fetch gets rawURL. It refuses, with a *citecheck.Error whose Field is "url", a fetch that is
// off (fetch-disabled), a scheme other than http and https or an address that is not allowed,
// at the start or after a redirect (fetch-refused), no answer, a timeout, too many redirects or
// a status other than 2xx (fetch-failed), a body above MaxBytes (too-large), and a media type
// other than text/plain, text/html and text/markdown (not-text).
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (*Page, error) {
	if !f.Enabled() {
		return nil, citecheck.FieldErrorf(citecheck.ECodeFetchDisabled, "url",
			"this server does not fetch sources; paste or upload the text instead")
	}
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return nil, citecheck.FieldErrorf(citecheck.ECodeFetchRefused, "url", "the URL cannot be read: %v", err)
	}
	if err := checkScheme(u); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, citecheck.FieldErrorf(citecheck.ECodeFetchRefused, "url", "the URL cannot be fetched: %v", err)
	}
	req.Header.Set("User-Agent", f.cfg.UserAgent)
	req.Header.Set("Accept", "text/html, text/plain, text/markdown;q=0.9, */*;q=0.1")
	res, err := f.client.Do(req)
	if err != nil {
		return nil, f.explain(ctx, err)
	}
	defer res.Body.Close()
	return f.read(ctx, u, res)
}

// read checks an answer and reads its body within the size limit.
func (f *Fetcher) read(ctx context.Context, u *url.URL, res *http.Response) (*Page, error) {
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return nil, citecheck.FieldErrorf(citecheck.ECodeFetchFailed, "url", "the server answered %s", res.Status)
	}
	if res.ContentLength > f.cfg.MaxBytes {
		return nil, tooLarge(f.cfg.MaxBytes)
	}
	mediaType, charset, err := textType(res.Header.Get("Content-Type"))
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, f.cfg.MaxBytes+1))
	if err != nil {
		return nil, f.explain(ctx, err)
	}
	if int64(len(body)) > f.cfg.MaxBytes {
		return nil, tooLarge(f.cfg.MaxBytes)
	}
	return &Page{URL: u.String(), FinalURL: res.Request.URL.String(), Status: res.StatusCode,
		ContentType: mediaType, Charset: charset, Body: body}, nil
}

func tooLarge(limit int64) error {
	return citecheck.FieldErrorf(citecheck.ECodeTooLarge, "url", "the page is larger than the limit of %d bytes", limit)
}

// TextTypes are the media types a source may have.
var TextTypes = []string{"text/plain", "text/html", "text/markdown"}

// textType reads a Content-Type header and accepts only the media types of TextTypes (and
// text/x-markdown, an older name of markdown).
func textType(header string) (mediaType, charset string, err error) {
	mt, params, perr := mime.ParseMediaType(header)
	if perr != nil || header == "" {
		return "", "", citecheck.FieldErrorf(citecheck.ECodeNotText, "url", "the page does not say it is text (Content-Type %q)", header)
	}
	if mt == "text/x-markdown" {
		mt = "text/markdown"
	}
	for _, t := range TextTypes {
		if mt == t {
			return mt, params["charset"], nil
		}
	}
	return "", "", citecheck.FieldErrorf(citecheck.ECodeNotText, "url",
		"the page is %s; only text/plain, text/html and text/markdown are archived", mt)
}

// explain turns a failed request into the domain's error: a refused address or redirect as it
// was refused, a timeout or any other failure as fetch-failed.
func (f *Fetcher) explain(ctx context.Context, err error) error {
	var de *citecheck.Error
	if errors.As(err, &de) {
		return de
	}
	var r *Refusal
	if errors.As(err, &r) {
		return citecheck.FieldErrorf(citecheck.ECodeFetchRefused, "url", "not fetched: %s; only public addresses are fetched unless the allow list names them", r.Error())
	}
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil || isTimeout(err) {
		return citecheck.FieldErrorf(citecheck.ECodeFetchFailed, "url", "the page did not arrive within %s", f.cfg.Timeout)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return citecheck.FieldErrorf(citecheck.ECodeFetchFailed, "url", "the host %q was not found", dnsErr.Name)
	}
	return citecheck.FieldErrorf(citecheck.ECodeFetchFailed, "url", "the page could not be fetched: %s", rootCause(err))
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// rootCause is the innermost message of a chain of errors, without the URL that wrapped it.
func rootCause(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}
