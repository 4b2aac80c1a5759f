package handlers

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/formats"
)

// skippedHeader lists the approved claims a ClaimReview export leaves out, and why:
// "13=unrated, 20=orphaned".
const skippedHeader = "Citecheck-Skipped"

// exportFormats are the values of the export's format query parameter ("" is native).
var exportFormats = map[string]bool{"": true, "native": true, "w3c": true, "claimreview": true, "csv": true}

// exportDocument answers a document as a download: the native export (default), the W3C Web
// Annotation collection, the schema.org ClaimReview feed of its approved claims, or a CSV of
// its claims. Every format but ClaimReview carries every claim, orphans included (last, with no
// position); ClaimReview publishes the approved claims anchored in the current text and names
// the approved ones it leaves out in the Citecheck-Skipped header. The ETag comes from what the
// body is made from (formats.ExportETag: the document's revision and the claims' versions, not
// the export time), so If-None-Match answers 304 before anything is encoded. The body is
// streamed to the response as it is encoded.
func (s *Server) exportDocument(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	format := c.QueryParam("format")
	if !exportFormats[format] {
		return citecheck.FieldErrorf(citecheck.ECodeInvalid, "format",
			"format must be native, w3c, claimreview or csv, not %q", format)
	}
	// Every export carries every claim, the orphans last: the shared view holds them so, with
	// their checks, for every reader of this state.
	st, err := s.documentState(c.Request().Context(), d)
	if err != nil {
		return err
	}
	d, claims := st.d, st.exported
	native := format == "" || format == "native"
	if !native || !st.exportWarm.Load() || !acceptsGzip(c) {
		// A big export waits for a render slot, unless it is a gzipped native one of a view
		// whose chunks are kept already: that one copies kept bytes and allocates little.
		release, err := s.bigWork(c.Request().Context(), d)
		if err != nil {
			return err
		}
		defer release()
	}
	sources, err := s.exportSources(c, d.doc.ID, format)
	if err != nil {
		return err
	}
	extra := []string{formats.SourcesTag(sources)}
	if format == "claimreview" {
		extra = append(extra, s.organization(c), s.publicURL(c))
	}
	if format == "" {
		format = "native"
	}
	etag := formats.ExportETag(format, d.doc, claims, extra...)
	h := c.Response().Header()
	h.Set("ETag", etag)
	if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	if err := s.writeExport(c, st, sources, format); err != nil {
		// The status and part of the body may be sent already: this only logs.
		return fmt.Errorf("export document %d as %q: %w", d.doc.ID, format, err)
	}
	if native && acceptsGzip(c) {
		st.exportWarm.Store(true)
	}
	return nil
}

// writeExport sends the headers of one export format and streams its body, gzipped to a
// client that takes it (the export's route compresses its own answers).
func (s *Server) writeExport(c echo.Context, st *docState, sources []citecheck.Capture, format string) error {
	d, claims := st.d, st.exported
	var z *segmentedGzip
	var w io.Writer
	begin := func(contentType, ext string) {
		c.Response().Header().Set(echo.HeaderContentDisposition,
			fmt.Sprintf("attachment; filename=%q", fmt.Sprintf("citecheck-document-%d%s", d.doc.ID, ext)))
		if z = gzipAnswer(c, http.StatusOK, contentType); z != nil {
			w = z
		} else {
			w = c.Response()
		}
	}
	var err error
	switch format {
	case "csv":
		begin("text/csv; charset=utf-8", ".csv")
		err = formats.WriteClaimsCSV(w, claims)
	case "claimreview":
		feed := formats.BuildClaimReview(d.doc, claims, sources, s.organization(c), s.publicURL(c))
		if skipped := feed.SkippedList(); skipped != "" {
			// Said beside the feed, not in it: the feed is pasted into a published page as is.
			c.Response().Header().Set(skippedHeader, skipped)
		}
		begin("application/ld+json; charset=utf-8", ".claimreview.jsonld")
		err = formats.WriteClaimReview(w, feed)
	default:
		ex := formats.BuildCheckedExport(d.doc, claims, st.check, s.store.Now())
		ex.Sources = sources
		if format == "w3c" {
			begin("application/ld+json; charset=utf-8", ".w3c.jsonld")
			err = formats.WriteW3C(w, formats.BuildW3C(ex))
			break
		}
		begin(echo.MIMEApplicationJSONCharsetUTF8, ".json")
		if z == nil {
			err = formats.WriteExport(w, ex) // claim by claim through one small buffer
			break
		}
		// Gzipped, the document's head and runs of claims are segments kept compressed.
		err = formats.WriteExportParts(z, ex, func(io.Writer) error {
			seg, err := d.exportHead(ex)
			if err != nil {
				return err
			}
			return z.WriteSegment(seg)
		}, func(io.Writer) error {
			return st.writeChunks(z, allClaims(len(claims)), exportChunkSlot, st.appendExportClaims)
		})
	}
	if err != nil || z == nil {
		return err // a stream that failed is left unfinished: its client sees it broken
	}
	return z.Close()
}

// allClaims is the order 0, 1, ... n-1: every claim of a view in export order.
func allClaims(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// appendExportClaims appends the claims of order to dst as the native export's list holds
// them, with the separator between them.
func (st *docState) appendExportClaims(dst []byte, order []int) ([]byte, error) {
	for k, i := range order {
		b, err := formats.ExportClaimJSON(&st.exported[i])
		if err != nil {
			return nil, err
		}
		if k > 0 {
			dst = append(dst, formats.ExportClaimSeparator)
		}
		dst = formats.AppendExportClaim(dst, b)
	}
	return dst, nil
}

// exportHead answers the segment of the native export's head after its exported_at value
// (formats.ExportHeadRest), which only the document's row decides: made by the first export
// of d that needs it and kept with d.
func (d *loadedDocument) exportHead(ex *formats.Export) (*gzSegment, error) {
	if seg := d.exportHeadSeg.Load(); seg != nil {
		return seg, nil
	}
	rest, err := formats.ExportHeadRest(ex)
	if err != nil {
		return nil, err
	}
	seg := newSegment(rest)
	d.exportHeadSeg.Store(seg)
	return seg, nil
}

// exportSources loads the document's sources for an export: with their text for the formats
// that carry it (native, w3c), without for the others, which need only their URLs and ids.
func (s *Server) exportSources(c echo.Context, id int64, format string) ([]citecheck.Capture, error) {
	if format == "" || format == "native" || format == "w3c" {
		return s.store.CapturesWithText(c.Request().Context(), id)
	}
	return s.store.Captures(c.Request().Context(), id)
}

// organization is the publisher named in ClaimReview exports.
func (s *Server) organization(c echo.Context) string {
	if s.cfg.Organization != "" {
		return s.cfg.Organization
	}
	return c.Request().Host
}

// publicURL is the base URL of the links in ClaimReview exports.
func (s *Server) publicURL(c echo.Context) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimRight(s.cfg.PublicURL, "/")
	}
	return c.Scheme() + "://" + c.Request().Host
}

// etagMatches reports whether an If-None-Match header names etag (or is "*").
func etagMatches(header, etag string) bool {
	etag = strings.TrimPrefix(etag, "W/") // If-None-Match compares weakly (RFC 9110, 13.1.2)
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}
