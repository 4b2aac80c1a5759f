package handlers

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"io"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck/views"
)

// A big document's page is mostly its blocks, and a claim write changes one or two of them.
// Each block keeps its HTML compressed once (Block.Deflated): a raw-deflate segment of its own,
// ended with a sync flush, with no final block and no reference to bytes before it, so that
// such segments can stand one after another in one deflate stream. The gzipped page is then
// the gzip header, the page's own parts (head, the blocks' wrappers, panel, tail) compressed
// per request, the blocks' segments copied between them, one final block and the trailer: a
// reader of a new state compresses only what changed and the page's few dynamic KB.

// segmentWriters keep the deflate writers of segments: one is hundreds of KB of tables.
var segmentWriters = sync.Pool{New: func() any {
	w, err := flate.NewWriter(io.Discard, gzipLevel)
	if err != nil {
		panic(err) // gzipLevel is a valid level
	}
	return w
}}

// deflateSegment compresses b into a segment that may stand anywhere in a deflate stream.
func deflateSegment(b []byte) []byte {
	var out bytes.Buffer
	fw := segmentWriters.Get().(*flate.Writer)
	defer segmentWriters.Put(fw)
	fw.Reset(&out)
	fw.Write(b) // a bytes.Buffer does not fail
	fw.Flush()
	return bytes.Clone(out.Bytes())
}

// pageSegment is where a block's HTML stands in a rendered page, with its segment.
type pageSegment struct {
	at, n    int
	deflated []byte
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
		segs = append(segs, pageSegment{at: pos + i, n: len(b.HTML), deflated: b.Deflated})
		pos += i + len(b.HTML)
	}
	return segs
}

// gzipHeader is a gzip member's header with no name, time or extra field (RFC 1952), as
// compress/gzip writes one; the operating system is unknown.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}

// writeSegmentedGzip writes page gzipped to w, the parts of it that segs cover as their
// segments and the rest compressed here, each part with a writer of its own so that nothing
// refers across a segment; the trailer's CRC-32 and size are of the whole page.
func writeSegmentedGzip(w io.Writer, page []byte, segs []pageSegment) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.Write(gzipHeader)
	fw := segmentWriters.Get().(*flate.Writer)
	defer segmentWriters.Put(fw)
	pos := 0
	for _, s := range segs {
		if s.at > pos {
			fw.Reset(bw)
			fw.Write(page[pos:s.at])
			fw.Flush()
		}
		bw.Write(s.deflated)
		pos = s.at + s.n
	}
	fw.Reset(bw)
	fw.Write(page[pos:])
	if err := fw.Close(); err != nil { // the final block
		return err
	}
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], crc32.ChecksumIEEE(page))
	binary.LittleEndian.PutUint32(trailer[4:], uint32(len(page)))
	bw.Write(trailer[:])
	return bw.Flush()
}

// documentPagePath is the route of the document page, which compresses its own answer.
const documentPagePath = "/documents/:id"

// writePageWithBlocks sends a rendered page that holds blocks: on the document page's own
// route, to a client that takes gzip, gzipped from the blocks' segments (compression leaves
// that route to it), else as it is.
func writePageWithBlocks(c echo.Context, status int, page []byte, blocks []views.Block) error {
	h := c.Response().Header()
	if !writesOwnGzip(c) {
		return c.HTMLBlob(status, page)
	}
	h.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	if !acceptsGzip(c) || len(page) < gzipMinLength {
		return c.HTMLBlob(status, page)
	}
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set(echo.HeaderContentEncoding, "gzip")
	h.Del(echo.HeaderContentLength)
	c.Response().WriteHeader(status)
	return writeSegmentedGzip(c.Response(), page, findSegments(page, blocks))
}
