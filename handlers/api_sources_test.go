package handlers

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/fetch"
)

// sourcesDocText has a reference list, so captures are for its entries 1 and 2.
const sourcesDocText = "Talks began in Vienna. [1] Observers doubted 40% of it. [2]\n\nReferences\n[1] Reuters, https://example.org/r\n[2] AP."

const articlePage = `<html><head><title>Vienna talks open</title></head><body>
<nav>Home · World</nav>
<article><h1>Vienna talks open</h1>
<p>Foreign ministers of twenty countries met in Vienna on Friday to discuss a political settlement
of the war, the first such meeting to include every regional power with a stake in it.</p>
<p>The ministers agreed that the government and the opposition should start political talks
under the aegis of the United Nations, a diplomat said after the meeting ended late at night.</p>
</article></body></html>`

// fetchHarness is a harness whose server fetches, with the loopback test server allowed.
func fetchHarness(t *testing.T, allow string, maxBytes int64, timeout time.Duration) *harness {
	t.Helper()
	a, err := fetch.ParseAllowList(allow)
	if err != nil {
		t.Fatal(err)
	}
	return newHarness(t, Config{Fetch: fetch.Config{Enabled: true, Allow: a, MaxBytes: maxBytes, Timeout: timeout}})
}

// pageServer serves the pages the fetch tests ask for, on 127.0.0.1.
func pageServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/moved":
			http.Redirect(w, r, "/article", http.StatusMovedPermanently)
		case "/article":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(articlePage))
		case "/to-private":
			http.Redirect(w, r, "http://127.0.0.2:9/admin", http.StatusFound)
		case "/big":
			w.Header().Set("Content-Type", "text/plain")
			w.Write(bytes.Repeat([]byte("a"), 5000))
		case "/slow":
			<-r.Context().Done()
		case "/image":
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte("\x89PNG"))
		case "/empty":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body><img src=x></body></html>"))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// upload sends a multipart capture as user.
func (h *harness) upload(path, user, fileName string, content []byte, fields map[string]string) response {
	h.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", fileName)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", h.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+h.tokens[user])
	return h.send(http.DefaultClient, req)
}

func sourcesPath(doc int64, ref int) string {
	return fmt.Sprintf("/api/v1/documents/%d/references/%d/sources", doc, ref)
}

