package fetch

import (
	"bytes"
	"io"
	"net/url"
	"path"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	"codeberg.org/readeck/go-readability/v2/render"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"github.com/citecheck/citecheck"
)

// Readable is the text of a page or a file, ready to be normalised as a document's text, and
// the title the page gives itself ("" when it gives none).
type Readable struct {
	Title string
	Text  string
}

// TypeOfFile gives the media type of an uploaded file from its name: .txt, .html, .htm, .md
// and .markdown are text; anything else is refused as not-text.
func TypeOfFile(name string) (string, error) {
	switch strings.ToLower(path.Ext(name)) {
	case ".txt", ".text":
		return "text/plain", nil
	case ".html", ".htm", ".xhtml":
		return "text/html", nil
	case ".md", ".markdown":
		return "text/markdown", nil
	}
	return "", citecheck.FieldErrorf(citecheck.ECodeNotText, "file", "%q is not a .txt, .html or .md file", name)
}

// Extract turns a body of a media type of TextTypes into text, decoding it from its charset
// (declared, or for HTML also found in the page) into UTF-8. HTML is reduced to its readable
// article by go-readability, the Go port of Firefox's Reader View, and rendered as text with
// its paragraphs separated by blank lines; a page that has no article (an index, a short note)
// is rendered whole, still by the same renderer, never by stripping tags by hand. pageURL,
// when known, resolves the page's relative links.
func Extract(body []byte, mediaType, declaredCharset string, pageURL *url.URL) (Readable, error) {
	switch mediaType {
	case "text/html":
		return extractHTML(body, declaredCharset, pageURL)
	case "text/plain", "text/markdown":
		text, err := decode(body, declaredCharset)
		return Readable{Text: text}, err
	}
	return Readable{}, citecheck.Errorf(citecheck.ECodeNotText, "%s is not text/plain, text/html or text/markdown", mediaType)
}

// decode reads body in its declared charset; without one, it must already be UTF-8, which
// NormalizeText checks.
func decode(body []byte, label string) (string, error) {
	label = strings.ToLower(strings.TrimSpace(label))
	if label == "" || label == "utf-8" || label == "utf8" || label == "us-ascii" {
		return string(body), nil
	}
	r, err := charset.NewReaderLabel(label, bytes.NewReader(body))
	if err != nil {
		return "", citecheck.Errorf(citecheck.ECodeNotText, "the charset %q is not known", label)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return "", citecheck.Errorf(citecheck.ECodeNotText, "the text cannot be read as %s", label)
	}
	return string(b), nil
}

func extractHTML(body []byte, declaredCharset string, pageURL *url.URL) (Readable, error) {
	contentType := "text/html"
	if declaredCharset != "" {
		contentType += "; charset=" + declaredCharset
	}
	r, err := charset.NewReader(bytes.NewReader(body), contentType)
	if err != nil {
		return Readable{}, citecheck.Errorf(citecheck.ECodeNotText, "the page's charset is not known")
	}
	doc, err := html.Parse(r)
	if err != nil {
		return Readable{}, citecheck.Errorf(citecheck.ECodeNotText, "the page cannot be read as HTML: %v", err)
	}
	if pageURL == nil {
		pageURL = &url.URL{}
	}
	article, err := readability.FromDocument(doc, pageURL)
	text := ""
	if err == nil && article.Node != nil {
		text = render.InnerText(article.Node)
	}
	if strings.TrimSpace(text) == "" {
		text = render.InnerText(bodyOf(doc))
	}
	if strings.TrimSpace(text) == "" {
		return Readable{}, citecheck.Errorf(citecheck.ECodeEmptyText, "the page holds no text")
	}
	title := ""
	if err == nil {
		title = strings.TrimSpace(article.Title())
	}
	return Readable{Title: title, Text: paragraphs(text)}, nil
}

// bodyOf is the <body> of a parsed page, or the page itself.
func bodyOf(doc *html.Node) *html.Node {
	var find func(*html.Node) *html.Node
	find = func(n *html.Node) *html.Node {
		if n.Type == html.ElementNode && n.Data == "body" {
			return n
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if b := find(c); b != nil {
				return b
			}
		}
		return nil
	}
	if b := find(doc); b != nil {
		return b
	}
	return doc
}

// paragraphs trims each line of rendered text and keeps at most one blank line between
// paragraphs, so that a source reads as a document does.
func paragraphs(text string) string {
	var out []string
	blank := false
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}
