package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"time"
)

// client is the bench's own small HTTP client of the server: bearer-token JSON calls for the
// API and one signed-in session for the pages.
type client struct {
	bases   []string      // the servers, taken in turn by each request, as a load balancer would
	next    atomic.Uint64 // the next request's turn
	api     *http.Client
	browser *http.Client
}

func newClient(bases []string, conns int) *client {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, Proxy: nil}
	// Redirects are never followed: the sign-in answers one, and a target could otherwise send
	// the load elsewhere.
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	jar, _ := cookiejar.New(nil)
	return &client{bases: bases,
		api:     &http.Client{Transport: tr, Timeout: time.Minute, CheckRedirect: noRedirect},
		browser: &http.Client{Transport: tr, Timeout: time.Minute, CheckRedirect: noRedirect, Jar: jar},
	}
}

// call sends one JSON API request with a bearer token and decodes a JSON answer into out (nil
// discards it). Only a transport error is an error; the status is the caller's to judge.
func (c *client) call(ctx context.Context, token, method, path string, body, out any) (int, error) {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.url(path), r)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return do(c.api, req, out)
}

// page fetches a page with the signed-in session.
func (c *client) page(ctx context.Context, path string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", c.url(path), nil)
	if err != nil {
		return 0, err
	}
	return do(c.browser, req, nil)
}

// do sends req and reads its answer. It asks for gzip itself, so that Go's transport leaves
// the answers compressed: an answer the bench only counts is read as sent and not inflated (a
// browser inflates on its own machine; here the clients share the server's CPUs, and inflating
// every page, list and export took a good part of them). An answer to decode is inflated.
func do(hc *http.Client, req *http.Request, out any) (int, error) {
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if out != nil && res.StatusCode < 300 {
		body := io.Reader(res.Body)
		if res.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(res.Body)
			if err != nil {
				return res.StatusCode, err
			}
			body = zr
		}
		return res.StatusCode, json.NewDecoder(body).Decode(out)
	}
	_, err = io.Copy(io.Discard, res.Body)
	return res.StatusCode, err
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// url answers path on the server whose turn it is.
func (c *client) url(path string) string {
	return c.bases[(c.next.Add(1)-1)%uint64(len(c.bases))] + path
}

// signIn fetches the sign-in form for its CSRF token and signs in the page session.
func (c *client) signIn(ctx context.Context, user, password string) error {
	base := c.bases[0] // both steps on one server; the session they make is good on every one
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/login", nil)
	res, err := c.browser.Do(req)
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(page)
	if m == nil {
		return errors.New("sign in: no CSRF token in the sign-in form")
	}
	form := url.Values{"username": {user}, "password": {password}, "csrf_token": {string(m[1])}}
	req, _ = http.NewRequestWithContext(ctx, "POST", base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err = c.browser.Do(req)
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("sign in as %s: status %d (wrong name or password?)", user, res.StatusCode)
	}
	return nil
}
