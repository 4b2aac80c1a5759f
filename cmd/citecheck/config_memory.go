package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// sMemoryLimit is the server's soft memory limit: the Go runtime collects garbage harder as
// the heap nears it, so that many readers of a big document do not grow the process past what
// a small machine has (issue 12: 20 clients on a 5 MB text peaked at 415 MiB without one). It
// is soft: work that needs more still gets it. GOMEMLIMIT, when set, is the runtime's own and
// wins over the default; the flag and CITECHECK_MEMORY_LIMIT win over both.
const sMemoryLimit = "memory-limit"

// defaultMemoryLimit is 280 MiB: with the heap held there, 20 clients on a 5 MB text with
// 25,000 claims peaked at 351 MiB of RSS (make bench-big); at 320 MiB they peaked at 395-400 MiB
// once the answers were cheap enough for the load to run three times as many requests.
const defaultMemoryLimit = "280MiB"

func init() {
	settings[sMemoryLimit] = setting{flag: "memory-limit", env: "CITECHECK_MEMORY_LIMIT", def: defaultMemoryLimit,
		usage: "soft memory limit of the server, such as 320MiB or 1GiB; 0 for none (GOMEMLIMIT, when set, replaces the default)",
		set: func(c *Config, v string) error {
			n, err := parseBytes(v)
			if err != nil {
				return err
			}
			c.MemoryLimit = n
			return nil
		},
		show: func(c *Config) string { return formatBytes(c.MemoryLimit) }}
}

// applyMemoryLimit sets the runtime's soft memory limit from the configuration, unless it is
// the default and GOMEMLIMIT already says otherwise.
func applyMemoryLimit(c Config) {
	if def, _ := parseBytes(defaultMemoryLimit); c.MemoryLimit == def && os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	if c.MemoryLimit > 0 {
		debug.SetMemoryLimit(c.MemoryLimit)
	}
}

var byteUnits = []struct {
	suffix string
	n      int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

// parseBytes reads a size such as 320MiB, 1GiB or 1048576 (bytes).
func parseBytes(v string) (int64, error) {
	v = strings.TrimSpace(v)
	unit := int64(1)
	for _, u := range byteUnits {
		if strings.HasSuffix(v, u.suffix) {
			v, unit = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.n
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/unit {
		return 0, fmt.Errorf("%q is not a size such as 320MiB, 1GiB or a number of bytes", v)
	}
	return n * unit, nil
}

// formatBytes writes n in the largest unit that divides it.
func formatBytes(n int64) string {
	for _, u := range byteUnits {
		if n != 0 && n%u.n == 0 {
			return strconv.FormatInt(n/u.n, 10) + u.suffix
		}
	}
	return "0"
}
