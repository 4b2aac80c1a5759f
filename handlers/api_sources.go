package handlers

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/fetch"
)

type captureRequest struct {
	Text  *string `json:"text"`
	Title string  `json:"title"`
	URL   string  `json:"url"`
}

// captureInput is a capture as asked for, by the API or a form: pasted text, an uploaded
// file, or only a URL for the server to fetch.
type captureInput struct {
	text     *string
	fileName string
	file     []byte
	title    string
	url      string
}

// fetchRefusal marks an error of a fetch, which the contract answers with 422 whatever its
// code: the request was fine, the page it names is what cannot be archived.
type fetchRefusal struct{ err error }

func (f *fetchRefusal) Error() string { return f.err.Error() }
func (f *fetchRefusal) Unwrap() error { return f.err }

// captureSource archives a source for entry ref of document d: every door (API, form) comes
// here, so the same rules hold for all of them.
func (s *Server) captureSource(c echo.Context, d *loadedDocument, ref int, in captureInput) (*citecheck.Capture, error) {
	if err := citecheck.CaptureRefKnown(d.src, ref); err != nil {
		return nil, err
	}
	var cp *citecheck.Capture
	var err error
	switch {
	case in.text != nil:
		cp, err = citecheck.NewCapture(*in.text, in.title, in.url, s.cfg.MaxTextBytes)
		if err == nil {
			cp.Method, cp.ContentType = citecheck.CapturePaste, "text/plain"
		}
	case in.fileName != "":
		cp, err = s.uploadedCapture(in)
	case strings.TrimSpace(in.url) != "":
		cp, err = s.fetchedCapture(c, in)
	default:
		return nil, citecheck.FieldErrorf(citecheck.ECodeInvalid, "text", "send the source's text, a file, or its url for the server to fetch")
	}
	if err != nil {
		return nil, err
	}
	cp.DocumentID, cp.Ref, cp.CapturedByID = d.doc.ID, ref, currentUser(c).ID
	return s.store.CreateCapture(c.Request().Context(), cp)
}

// uploadedCapture reads an uploaded .txt, .html or .md file; a page's own title is used when
// none is given, else the file's name.
func (s *Server) uploadedCapture(in captureInput) (*citecheck.Capture, error) {
	mediaType, err := fetch.TypeOfFile(in.fileName)
	if err != nil {
		return nil, err
	}
	r, err := fetch.Extract(in.file, mediaType, "", nil)
	if err != nil {
		return nil, err
	}
	title := firstNonEmpty(in.title, r.Title, strings.TrimSuffix(path.Base(in.fileName), path.Ext(in.fileName)))
	cp, err := citecheck.NewCapture(r.Text, title, in.url, s.cfg.MaxTextBytes)
	if err != nil {
		return nil, err
	}
	cp.Method, cp.ContentType = citecheck.CaptureUpload, mediaType
	return cp, nil
}

// fetchedCapture fetches in.url through the safe client and archives what it got.
func (s *Server) fetchedCapture(c echo.Context, in captureInput) (*citecheck.Capture, error) {
	page, err := s.fetcher.Fetch(c.Request().Context(), in.url)
	if err != nil {
		return nil, &fetchRefusal{err}
	}
	final, _ := url.Parse(page.FinalURL)
	r, err := fetch.Extract(page.Body, page.ContentType, page.Charset, final)
	if err != nil {
		return nil, &fetchRefusal{pageError(err)}
	}
	cp, err := citecheck.NewCapture(r.Text, firstNonEmpty(in.title, r.Title), page.URL, s.cfg.MaxTextBytes)
	if err != nil {
		return nil, &fetchRefusal{pageError(err)}
	}
	status := page.Status
	cp.Method, cp.FinalURL, cp.HTTPStatus, cp.ContentType = citecheck.CaptureFetch, page.FinalURL, &status, page.ContentType
	return cp, nil
}

// pageError names a fetched page that gave no usable text in the fetch's own codes: too large
// once decoded, or not clean text.
func pageError(err error) error {
	var e *citecheck.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code {
	case citecheck.ECodeTextTooLarge:
		return citecheck.FieldErrorf(citecheck.ECodeTooLarge, "url", "the page's text is too large: %s", e.Message)
	case citecheck.ECodeInvalidUTF8, citecheck.ECodeControlChar, citecheck.ECodeEmptyText, citecheck.ECodeNotText:
		return citecheck.FieldErrorf(citecheck.ECodeNotText, "url", "the page gave no usable text: %s", e.Message)
	}
	return err
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// captureRequestInput reads the body of POST .../sources: JSON, or a multipart upload whose
// field file holds the source.
func (s *Server) captureRequestInput(c echo.Context) (captureInput, error) {
	if !strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
		var req captureRequest
		if err := decodeJSON(c, &req); err != nil {
			return captureInput{}, err
		}
		return captureInput{text: req.Text, title: req.Title, url: req.URL}, nil
	}
	in := captureInput{title: c.FormValue("title"), url: c.FormValue("url")}
	fh, err := c.FormFile("file")
	if err != nil {
		return in, citecheck.FieldErrorf(citecheck.ECodeInvalid, "file", "a multipart upload needs its file in the field \"file\"")
	}
	// One source per upload: a second file, or pasted text beside the file, is not silently
	// dropped.
	if form, err := c.MultipartForm(); err == nil {
		if n := len(form.File["file"]); n > 1 {
			return in, citecheck.FieldErrorf(citecheck.ECodeInvalid, "file", "an upload holds one file, not %d: upload each as its own source", n)
		}
		if len(form.Value["text"]) > 0 {
			return in, citecheck.FieldErrorf(citecheck.ECodeInvalid, "text", "an upload sends its file, not text as well: paste text as JSON {\"text\"}")
		}
	}
	if fh.Size > s.fetcher.MaxBytes() {
		return in, citecheck.FieldErrorf(citecheck.ECodeTooLarge, "file", "the file is larger than the limit of %d bytes", s.fetcher.MaxBytes())
	}
	f, err := fh.Open()
	if err != nil {
		return in, err
	}
	defer f.Close()
	if in.file, err = io.ReadAll(f); err != nil {
		return in, err
	}
	in.fileName = fh.Filename
	return in, nil
}

func (s *Server) createSource(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	ref, err := referenceNumber(c)
	if err != nil {
		return err
	}
	in, err := s.captureRequestInput(c)
	if err != nil {
		return err
	}
	cp, err := s.captureSource(c, d, ref, in)
	var fr *fetchRefusal
	if errors.As(err, &fr) {
		_, detail := s.toDetail(c, fr.err)
		return c.JSON(http.StatusUnprocessableEntity, errorBody{Error: detail})
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, cp)
}

func (s *Server) getSource(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	cp, err := s.store.Capture(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cp)
}

func (s *Server) listSources(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	list, err := s.store.Captures(c.Request().Context(), d.doc.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"sources": list})
}
