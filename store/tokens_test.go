package store

import (
	"context"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

func TestNamedTokensListTouchAndRevoke(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	bob := mustUser(t, s, "bob", citecheck.RoleReviewer)
	tok, err := s.CreateNamedToken(ctx, ana.ID, "laptop script", "hash-a")
	if err != nil || tok.Name != "laptop script" || tok.LastUsedAt != nil {
		t.Fatalf("create: %+v %v", tok, err)
	}
	if _, err := s.CreateNamedToken(ctx, ana.ID, "again", "hash-a"); citecheck.ErrorCode(err) != citecheck.ECodeConflict {
		t.Fatalf("duplicate hash: %v", err)
	}
	if _, err := s.CreateNamedToken(ctx, 999, "x", "hash-x"); citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		t.Fatalf("unknown user: %v", err)
	}
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	if err := s.TouchToken(ctx, tok.ID, at); err != nil {
		t.Fatal(err)
	}
	got, err := s.TokenByHash(ctx, "hash-a")
	if err != nil || got.UserID != ana.ID || got.LastUsedAt == nil || !got.LastUsedAt.Equal(at) {
		t.Fatalf("by hash: %+v %v", got, err)
	}
	if list, _ := s.Tokens(ctx, ana.ID); len(list) != 1 {
		t.Fatalf("list: %+v", list)
	}
	if err := s.RevokeToken(ctx, bob.ID, tok.ID); citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		t.Fatalf("someone else revokes: %v", err)
	}
	if err := s.RevokeToken(ctx, ana.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenByHash(ctx, "hash-a"); citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		t.Fatalf("revoked token still found: %v", err)
	}
}
