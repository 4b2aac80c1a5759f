package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
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

// addFetchFlags registers the fetch settings of serve, with their environment defaults.
func addFetchFlags(fs *flag.FlagSet, cfg *FetchConfig) error {
	on := os.Getenv("CITECHECK_FETCH")
	maxBytes, err := strconv.ParseInt(envOr("CITECHECK_FETCH_MAX_BYTES", strconv.Itoa(fetch.DefaultMaxBytes)), 10, 64)
	if err != nil {
		return fmt.Errorf("CITECHECK_FETCH_MAX_BYTES: %w", err)
	}
	timeout, err := time.ParseDuration(envOr("CITECHECK_FETCH_TIMEOUT", fetch.DefaultTimeout.String()))
	if err != nil {
		return fmt.Errorf("CITECHECK_FETCH_TIMEOUT: %w", err)
	}
	fs.BoolVar(&cfg.Enabled, "fetch", on == "on" || on == "1" || on == "true",
		"fetch sources from their URLs (CITECHECK_FETCH=on); only public addresses unless --fetch-allow names others")
	fs.StringVar(&cfg.Allow, "fetch-allow", os.Getenv("CITECHECK_FETCH_ALLOW"),
		"comma-separated CIDRs, addresses or host names that fetching may reach although they are private or loopback (CITECHECK_FETCH_ALLOW)")
	fs.Int64Var(&cfg.MaxBytes, "fetch-max-bytes", maxBytes, "largest page fetched or file uploaded as a source, in bytes (CITECHECK_FETCH_MAX_BYTES)")
	fs.DurationVar(&cfg.Timeout, "fetch-timeout", timeout, "time limit of one fetch, redirects included (CITECHECK_FETCH_TIMEOUT)")
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
