package main

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestServeConfigSessionLifetimes(t *testing.T) {
	for _, tc := range []struct {
		name            string
		idleEnv, maxEnv string
		args            []string
		idle, max       time.Duration
		err             string
	}{
		{name: "defaults", idle: 12 * time.Hour, max: 14 * 24 * time.Hour},
		{name: "from the environment", idleEnv: "30m", maxEnv: "48h", idle: 30 * time.Minute, max: 48 * time.Hour},
		{name: "flags win", idleEnv: "30m", maxEnv: "48h", args: []string{"--session-idle", "1h", "--session-max", "72h"},
			idle: time.Hour, max: 72 * time.Hour},
		{name: "not a duration", idleEnv: "12 hours", err: "CITECHECK_SESSION_IDLE"},
		{name: "a day is not a unit", maxEnv: "14d", err: "CITECHECK_SESSION_MAX"},
		{name: "zero", args: []string{"--session-idle", "0s"}, err: "must be positive"},
		{name: "negative", args: []string{"--session-max", "-1h"}, err: "must be positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CITECHECK_SESSION_IDLE", tc.idleEnv)
			t.Setenv("CITECHECK_SESSION_MAX", tc.maxEnv)
			cfg, err := loadServeConfig(tc.args, io.Discard)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one with %q", err, tc.err)
				}
				return
			}
			if err != nil || cfg.SessionIdle != tc.idle || cfg.SessionMax != tc.max {
				t.Fatalf("idle %v, max %v, %v; want %v, %v", cfg.SessionIdle, cfg.SessionMax, err, tc.idle, tc.max)
			}
		})
	}
}
