package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
)

// TestBigWorkBoundsBigDocumentsOnly takes every render slot, then asks for one more: a big
// document waits (and gives up with its request's context), a small one never waits, and a
// freed slot is taken again.
func TestBigWorkBoundsBigDocumentsOnly(t *testing.T) {
	s := &Server{bigSlots: make(chan struct{}, bigWorkSlots())}
	doc := func(n int) *loadedDocument {
		text := strings.Repeat("a", n)
		return newLoadedDocument(&citecheck.Document{Text: text}, citecheck.NewText(text), store.DocumentStamp{})
	}
	big, small := doc(bigDocumentChars), doc(bigDocumentChars-1)
	var releases []func()
	for range cap(s.bigSlots) {
		release, err := s.bigWork(t.Context(), big)
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, release)
	}
	ended, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.bigWork(ended, big); !errors.Is(err, context.Canceled) {
		t.Fatalf("a big document with every slot taken: %v, want to wait until the request ends", err)
	}
	release, err := s.bigWork(ended, small) // an ended request: only a wait would notice
	if err != nil {
		t.Fatalf("a small document waited for a slot: %v", err)
	}
	release()
	if len(s.bigSlots) != cap(s.bigSlots) {
		t.Fatalf("a small document took a slot: %d of %d in use", len(s.bigSlots), cap(s.bigSlots))
	}
	releases[0]()
	if release, err = s.bigWork(t.Context(), big); err != nil || len(s.bigSlots) != cap(s.bigSlots) {
		t.Fatalf("a freed slot was not taken again: %v", err)
	}
	release()
	for _, r := range releases[1:] {
		r()
	}
	if len(s.bigSlots) != 0 {
		t.Fatalf("%d slots still held after every release", len(s.bigSlots))
	}
}

// TestAWarmNativeExportTakesNoBigWorkSlot: with every big-work slot taken, a native export of a
// big document whose view has been exported once (its claims encoded) is still answered, and
// so is one of the next state, patched from it; a W3C export, which encodes every claim, waits
// for a slot.
func TestAWarmNativeExportTakesNoBigWorkSlot(t *testing.T) {
	h := newHarness(t, Config{})
	doc, claims := hotDocument(t, h, bigDocumentChars+10_000, 200)
	s := viewServer(h)
	export := func(ctx context.Context, format string) (int, error) {
		req := httptest.NewRequestWithContext(ctx, "GET", "/api/v1/documents/1/export?format="+format, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		c := echo.New().NewContext(req, rec)
		c.SetPath(exportPath)
		c.SetParamNames("id")
		c.SetParamValues(fmt.Sprint(doc.ID))
		err := s.exportDocument(c)
		return rec.Code, err
	}
	if code, err := export(t.Context(), "native"); err != nil || code != http.StatusOK {
		t.Fatalf("first export: %d %v", code, err)
	}
	for range cap(s.bigSlots) {
		s.bigSlots <- struct{}{}
	}
	defer func() {
		for range cap(s.bigSlots) {
			<-s.bigSlots
		}
	}()
	bounded, cancel := context.WithTimeout(t.Context(), 30*time.Second) // a wait fails, not hangs
	defer cancel()
	if code, err := export(bounded, "native"); err != nil || code != http.StatusOK {
		t.Fatalf("native export of a warm view with the slots taken: %d %v", code, err)
	}
	if r := h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", claims[7].ID), "rita",
		map[string]any{"version": claims[7].Version, "note": "next state"}); r.status != http.StatusOK {
		t.Fatalf("edit: %d %s", r.status, r.body)
	}
	if code, err := export(bounded, "native"); err != nil || code != http.StatusOK {
		t.Fatalf("native export of the next state with the slots taken: %d %v", code, err)
	}
	short, cancelShort := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancelShort()
	if _, err := export(short, "w3c"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a W3C export with the slots taken: %v, want it to wait for a slot", err)
	}
}