func TestCaptureSourceByPasteUploadAndFetch(t *testing.T) {
	srv := pageServer(t)
	h := fetchHarness(t, "127.0.0.1/32", 0, 0)
	doc := h.createDocument("rita", "talks", sourcesDocText)

	r := h.do("POST", sourcesPath(doc.ID, 1), "rita", map[string]any{
		"text": "Reuters\r\nTalks began in Vienna.\r\nCafe\u0301 owners spoke.", "title": "Reuters wire", "url": "https://example.org/r"})
	if r.status != http.StatusCreated {
		t.Fatalf("paste: %d %s", r.status, r.body)
	}
	var pasted citecheck.Capture
	r.json(t, &pasted)
	wantText := "Reuters\nTalks began in Vienna.\nCafé owners spoke."
	if pasted.Method != citecheck.CapturePaste || pasted.Text != wantText || pasted.TextSHA256 != citecheck.TextSHA256(wantText) ||
		pasted.Length != len([]rune(wantText)) || pasted.Ref != 1 || pasted.DocumentID != doc.ID || pasted.Title != "Reuters wire" ||
		pasted.CapturedBy != "rita" || pasted.HTTPStatus != nil || pasted.ContentType != "text/plain" || pasted.URL != "https://example.org/r" {
		t.Errorf("pasted %+v", pasted)
	}

	r = h.upload(sourcesPath(doc.ID, 2), "ralph", "ap-wire.html", []byte(articlePage), map[string]string{"url": "https://example.org/ap"})
	if r.status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	var uploaded citecheck.Capture
	r.json(t, &uploaded)
	if uploaded.Method != citecheck.CaptureUpload || uploaded.ContentType != "text/html" || uploaded.Title != "Vienna talks open" ||
		!strings.Contains(uploaded.Text, "the first such meeting to include every regional power") ||
		!strings.Contains(uploaded.Text, "with a stake in it.\n\nThe ministers agreed") || strings.Contains(uploaded.Text, "<p>") {
		t.Errorf("uploaded %+v", uploaded)
	}
	r = h.upload(sourcesPath(doc.ID, 2), "ralph", "notes.md", []byte("# AP notes\n\nObservers doubted it."), nil)
	var md citecheck.Capture
	r.json(t, &md)
	if r.status != http.StatusCreated || md.ContentType != "text/markdown" || md.Title != "notes" || md.Text != "# AP notes\n\nObservers doubted it." {
		t.Errorf("markdown upload %d %+v", r.status, md)
	}

	r = h.do("POST", sourcesPath(doc.ID, 1), "ed", map[string]any{"url": srv.URL + "/moved"})
	if r.status != http.StatusCreated {
		t.Fatalf("fetch: %d %s", r.status, r.body)
	}
	var fetched citecheck.Capture
	r.json(t, &fetched)
	if fetched.Method != citecheck.CaptureFetch || fetched.URL != srv.URL+"/moved" || fetched.FinalURL != srv.URL+"/article" ||
		fetched.HTTPStatus == nil || *fetched.HTTPStatus != 200 || fetched.ContentType != "text/html" ||
		fetched.Title != "Vienna talks open" || !strings.Contains(fetched.Text, "Foreign ministers of twenty countries") {
		t.Errorf("fetched %+v", fetched)
	}

	r = h.do("GET", fmt.Sprintf("/api/v1/sources/%d", pasted.ID), "ada", nil)
	var got citecheck.Capture
	r.json(t, &got)
	if r.status != 200 || got.Text != wantText || !got.CapturedAt.Equal(pasted.CapturedAt) {
		t.Errorf("GET source: %d %+v", r.status, got)
	}
	r = h.do("GET", fmt.Sprintf("/api/v1/documents/%d/sources", doc.ID), "rita", nil)
	var list struct {
		Sources []map[string]any `json:"sources"`
	}
	r.json(t, &list)
	if len(list.Sources) != 4 {
		t.Fatalf("sources %s", r.body)
	}
	for _, src := range list.Sources {
		if _, has := src["text"]; has {
			t.Errorf("a listed source carries its text: %v", src)
		}
		for _, k := range []string{"id", "document_id", "ref", "url", "final_url", "title", "text_sha256", "length",
			"method", "http_status", "content_type", "captured_by", "captured_at"} {
			if _, ok := src[k]; !ok {
				t.Errorf("source lacks %q: %v", k, src)
			}
		}
	}
}

