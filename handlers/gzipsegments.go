package handlers

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"io"
	"sync"

	"github.com/labstack/echo/v4"
)

// The big answers of a big document (its page, its whole claim list, its native export) are
// mostly parts that one claim write leaves as they were: the page's blocks, runs of claims, the
// document's text. Each such part is kept compressed once, as a gzSegment: a raw-deflate
// segment of its own, ended with a sync flush, with no final block and no reference to bytes
// before it, so that segments can stand one after another in one deflate stream. A gzipped
// answer is then the gzip header, the answer's own bytes compressed per request between the
// segments, which are copied, one final block and the trailer: a reader of a new state
// compresses only what changed.

// gzSegment is a part of an answer compressed as a segment, with the CRC-32 and length of the
// bytes it holds, which the answer's trailer sums up.
type gzSegment struct {
	deflated []byte
	crc      uint32
	n        int64
}

// newSegment compresses b into a segment.
func newSegment(b []byte) *gzSegment {
	return &gzSegment{deflated: deflateSegment(b), crc: crc32.ChecksumIEEE(b), n: int64(len(b))}
}

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

// gzipHeader is a gzip member's header with no name, time or extra field (RFC 1952), as
// compress/gzip writes one; the operating system is unknown.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}

// finalBlock is an empty fixed-Huffman deflate block marked final: the stream's end.
var finalBlock = []byte{0x03, 0x00}

// segmentedGzip writes one gzip member made of segments (WriteSegment) and of bytes compressed
// as they come (Write), each run of those with a writer reset for it, so that nothing in the
// stream refers across a segment. A run of at most storedMax bytes between two segments (the
// page's wrappers of its blocks, the commas of a list) is sent as a stored block instead: to
// compress it costs a Huffman table and a flush for a few bytes. Close ends the stream; it must
// be called once.
type segmentedGzip struct {
	bw      *bufio.Writer
	fw      *flate.Writer
	open    bool   // fw has taken bytes since the last segment
	pending []byte // the bytes of a run too short yet to compress, not written
	crc     uint32
	n       int64
}

// storedMax is the longest run between segments that is sent stored, not compressed.
const storedMax = 512

func newSegmentedGzip(w io.Writer) *segmentedGzip {
	z := &segmentedGzip{bw: bufio.NewWriterSize(w, 32<<10), fw: segmentWriters.Get().(*flate.Writer)}
	z.bw.Write(gzipHeader)
	return z
}

// Write compresses p into the stream.
func (z *segmentedGzip) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	z.crc = crc32.Update(z.crc, crc32.IEEETable, p)
	z.n += int64(len(p))
	if !z.open {
		if len(z.pending)+len(p) <= storedMax {
			z.pending = append(z.pending, p...)
			return len(p), nil
		}
		z.fw.Reset(z.bw)
		z.open = true
		if _, err := z.fw.Write(z.pending); err != nil {
			return 0, err
		}
		z.pending = z.pending[:0]
	}
	return z.fw.Write(p)
}

// WriteString is Write of a string.
func (z *segmentedGzip) WriteString(s string) (int, error) { return z.Write([]byte(s)) }

// WriteSegment copies s into the stream.
func (z *segmentedGzip) WriteSegment(s *gzSegment) error {
	if err := z.endRun(); err != nil {
		return err
	}
	z.crc = crc32Combine(z.crc, s.crc, s.n)
	z.n += s.n
	_, err := z.bw.Write(s.deflated)
	return err
}

// endRun ends the run in progress, if any: a compressed one with a sync flush, a short one as
// a stored block. Either leaves the stream at a byte boundary, where a segment may begin.
func (z *segmentedGzip) endRun() error {
	if z.open {
		z.open = false
		return z.fw.Flush()
	}
	if len(z.pending) == 0 {
		return nil
	}
	// A stored block that is not the last (RFC 1951, 3.2.4): its header bits, the rest of that
	// byte, then LEN and its complement, then the bytes.
	var head [5]byte
	binary.LittleEndian.PutUint16(head[1:3], uint16(len(z.pending)))
	binary.LittleEndian.PutUint16(head[3:5], ^uint16(len(z.pending)))
	z.bw.Write(head[:])
	_, err := z.bw.Write(z.pending)
	z.pending = z.pending[:0]
	return err
}

// Close writes the final block and the trailer, and flushes.
func (z *segmentedGzip) Close() error {
	defer segmentWriters.Put(z.fw)
	if err := z.endRun(); err != nil {
		return err
	}
	z.bw.Write(finalBlock)
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], z.crc)
	binary.LittleEndian.PutUint32(trailer[4:], uint32(z.n)) // the size modulo 2^32 (RFC 1952)
	z.bw.Write(trailer[:])
	return z.bw.Flush()
}

// gzipAnswer starts c's answer with status and content type: gzipped through a segmentedGzip
// when the client takes gzip (the caller must Close it), else plain (nil). Only a route that
// writesOwnGzip may use it: the compression middleware leaves those routes alone.
func gzipAnswer(c echo.Context, status int, contentType string) *segmentedGzip {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, contentType)
	h.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	if !acceptsGzip(c) {
		c.Response().WriteHeader(status)
		return nil
	}
	h.Set(echo.HeaderContentEncoding, "gzip")
	h.Del(echo.HeaderContentLength)
	c.Response().WriteHeader(status)
	return newSegmentedGzip(c.Response())
}

// writeOwnJSON answers v as JSON, as c.JSON would, on a route that writesOwnGzip.
func writeOwnJSON(c echo.Context, status int, v any) error {
	z := gzipAnswer(c, status, echo.MIMEApplicationJSON)
	if z == nil {
		return json.NewEncoder(c.Response()).Encode(v)
	}
	if err := json.NewEncoder(z).Encode(v); err != nil {
		return err
	}
	return z.Close()
}

// ownGzipRoutes are the routes whose answers compress themselves (writesOwnGzip).
var ownGzipRoutes = map[string]bool{documentPagePath: true, claimListPath: true, exportPath: true}

// crc32Combine is the CRC-32 (IEEE) of a+b from the CRCs of a and b and b's length, as zlib's
// crc32_combine computes it: crcA times x^(8·lenB) modulo the polynomial, plus crcB.
func crc32Combine(crcA, crcB uint32, lenB int64) uint32 {
	if lenB <= 0 {
		return crcA ^ crcB // an empty b: crcB is 0
	}
	return multModP(x2nModP(lenB, 3), crcA) ^ crcB
}

// crcPoly is the IEEE polynomial, reflected.
const crcPoly = 0xedb88320

// multModP multiplies a and b modulo the CRC polynomial (reflected bit order: bit 31 is x^0).
func multModP(a, b uint32) uint32 {
	var p uint32
	for m := uint32(1) << 31; m != 0; m >>= 1 {
		if a&m != 0 {
			p ^= b
			if a&(m-1) == 0 {
				break
			}
		}
		if b&1 != 0 {
			b = b>>1 ^ crcPoly
		} else {
			b >>= 1
		}
	}
	return p
}

// x2nTable holds x^(2^n) modulo the polynomial, n = 0..31.
var x2nTable = func() (t [32]uint32) {
	p := uint32(1) << 30 // x^1
	t[0] = p
	for n := 1; n < 32; n++ {
		p = multModP(p, p)
		t[n] = p
	}
	return t
}()

// x2nModP is x^(n·2^k) modulo the polynomial.
func x2nModP(n int64, k uint) uint32 {
	p := uint32(1) << 31 // x^0
	for n != 0 {
		if n&1 != 0 {
			p = multModP(x2nTable[k&31], p)
		}
		n >>= 1
		k++
	}
	return p
}
