package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
// the approved ones it leaves out in the Citecheck-Skipped header. The ETag hashes the content without the export time, so If-None-Match answers
// 304 until the document or its claims change.
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
	claims, err := s.store.Claims(c.Request().Context(), d.doc.ID, citecheck.ClaimFilter{})
	if err != nil {
		return err
	}
	in, orphans := anchored(d, claims) // every export carries every claim: the orphans last
	claims = append(in, orphans...)
	body, contentType, ext, err := s.exportBody(c, d, claims, format)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body.stable)
	etag := `"` + format + "-" + hex.EncodeToString(sum[:16]) + `"`
	h := c.Response().Header()
	h.Set("ETag", etag)
	if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	h.Set(echo.HeaderContentDisposition,
		fmt.Sprintf("attachment; filename=%q", fmt.Sprintf("citecheck-document-%d%s", d.doc.ID, ext)))
	return c.Blob(http.StatusOK, contentType, body.full)
}

// exportBytes is an export as sent (full) and as hashed for its ETag (stable: without the time
// of the export).
type exportBytes struct {
	full, stable []byte
}

// exportBody renders one export format.
func (s *Server) exportBody(c echo.Context, d *loadedDocument, claims []citecheck.Claim, format string) (exportBytes, string, string, error) {
	now := s.store.Now()
	switch format {
	case "csv":
		fillChecks(d, claims)
		var buf bytes.Buffer
		if err := formats.WriteClaimsCSV(&buf, claims); err != nil {
			return exportBytes{}, "", "", err
		}
		return exportBytes{buf.Bytes(), buf.Bytes()}, "text/csv; charset=utf-8", ".csv", nil
	case "claimreview":
		feed := formats.BuildClaimReview(d.doc, claims, s.organization(c), s.publicURL(c))
		if skipped := feed.SkippedList(); skipped != "" {
			// Said beside the feed, not in it: the feed is pasted into a published page as is.
			c.Response().Header().Set(skippedHeader, skipped)
		}
		b, err := prettyJSON(feed)
		return exportBytes{b, b}, "application/ld+json; charset=utf-8", ".claimreview.jsonld", err
	}
	ex := formats.BuildExport(d.doc, claims, now)
	if format == "w3c" { // the collection carries no export time: it is stable as it is
		b, err := prettyJSON(formats.BuildW3C(ex))
		return exportBytes{b, b}, "application/ld+json; charset=utf-8", ".w3c.jsonld", err
	}
	full, err := prettyJSON(ex)
	if err != nil {
		return exportBytes{}, "", "", err
	}
	// Encoded once; the ETag hashes the same bytes with the export time blanked out.
	at, _ := json.Marshal(ex.ExportedAt)
	stable := bytes.Replace(full, append([]byte(`"exported_at": `), at...), []byte(`"exported_at": ""`), 1)
	return exportBytes{full, stable}, echo.MIMEApplicationJSONCharsetUTF8, ".json", nil
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

// prettyJSON encodes v indented, as the exports have always been, without escaping HTML.
func prettyJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return buf.Bytes(), nil
}

// etagMatches reports whether an If-None-Match header names etag (or is "*").
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}