func TestCaptureRefusalsStoreNothing(t *testing.T) {
	srv := pageServer(t)
	// The private target of the redirect listens, so that a connection to it would be seen.
	var reached bool
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err == nil {
		private := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true })}}
		private.Start()
		t.Cleanup(private.Close)
	}
	allowed := fetchHarness(t, "127.0.0.1/32", 1000, 300*time.Millisecond)
	noAllowList := fetchHarness(t, "", 1000, 300*time.Millisecond)
	off := newHarness(t, Config{})
	tests := []struct {
		name   string
		h      *harness
		send   func(h *harness, doc int64) response
		status int
		code   string
	}{
		{"fetching off", off, jsonCapture(1, map[string]any{"url": srv.URL + "/article"}), 422, citecheck.ECodeFetchDisabled},
		{"loopback without the allow list", noAllowList, jsonCapture(1, map[string]any{"url": srv.URL + "/article"}), 422, citecheck.ECodeFetchRefused},
		{"a redirect to a private address", allowed, jsonCapture(1, map[string]any{"url": srv.URL + "/to-private"}), 422, citecheck.ECodeFetchRefused},
		{"too big", allowed, jsonCapture(1, map[string]any{"url": srv.URL + "/big"}), 422, citecheck.ECodeTooLarge},
		{"too slow", allowed, jsonCapture(1, map[string]any{"url": srv.URL + "/slow"}), 422, citecheck.ECodeFetchFailed},
		{"not http", allowed, jsonCapture(1, map[string]any{"url": "file:///etc/passwd"}), 422, citecheck.ECodeFetchRefused},
		{"not text", allowed, jsonCapture(1, map[string]any{"url": srv.URL + "/image"}), 422, citecheck.ECodeNotText},
		{"a page without text", allowed, jsonCapture(1, map[string]any{"url": srv.URL + "/empty"}), 422, citecheck.ECodeNotText},
		{"an upload that is not text", allowed, func(h *harness, doc int64) response {
			return h.upload(sourcesPath(doc, 1), "rita", "report.pdf", []byte("%PDF-1.4"), nil)
		}, 422, citecheck.ECodeNotText},
		{"an upload above the limit", allowed, func(h *harness, doc int64) response {
			return h.upload(sourcesPath(doc, 1), "rita", "big.txt", bytes.Repeat([]byte("a"), 1001), nil)
		}, 413, citecheck.ECodeTooLarge},
		{"an upload that is not UTF-8", allowed, func(h *harness, doc int64) response {
			return h.upload(sourcesPath(doc, 1), "rita", "latin1.txt", []byte("Caf\xe9"), nil)
		}, 400, citecheck.ECodeInvalidUTF8},
		{"an upload with pasted text beside its file", allowed, func(h *harness, doc int64) response {
			return h.upload(sourcesPath(doc, 1), "rita", "a.txt", []byte("File text."), map[string]string{"text": "Pasted text."})
		}, 422, citecheck.ECodeInvalid},
		{"an upload of two files", allowed, func(h *harness, doc int64) response {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			for _, name := range []string{"a.txt", "b.txt"} {
				fw, _ := mw.CreateFormFile("file", name)
				fw.Write([]byte("Text of " + name))
			}
			mw.Close()
			req, _ := http.NewRequest("POST", h.srv.URL+sourcesPath(doc, 1), &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Authorization", "Bearer "+h.tokens["rita"])
			return h.send(http.DefaultClient, req)
		}, 422, citecheck.ECodeInvalid},
		{"a number the list lacks", allowed, jsonCapture(9, map[string]any{"text": "Text."}), 404, citecheck.ECodeNotFound},
		{"neither text nor url", allowed, jsonCapture(1, map[string]any{"title": "t"}), 422, citecheck.ECodeInvalid},
		{"empty text", allowed, jsonCapture(1, map[string]any{"text": " \n "}), 422, citecheck.ECodeEmptyText},
		{"a NUL in the text", allowed, jsonCapture(1, map[string]any{"text": "a\u0000b"}), 422, citecheck.ECodeControlChar},
		{"a bad url with pasted text", allowed, jsonCapture(1, map[string]any{"text": "Text.", "url": "javascript:alert(1)"}), 422, citecheck.ECodeInvalid},
		{"an unknown field", allowed, jsonCapture(1, map[string]any{"text": "Text.", "html": "x"}), 400, citecheck.ECodeMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := tt.h.createDocument("rita", "talks", sourcesDocText)
			r := tt.send(tt.h, doc.ID)
			if r.status != tt.status || r.errorCode(t) != tt.code {
				t.Errorf("%d %s, want %d %s", r.status, r.body, tt.status, tt.code)
			}
			r = tt.h.do("GET", fmt.Sprintf("/api/v1/documents/%d/sources", doc.ID), "rita", nil)
			if !strings.Contains(string(r.body), `"sources":[]`) {
				t.Errorf("a refused capture stored something: %s", r.body)
			}
		})
	}
	if reached {
		t.Error("a refused redirect reached the private address")
	}
}

// jsonCapture posts body as rita to the sources of entry ref.
func jsonCapture(ref int, body map[string]any) func(h *harness, doc int64) response {
	return func(h *harness, doc int64) response { return h.do("POST", sourcesPath(doc, ref), "rita", body) }
}

func TestCaptureWithoutAListTakesANumberTheMarkersCarry(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "sample", "Talks began. [30] [31]")
	if r := h.do("POST", sourcesPath(doc.ID, 31), "rita", map[string]any{"text": "AP."}); r.status != 201 {
		t.Errorf("a cited number: %d %s", r.status, r.body)
	}
	if r := h.do("POST", sourcesPath(doc.ID, 32), "rita", map[string]any{"text": "AP."}); r.status != 404 {
		t.Errorf("a number no marker carries: %d %s", r.status, r.body)
	}
}

func TestSourcesOfUnknownIDsAreNotFound(t *testing.T) {
	h := newHarness(t, Config{})
	for _, path := range []string{"/api/v1/sources/999", "/api/v1/documents/999/sources", "/api/v1/sources/x"} {
		if r := h.do("GET", path, "rita", nil); r.status != 404 || r.errorCode(t) != citecheck.ECodeNotFound {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
	if r := h.do("POST", sourcesPath(999, 1), "rita", map[string]any{"text": "x"}); r.status != 404 {
		t.Errorf("capture for an unknown document: %d", r.status)
	}
}
