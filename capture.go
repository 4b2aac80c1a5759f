package citecheck

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// CaptureMethod says how the text of a source came to the server.
type CaptureMethod string

// The capture methods of the contract.
const (
	CapturePaste  CaptureMethod = "paste"  // text typed or pasted into a form or a JSON body
	CaptureUpload CaptureMethod = "upload" // a .txt, .html or .md file sent as multipart
	CaptureFetch  CaptureMethod = "fetch"  // fetched by the server from the entry's URL
)

// The error codes of a capture that is refused. Every one of them is 422: the request was
// understood, but the source it names cannot be archived.
const (
	// ECodeFetchDisabled refuses a capture by URL when the server does not fetch.
	ECodeFetchDisabled = "fetch-disabled"
	// ECodeFetchRefused refuses a URL whose scheme, or the address it resolves or redirects
	// to, is not allowed (loopback, private, link-local, metadata ...).
	ECodeFetchRefused = "fetch-refused"
	// ECodeFetchFailed reports a fetch that did not give a page: no answer, a timeout, too
	// many redirects, or a status other than 2xx.
	ECodeFetchFailed = "fetch-failed"
	// ECodeNotText refuses a body or a file that is not text/plain, text/html or text/markdown.
	ECodeNotText = "not-text"
)

// maxCaptureTitle bounds a source's title, in code points, as a document's title is bounded.
const maxCaptureTitle = 300

// Capture is a source in the API's words: a dated, immutable copy of what one entry of a
// document's reference list cites. A new capture of the same entry is a new source, so that
// evidence keeps pointing at the exact text it was taken from. Its Text is normalised as a
// document's and offsets into it count its code points. (Sources is taken by the citation
// picture of a document, hence the name.)
type Capture struct {
	ID          int64         `json:"id"`
	DocumentID  int64         `json:"document_id"`
	Ref         int           `json:"ref"`
	URL         string        `json:"url"`
	FinalURL    string        `json:"final_url"` // after redirects; "" unless fetched
	Title       string        `json:"title"`
	Text        string        `json:"text,omitempty"` // left out of lists
	TextSHA256  string        `json:"text_sha256"`
	Length      int           `json:"length"`
	Method      CaptureMethod `json:"method"`
	HTTPStatus  *int          `json:"http_status"` // nil unless fetched
	ContentType string        `json:"content_type"`
	CapturedBy  string        `json:"captured_by"`
	CapturedAt  time.Time     `json:"captured_at"`

	CapturedByID int64 `json:"-"`
}

// CaptureRefKnown checks that n names a source a capture may archive: an entry of the
// document's reference list, or, for a document without a list, a number that a body marker
// carries. Anything else is not found, as the entry /references/{n} is not found.
func CaptureRefKnown(s Sources, n int) error {
	if s.List != nil {
		if _, ok := s.List.Entry(n); ok {
			return nil
		}
		return Errorf(ECodeNotFound, "reference %d is not in the document's reference list", n)
	}
	for _, c := range s.Citations {
		for _, r := range c.Refs {
			if r == n {
				return nil
			}
		}
	}
	return Errorf(ECodeNotFound, "no marker of the document cites [%d] and it has no reference list", n)
}

// NewCapture validates what a capture is made of and fills its text, hash and length: raw is
// normalised as a document's text (maxBytes as for NormalizeText), the title is trimmed and
// bounded, and a URL must be http or https. The caller sets the document, the ref, the method,
// the fetch details and who captures it.
func NewCapture(raw, title, rawURL string, maxBytes int) (*Capture, error) {
	text, err := NormalizeText(raw, maxBytes)
	if err != nil {
		return nil, err
	}
	title, err = captureTitle(title, text)
	if err != nil {
		return nil, err
	}
	u := strings.TrimSpace(rawURL)
	if err := CheckSourceURL(u); err != nil {
		return nil, err
	}
	return &Capture{URL: u, Title: title, Text: text, TextSHA256: TextSHA256(text),
		Length: utf8.RuneCountInString(text)}, nil
}

// CheckSourceURL accepts "" (no URL) or an absolute http or https URL with a host.
func CheckSourceURL(u string) error {
	if u == "" {
		return nil
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return FieldErrorf(ECodeInvalid, "url", "url must be an absolute http or https address, not %q", clip(u))
	}
	return nil
}

// captureTitle trims a title, or takes the first line of the text when none is given, and
// refuses one too long or holding a control character.
func captureTitle(title, text string) (string, error) {
	if !utf8.ValidString(title) {
		return "", FieldErrorf(ECodeInvalidUTF8, "title", "title is not valid UTF-8")
	}
	t := strings.TrimSpace(title)
	if t == "" {
		first, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
		t = strings.TrimSpace(first)
		if r := []rune(t); len(r) > 80 {
			t = string(r[:79]) + "…"
		}
	}
	if utf8.RuneCountInString(t) > maxCaptureTitle {
		return "", FieldErrorf(ECodeInvalid, "title", "title is longer than %d characters", maxCaptureTitle)
	}
	for _, r := range t {
		if r < 0x20 || r == 0x7f {
			return "", FieldErrorf(ECodeControlChar, "title", "title holds control character U+%04X", r)
		}
	}
	return t, nil
}
