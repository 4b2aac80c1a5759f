package handlers

import (
	"net/http"
	"strings"

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
	gzip := middleware.GzipWithConfig(middleware.GzipConfig{Level: gzipLevel, MinLength: gzipMinLength,
		Skipper: func(c echo.Context) bool { return isEventStream(c) || writesOwnGzip(c) }})
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return gzip(func(c echo.Context) error {
			// As the gzip middleware decides: only a gzipped answer goes through its buffer.
			if acceptsGzip(c) && !writesOwnGzip(c) {
				c.Response().Writer = splitWriter{c.Response().Writer}
			}
			return next(c)
		})
	}
}

// acceptsGzip tells whether the client of c takes a gzipped answer that may be sent so.
func acceptsGzip(c echo.Context) bool {
	return !isEventStream(c) && strings.Contains(c.Request().Header.Get(echo.HeaderAcceptEncoding), "gzip")
}

// writesOwnGzip tells whether the answer to c compresses itself (gzipAnswer): the document
// page, whose blocks are kept compressed, and a document's claim list and export, whose runs
// of claims are.
func writesOwnGzip(c echo.Context) bool {
	return c.Request().Method == http.MethodGet && ownGzipRoutes[c.Path()]
}

// writePiece is the most that splitWriter passes on in one Write.
const writePiece = 32 << 10

// splitWriter passes big writes on in pieces. Echo's gzip writer copies whatever it is given
// into a buffer until it has MinLength bytes, so a page or a JSON list written in one Write of
// 30 MB was held twice, once more in that buffer; in pieces, only the first one is.
type splitWriter struct{ http.ResponseWriter }

func (w splitWriter) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		piece := b[:min(len(b), writePiece)]
		k, err := w.ResponseWriter.Write(piece)
		k = min(k, len(piece)) // echo's gzip writer counts the bytes it had buffered too
		n, b = n+k, b[k:]
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Flush flushes the writer below, so that streamed answers still stream.
func (w splitWriter) Flush() {
	if err := http.NewResponseController(w.ResponseWriter).Flush(); err != nil {
		return // a writer that cannot flush sends the body at its end
	}
}

// Unwrap gives http.ResponseController the writer below.
func (w splitWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
