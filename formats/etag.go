package formats

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"

	"github.com/citecheck/citecheck"
)

// ExportETag is the entity tag of the export of doc with claims (in export order) in format:
// a hash of everything the body is made from except the time of the export. That is the
// document's id, revision, title, text hash and reference list, and each claim's id, version,
// revision and review; a claim's version goes up on every change to it, re-anchoring included,
// and its checks follow from the text, the reference list and its refs. extra names whatever
// else a format depends on (ClaimReview's publisher and base URL). It reads no text and encodes
// nothing, so the server answers a matching If-None-Match before any encoding. It is weak
// (W/), since two native bodies with the same tag differ in exported_at. Anything added to an
// export must be added here, or a client keeps a stale copy.
func ExportETag(format string, doc *citecheck.Document, claims []citecheck.Claim, extra ...string) string {
	h := etagHash{sha256.New(), nil}
	h.str(format)
	h.ints(doc.ID, int64(doc.Revision), int64(doc.Length))
	h.str(doc.Title)
	h.str(doc.TextSHA256)
	h.references(doc.References)
	h.ints(int64(len(claims)))
	for i := range claims {
		c := &claims[i]
		h.ints(c.ID, int64(c.Version), int64(c.Revision))
		h.str(string(c.Review))
	}
	for _, e := range extra {
		h.str(e)
	}
	return `W/"` + format + "-" + hex.EncodeToString(h.h.Sum(nil)[:16]) + `"`
}

// etagHash feeds values into a hash unambiguously: integers as varints, strings with their
// length first.
type etagHash struct {
	h   hash.Hash
	buf []byte
}

func (e *etagHash) ints(ns ...int64) {
	e.buf = e.buf[:0]
	for _, n := range ns {
		e.buf = binary.AppendVarint(e.buf, n)
	}
	e.h.Write(e.buf)
}

func (e *etagHash) str(s string) {
	e.buf = append(binary.AppendVarint(e.buf[:0], int64(len(s))), s...) // reused: no copy per value
	e.h.Write(e.buf)
}

// references hashes a reference list; none at all differs from an empty one.
func (e *etagHash) references(l *citecheck.ReferenceList) {
	if l == nil {
		e.ints(-1)
		return
	}
	e.ints(int64(l.Start), int64(len(l.Entries)))
	e.str(l.Heading)
	for _, r := range l.Entries {
		manual := int64(0)
		if r.Manual {
			manual = 1
		}
		e.ints(int64(r.Number), int64(r.Start), int64(r.End), manual)
		e.str(r.Text)
		e.str(r.URL)
	}
}

// SourcesTag is the part of an export's ETag that its sources make: their ids and text hashes.
// Sources are never changed, only added and deleted, so these say which ones there are; pass
// it among ExportETag's extra, since a new source changes the native export.
func SourcesTag(sources []citecheck.Capture) string {
	var b strings.Builder
	for i := range sources {
		fmt.Fprintf(&b, "%d:%s;", sources[i].ID, sources[i].TextSHA256)
	}
	return b.String()
}
