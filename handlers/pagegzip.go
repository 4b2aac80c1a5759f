package handlers

import (
	"bytes"
	"hash/crc32"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck/views"
)

// A big document's page is mostly its blocks, and a claim write changes one or two of them.
// Each block keeps its HTML compressed once (Block.Deflated, a segment: gzipsegments.go), so
// the gzipped page is the page's own parts (head, the blocks' wrappers, panel, tail) compressed
// per request with the blocks' segments copied between them.

// pageSegment is where a block's HTML stands in a rendered page, with its segment.
type pageSegment struct {
	at  int
	seg gzSegment
}

// findSegments finds the blocks' HTML in the rendered page, in their order. Any bytes of the
// page may be sent as a segment whose bytes they equal, so the search needs no knowledge of the
// markup around the blocks; it stops at the first block it does not find.
func findSegments(page []byte, blocks []views.Block) []pageSegment {
	segs := make([]pageSegment, 0, len(blocks))
	pos := 0
	for _, b := range blocks {
		if len(b.HTML) == 0 || b.Deflated == nil {
			continue
		}
		i := bytes.Index(page[pos:], b.HTML[:min(len(b.HTML), 64)])
		if i < 0 || !bytes.HasPrefix(page[pos+i:], b.HTML) {
			break
		}
		segs = append(segs, pageSegment{at: pos + i,
			seg: gzSegment{deflated: b.Deflated, crc: crc32.ChecksumIEEE(b.HTML), n: int64(len(b.HTML))}})
		pos += i + len(b.HTML)
	}
	return segs
}

// writeSegmented writes page to z, the parts of it that segs cover as their segments and the
// rest compressed here, and ends the stream.
func writeSegmented(z *segmentedGzip, page []byte, segs []pageSegment) error {
	pos := 0
	for i := range segs {
		s := &segs[i]
		z.Write(page[pos:s.at])
		if err := z.WriteSegment(&s.seg); err != nil {
			return err
		}
		pos = s.at + int(s.seg.n)
	}
	z.Write(page[pos:])
	return z.Close()
}

// The routes whose answers compress themselves (ownGzipRoutes): the document page, the claim
// list and the export of a document.
const (
	documentPagePath = "/documents/:id"
	claimListPath    = "/api/v1/documents/:id/claims"
	exportPath       = "/api/v1/documents/:id/export"
)

// writePageWithBlocks sends a rendered page that holds blocks: on the document page's own
// route, to a client that takes gzip, gzipped from the blocks' segments (compression leaves
// that route to it), else as it is.
func writePageWithBlocks(c echo.Context, status int, page []byte, blocks []views.Block) error {
	if !writesOwnGzip(c) {
		return c.HTMLBlob(status, page)
	}
	if len(page) < gzipMinLength {
		c.Response().Header().Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
		return c.HTMLBlob(status, page)
	}
	z := gzipAnswer(c, status, echo.MIMETextHTMLCharsetUTF8)
	if z == nil {
		_, err := c.Response().Write(page)
		return err
	}
	return writeSegmented(z, page, findSegments(page, blocks))
}
