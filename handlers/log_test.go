package handlers

import (
	"io"
	"log/slog"
	"os"
)

// discardLogger is the tests' server log: nothing, or with CITECHECK_TEST_LOG=1 the errors on
// stderr (to see why a test's server answered 500).
func discardLogger() *slog.Logger {
	if os.Getenv("CITECHECK_TEST_LOG") == "1" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
