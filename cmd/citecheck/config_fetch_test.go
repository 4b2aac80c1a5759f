package main

import (
	"io"
	"testing"
	"time"

	"github.com/citecheck/citecheck/fetch"
)

func TestFetchSettingsFromFlagsAndEnvironment(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		enabled bool
		allow   string
		max     int64
		timeout time.Duration
	}{
		{"off by default", nil, nil, false, "", fetch.DefaultMaxBytes, fetch.DefaultTimeout},
		{"on from the environment", map[string]string{"CITECHECK_FETCH": "on", "CITECHECK_FETCH_ALLOW": "127.0.0.1/32,wiki.internal",
			"CITECHECK_FETCH_MAX_BYTES": "1000", "CITECHECK_FETCH_TIMEOUT": "2s"}, nil, true, "127.0.0.1/32,wiki.internal", 1000, 2 * time.Second},
		{"flags win", map[string]string{"CITECHECK_FETCH": "on"}, []string{"--fetch=false", "--fetch-timeout", "5s"}, false, "", fetch.DefaultMaxBytes, 5 * time.Second},
		{"on from a flag", nil, []string{"--fetch", "--fetch-allow", "10.0.0.0/8"}, true, "10.0.0.0/8", fetch.DefaultMaxBytes, fetch.DefaultTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"CITECHECK_FETCH", "CITECHECK_FETCH_ALLOW", "CITECHECK_FETCH_MAX_BYTES", "CITECHECK_FETCH_TIMEOUT"} {
				t.Setenv(k, tt.env[k])
			}
			cfg, _, err := loadConfig(serveCommand, tt.args, io.Discard, nil)
			if err != nil {
				t.Fatal(err)
			}
			f := cfg.Fetch
			if f.Enabled != tt.enabled || f.Allow != tt.allow || f.MaxBytes != tt.max || f.Timeout != tt.timeout {
				t.Errorf("fetch config %+v", f)
			}
			hc, err := f.handlerConfig()
			if err != nil || hc.Enabled != tt.enabled || hc.Allow.String() != tt.allow {
				t.Errorf("handler config %+v, %v", hc, err)
			}
		})
	}
}

func TestFetchSettingsRefuseWhatTheyCannotRead(t *testing.T) {
	t.Setenv("CITECHECK_FETCH_TIMEOUT", "soon")
	if _, _, err := loadConfig(serveCommand, nil, io.Discard, nil); err == nil {
		t.Error("a timeout that is not a duration was accepted")
	}
	t.Setenv("CITECHECK_FETCH_TIMEOUT", "")
	if _, _, err := loadConfig(serveCommand, []string{"--fetch-allow", "10.0.0.0/99"}, io.Discard, nil); err == nil {
		t.Error("an allow list that is not one was accepted")
	}
	if _, _, err := loadConfig(serveCommand, []string{"--fetch=maybe"}, io.Discard, nil); err == nil {
		t.Error("a fetch switch that is neither on nor off was accepted")
	}
}
