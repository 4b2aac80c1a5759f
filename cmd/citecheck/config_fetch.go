package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/citecheck/citecheck/fetch"
)

// FetchConfig is how the server fetches sources from their URLs: off unless asked for, since a
// server that fetches makes outbound requests on its users' behalf.
type FetchConfig struct {
	Enabled  bool          // --fetch or CITECHECK_FETCH=on
	Allow    string        // --fetch-allow or CITECHECK_FETCH_ALLOW: CIDRs, addresses, hosts
	MaxBytes int64         // --fetch-max-bytes or CITECHECK_FETCH_MAX_BYTES
	Timeout  time.Duration // --fetch-timeout or CITECHECK_FETCH_TIMEOUT
}

// fetchSettings are the fetch rows of the one settings table.
var fetchSettings = map[string]setting{
	sFetch: {flag: "fetch", env: "CITECHECK_FETCH", def: "off", boolean: true,
		usage: "fetch sources from their URLs (on or off); only public addresses unless --fetch-allow names others",
		set:   setFetchEnabled, show: func(c *Config) string { return strconv.FormatBool(c.Fetch.Enabled) }},
	sFetchAllow: {flag: "fetch-allow", env: "CITECHECK_FETCH_ALLOW",
		usage: "comma-separated CIDRs, addresses or host names that fetching may reach although they are private or loopback",
		set: func(c *Config, v string) error {
			if _, err := fetch.ParseAllowList(v); err != nil {
				return err
			}
			c.Fetch.Allow = v
			return nil
		},
		show: func(c *Config) string { return c.Fetch.Allow }},
	sFetchMaxBytes: {flag: "fetch-max-bytes", env: "CITECHECK_FETCH_MAX_BYTES", def: strconv.Itoa(fetch.DefaultMaxBytes),
		usage: "largest page fetched or file uploaded as a source, in bytes",
		set: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return fmt.Errorf("%q is not a positive number of bytes", v)
			}
			c.Fetch.MaxBytes = n
			return nil
		},
		show: func(c *Config) string { return strconv.FormatInt(c.Fetch.MaxBytes, 10) }},
	sFetchTimeout: {flag: "fetch-timeout", env: "CITECHECK_FETCH_TIMEOUT", def: fetch.DefaultTimeout.String(),
		usage: "time limit of one fetch, redirects included",
		set:   func(c *Config, v string) error { return setDuration(&c.Fetch.Timeout, v) },
		show:  func(c *Config) string { return c.Fetch.Timeout.String() }},
}

// setFetchEnabled reads the fetch switch: on, true or 1 turn fetching on; off, false, 0 or
// nothing leave it off.
func setFetchEnabled(c *Config, v string) error {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "true", "1":
		c.Fetch.Enabled = true
	case "off", "false", "0", "":
		c.Fetch.Enabled = false
	default:
		return fmt.Errorf("%q is neither on nor off", v)
	}
	return nil
}

// handlerConfig turns the settings into the fetcher's configuration, refusing an allow list
// that cannot be read.
func (c FetchConfig) handlerConfig() (fetch.Config, error) {
	allow, err := fetch.ParseAllowList(c.Allow)
	if err != nil {
		return fetch.Config{}, err
	}
	return fetch.Config{Enabled: c.Enabled, Allow: allow, MaxBytes: c.MaxBytes, Timeout: c.Timeout}, nil
}
