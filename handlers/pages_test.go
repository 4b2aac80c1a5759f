package handlers

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

func TestDocumentPageRendersHighlightsAndEscapes(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "<script>alert(1)</script>", "A <b>bold</b> claim. [1] Kurds[2]")
	h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
		map[string]any{"start": 0, "end": 20, "refs": []int{1}, "status": "supported", "note": "<img src=x onerror=alert(1)>"})
	b := h.newBrowser()
	b.login("rita")
	r := b.get(fmt.Sprintf("/documents/%d", doc.ID))
	page := string(r.body)
	if r.status != 200 {
		t.Fatalf("document page: %d", r.status)
	}
	for _, bad := range []string{"<script>alert(1)", "<b>bold</b>", "<img src=x"} {
		if strings.Contains(page, bad) {
			t.Fatalf("page holds unescaped %q", bad)
		}
	}
	for _, want := range []string{`id="doc-text"`, `class="hl st-supported`, `data-o="0"`, `mk`, "Download JSON"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if r := b.get("/"); !strings.Contains(string(r.body), "&lt;script&gt;") {
		t.Errorf("documents page does not show the escaped title")
	}
}

func TestPageFormsCreateEditAndDelete(t *testing.T) {
	h := newHarness(t, Config{})
	b := h.newBrowser()
	b.login("rita")
	r := b.postForm("/documents", url.Values{"title": {"Pasted"}, "text": {"Pasted claim. [7]"}}, true)
	if r.status != http.StatusSeeOther {
		t.Fatalf("paste: %d %s", r.status, r.body)
	}
	var docID int64
	fmt.Sscanf(r.header.Get("Location"), "/documents/%d", &docID)
	r = b.postForm(fmt.Sprintf("/documents/%d/claims", docID), url.Values{"start": {"0"}, "end": {"13"}, "refs": {"7"}, "status": {"supported"}}, true)
	if r.status != http.StatusSeeOther {
		t.Fatalf("claim form: %d %s", r.status, r.body)
	}
	r = b.postForm(fmt.Sprintf("/documents/%d/claims", docID), url.Values{"start": {"0"}, "end": {"999"}, "refs": {"7"}}, true)
	if r.status != 422 || !strings.Contains(string(r.body), "offset") {
		t.Fatalf("bad claim form: %d", r.status)
	}
	claims, _ := h.st.Claims(t.Context(), docID, citecheck.ClaimFilter{})
	if len(claims) != 1 || claims[0].Quote != "Pasted claim." {
		t.Fatalf("claims %+v", claims)
	}
	id := claims[0].ID
	r = b.postForm(fmt.Sprintf("/claims/%d", id), url.Values{"version": {"1"}, "refs": {"7, 8"}, "status": {"partly-supported"}, "note": {"half"}}, true)
	if r.status != http.StatusSeeOther {
		t.Fatalf("edit form: %d %s", r.status, r.body)
	}
	r = b.postForm(fmt.Sprintf("/claims/%d", id), url.Values{"version": {"1"}, "refs": {"7"}, "status": {"supported"}}, true)
	if r.status != http.StatusConflict {
		t.Fatalf("stale edit form: %d", r.status)
	}
	cl, _ := h.st.Claim(t.Context(), id)
	if cl.Version != 2 || cl.Status != "partly-supported" || fmt.Sprint(cl.Refs) != "[7 8]" || cl.Note != "half" {
		t.Fatalf("after edit: %+v", cl)
	}
	confirmed := url.Values{"confirm": {"yes"}}
	if r := b.postForm(fmt.Sprintf("/claims/%d/delete", id), confirmed, true); r.status != http.StatusSeeOther {
		t.Fatalf("delete claim: %d", r.status)
	}
	if r := b.postForm(fmt.Sprintf("/documents/%d/delete", docID), confirmed, true); r.status != http.StatusSeeOther {
		t.Fatalf("delete document: %d", r.status)
	}
	if _, err := h.st.Document(t.Context(), docID); citecheck.ErrorCode(err) != "not-found" {
		t.Fatalf("document still there: %v", err)
	}
}

func TestUploadTextFile(t *testing.T) {
	h := newHarness(t, Config{})
	b := h.newBrowser()
	b.login("rita")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", b.csrf)
	mw.WriteField("title", "")
	fw, _ := mw.CreateFormFile("file", "report.txt")
	fw.Write([]byte("\xEF\xBB\xBFUploaded “text”.[3]\r\n"))
	mw.Close()
	req, _ := http.NewRequest("POST", h.srv.URL+"/documents", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r := h.send(b.client, req)
	if r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	docs, _ := h.st.Documents(t.Context())
	if len(docs) != 1 || docs[0].Title != "report" {
		t.Fatalf("docs %+v", docs)
	}
	d, _ := h.st.Document(t.Context(), docs[0].ID)
	if d.Text != "Uploaded “text”.[3]\n" || len(d.Citations) != 1 {
		t.Fatalf("uploaded text %q %v", d.Text, d.Citations)
	}
	var bad bytes.Buffer
	mw = multipart.NewWriter(&bad)
	mw.WriteField("csrf_token", b.csrf)
	fw, _ = mw.CreateFormFile("file", "bad.txt")
	fw.Write([]byte("bad \xff bytes"))
	mw.Close()
	req, _ = http.NewRequest("POST", h.srv.URL+"/documents", &bad)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if r := h.send(b.client, req); r.status != 400 || !strings.Contains(string(r.body), "UTF-8") {
		t.Fatalf("invalid upload: %d %s", r.status, r.body)
	}
}
