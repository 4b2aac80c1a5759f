package main

import (
	"io"
	"runtime/debug"
	"testing"
)

func TestMemoryLimitReadsSizesAndRefusesOthers(t *testing.T) {
	for in, want := range map[string]int64{"320MiB": 320 << 20, "1GiB": 1 << 30, "1048576": 1 << 20, "0": 0, " 64 KiB": 64 << 10} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "lots", "-1MiB", "1.5GiB", "1TB", "99999999999999GiB"} {
		if _, err := parseBytes(in); err == nil {
			t.Errorf("parseBytes(%q) accepted", in)
		}
	}
	if _, _, err := loadConfig(serveCommand, []string{"--memory-limit", "lots"}, io.Discard, nil); err == nil {
		t.Error("serve took --memory-limit lots")
	}
	cfg, _, err := loadConfig(serveCommand, []string{"--memory-limit", "1GiB"}, io.Discard, nil)
	if err != nil || cfg.MemoryLimit != 1<<30 || formatBytes(cfg.MemoryLimit) != "1GiB" {
		t.Fatalf("--memory-limit 1GiB: %d %q %v", cfg.MemoryLimit, formatBytes(cfg.MemoryLimit), err)
	}
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)
	applyMemoryLimit(cfg)
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("the runtime's limit is %d after applying 1GiB", got)
	}
	t.Setenv("GOMEMLIMIT", "100MiB")
	debug.SetMemoryLimit(before)
	cfg.MemoryLimit = 280 << 20 // the default: GOMEMLIMIT, the runtime's own, stays
	applyMemoryLimit(cfg)
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("the default replaced GOMEMLIMIT's limit: %d", got)
	}
}
