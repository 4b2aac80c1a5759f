package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Pages, JSON, CSS and JS go out gzipped to a client that asks for it: a big document's page is
// megabytes of HTML that compress several times over. Level 1 (gzip.BestSpeed): at level 5, 100
// clients loading and exporting a 5 MB document (TestLoadBigDocument) spent the two cores on
// compression and missed their deadline; level 1 keeps most of the gain for a third of the CPU.
// An answer under a kilobyte is not worth it.
const (
	gzipLevel     = 1
	gzipMinLength = 1024
)

// compression gzips every answer to a request whose Accept-Encoding offers gzip. It only
// encodes answers: request bodies are never inflated, so the body limit counts the bytes as
// sent and a compressed bomb is refused as malformed rather than unpacked. Streamed answers
// still stream: the writer flushes through the compressor. Browsers offer br and zstd only
// over HTTPS, where a TLS front end is the place to add them. Live event streams are not
// compressed: each event must reach the client the moment it is written.
func compression() echo.MiddlewareFunc {
	return middleware.GzipWithConfig(middleware.GzipConfig{Level: gzipLevel, MinLength: gzipMinLength,
		Skipper: isEventStream})
}
