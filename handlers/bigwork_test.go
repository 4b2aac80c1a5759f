package handlers

import (
	"context"
	"errors"
	"strings"
	"testing"

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
