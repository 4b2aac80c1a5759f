package fetch

import (
	"net/url"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

const articleHTML = `<!doctype html>
<html><head><title>Vienna talks open | Example News</title>
<script>var tracking = "not text";</script><style>p { color: red }</style></head>
<body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Vienna talks open</h1>
<p>Foreign ministers of 20 countries met in Vienna on 30 October 2015 to discuss a political
settlement of the war in Syria, the first such meeting to include Iran.</p>
<p>The ministers agreed that the Syrian government and the opposition should start political
talks, and that the United Nations should bring them together, a diplomat said &ldquo;at last&rdquo;.</p>
<p>Caf&eacute; owners in the old town said business had fallen by 40&nbsp;per cent since the
summer, and that the talks gave them little hope of a quick recovery.</p>
</article>
<footer>Copyright Example News</footer>
</body></html>`

func TestExtractHTMLKeepsTheArticleAsParagraphs(t *testing.T) {
	r, err := Extract([]byte(articleHTML), "text/html", "", &url.URL{Scheme: "https", Host: "example.org", Path: "/a"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Title, "Vienna talks open") {
		t.Errorf("title %q", r.Title)
	}
	paras := strings.Split(r.Text, "\n\n")
	var found []string
	for _, want := range []string{"Foreign ministers of 20 countries met in Vienna", "the Syrian government and the opposition",
		"Café owners in the old town said business had fallen by 40\u00a0per cent"} {
		for _, p := range paras {
			if strings.Contains(p, want) {
				found = append(found, want)
				if strings.Contains(p, "\n") {
					t.Errorf("a paragraph is broken across lines: %q", p)
				}
			}
		}
	}
	if len(found) != 3 {
		t.Errorf("paragraphs %q, found %v", paras, found)
	}
	for _, bad := range []string{"tracking", "color: red", "<p>", "&eacute;", "Copyright"} {
		if strings.Contains(r.Text, bad) {
			t.Errorf("text holds %q: %q", bad, r.Text)
		}
	}
	if _, err := citecheck.NormalizeText(r.Text, 0); err != nil {
		t.Errorf("extracted text is not a valid source text: %v", err)
	}
}

func TestExtractHTMLWithoutAnArticleRendersTheBody(t *testing.T) {
	r, err := Extract([]byte(`<html><body><p>Short note.</p><p>Second line.</p></body></html>`), "text/html", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Text != "Short note.\n\nSecond line." {
		t.Errorf("text %q", r.Text)
	}
}

func TestExtractDecodesTheCharset(t *testing.T) {
	latin1 := []byte("Caf\xe9 closed.")
	tests := []struct {
		name, mediaType, charset string
		body                     []byte
		want                     string
	}{
		{"declared latin-1 text", "text/plain", "ISO-8859-1", latin1, "Café closed."},
		{"utf-8 markdown", "text/markdown", "utf-8", []byte("# Café\n\nClosed."), "# Café\n\nClosed."},
		{"latin-1 HTML from its meta tag", "text/html", "",
			[]byte(`<html><head><meta charset="iso-8859-1"></head><body><p>Caf` + "\xe9" + ` closed.</p></body></html>`), "Café closed."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Extract(tt.body, tt.mediaType, tt.charset, nil)
			if err != nil || r.Text != tt.want {
				t.Errorf("text %q, err %v, want %q", r.Text, err, tt.want)
			}
		})
	}
}

func TestExtractRefuses(t *testing.T) {
	tests := []struct {
		name, mediaType, charset, body, code string
	}{
		{"an image", "image/png", "", "\x89PNG", citecheck.ECodeNotText},
		{"an unknown charset", "text/plain", "klingon", "x", citecheck.ECodeNotText},
		{"HTML without text", "text/html", "", "<html><body><img src=x></body></html>", citecheck.ECodeEmptyText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Extract([]byte(tt.body), tt.mediaType, tt.charset, nil)
			if citecheck.ErrorCode(err) != tt.code {
				t.Errorf("err %v, want %s", err, tt.code)
			}
		})
	}
}

func TestTypeOfFile(t *testing.T) {
	for name, want := range map[string]string{"a.txt": "text/plain", "B.HTML": "text/html", "c.htm": "text/html",
		"notes.md": "text/markdown", "x.markdown": "text/markdown"} {
		if got, err := TypeOfFile(name); err != nil || got != want {
			t.Errorf("%s: %q %v", name, got, err)
		}
	}
	for _, name := range []string{"a.pdf", "b.png", "noext", "a.txt.exe"} {
		if _, err := TypeOfFile(name); citecheck.ErrorCode(err) != citecheck.ECodeNotText {
			t.Errorf("%s: %v", name, err)
		}
	}
}
