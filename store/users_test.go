package store

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

func TestCreateUserAndLookUp(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	if n, err := s.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("CountUsers on empty = %d, %v", n, err)
	}
	ana := mustUser(t, s, "ana", citecheck.RoleAdmin)
	bo := mustUser(t, s, "bo", citecheck.RoleReviewer)
	if ana.ID == 0 || ana.CreatedAt.Location() != time.UTC || ana.CreatedAt.IsZero() {
		t.Errorf("CreateUser = %+v", ana)
	}

	u, hash, err := s.UserByName(ctx, "ana")
	if err != nil || *u != *ana || string(hash) != "hash-of-ana" {
		t.Errorf("UserByName = %+v, %q, %v; want %+v", u, hash, err, ana)
	}
	if u, err := s.UserByID(ctx, bo.ID); err != nil || *u != *bo {
		t.Errorf("UserByID = %+v, %v; want %+v", u, err, bo)
	}
	if n, err := s.CountUsers(ctx); err != nil || n != 2 {
		t.Errorf("CountUsers = %d, %v; want 2", n, err)
	}
	users, err := s.Users(ctx)
	if err != nil || len(users) != 2 || users[0] != *ana || users[1] != *bo {
		t.Errorf("Users = %+v, %v", users, err)
	}
}

func TestCreateUserRefusesDuplicateName(t *testing.T) {
	s := mustOpen(t)
	mustUser(t, s, "ana", citecheck.RoleAdmin)
	_, err := s.CreateUser(context.Background(), "ana", citecheck.RoleEditor, nil)
	wantCode(t, err, citecheck.ECodeConflict)
}

func TestUnknownUsersAreNotFound(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	_, _, err := s.UserByName(ctx, "nobody")
	wantCode(t, err, citecheck.ECodeNotFound)
	_, err = s.UserByID(ctx, 42)
	wantCode(t, err, citecheck.ECodeNotFound)
	_, err = s.UserByTokenHash(ctx, "nope")
	wantCode(t, err, citecheck.ECodeNotFound)
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleEditor)
	if err := s.CreateToken(ctx, ana.ID, "h1"); err != nil {
		t.Fatal(err)
	}
	u, err := s.UserByTokenHash(ctx, "h1")
	if err != nil || u.ID != ana.ID || u.Name != "ana" || u.Role != citecheck.RoleEditor {
		t.Errorf("UserByTokenHash = %+v, %v", u, err)
	}
	wantCode(t, s.CreateToken(ctx, ana.ID, "h1"), citecheck.ECodeConflict)
	if err := s.CreateToken(ctx, 999, "h2"); err == nil {
		t.Error("CreateToken for an unknown user succeeded")
	}
}

func TestSessionKeyIsStableAcrossCallsAndReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s := mustOpenPath(t, path)

	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			k, err := s.SessionKey(ctx)
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	if len(keys[0]) != sessionKeySize || bytes.Equal(keys[0], make([]byte, sessionKeySize)) {
		t.Fatalf("session key = %x", keys[0])
	}
	for _, k := range keys[1:] {
		if !bytes.Equal(k, keys[0]) {
			t.Fatalf("concurrent first calls disagree: %x vs %x", k, keys[0])
		}
	}
	s.Close()

	s = mustOpenPath(t, path)
	k, err := s.SessionKey(ctx)
	if err != nil || !bytes.Equal(k, keys[0]) {
		t.Errorf("after reopen SessionKey = %x, %v; want %x", k, err, keys[0])
	}
}

func TestSetUserRoleDisabledAndPassword(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	mustUser(t, s, "root", citecheck.RoleAdmin)
	bo := mustUser(t, s, "bo", citecheck.RoleReviewer)

	u, err := s.SetUserRole(ctx, "bo", citecheck.RoleEditor)
	if err != nil || u.Role != citecheck.RoleEditor {
		t.Errorf("SetUserRole = %+v, %v", u, err)
	}
	u, err = s.SetUserDisabled(ctx, "bo", true)
	if err != nil || !u.Disabled {
		t.Errorf("disable = %+v, %v", u, err)
	}
	if got, err := s.UserByID(ctx, bo.ID); err != nil || *got != *u {
		t.Errorf("UserByID = %+v, %v; want %+v", got, err, u)
	}
	u, err = s.SetUserDisabled(ctx, "bo", false)
	if err != nil || u.Disabled {
		t.Errorf("enable = %+v, %v", u, err)
	}
	u, err = s.SetUserPassword(ctx, "bo", []byte("new hash"))
	if err != nil || u.Name != "bo" {
		t.Errorf("SetUserPassword = %+v, %v", u, err)
	}
	got, hash, err := s.UserByName(ctx, "bo")
	if err != nil || string(hash) != "new hash" || *got != *u {
		t.Errorf("UserByName = %+v, %q, %v", got, hash, err)
	}
	if err := s.CreateToken(ctx, bo.ID, "tok"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.UserByTokenHash(ctx, "tok"); err != nil || *got != *u {
		t.Errorf("UserByTokenHash = %+v, %v", got, err)
	}
	if users, err := s.Users(ctx); err != nil || users[1] != *u {
		t.Errorf("Users = %+v, %v", users, err)
	}

	_, err = s.SetUserRole(ctx, "nobody", citecheck.RoleEditor)
	wantCode(t, err, citecheck.ECodeNotFound)
	_, err = s.SetUserDisabled(ctx, "nobody", true)
	wantCode(t, err, citecheck.ECodeNotFound)
	_, err = s.SetUserPassword(ctx, "nobody", []byte("x"))
	wantCode(t, err, citecheck.ECodeNotFound)
	_, err = s.SetUserRole(ctx, "bo", citecheck.Role("chief"))
	wantCode(t, err, citecheck.ECodeInvalidRole)
}

func TestLastEnabledAdminIsNeverDemotedOrDisabled(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	mustUser(t, s, "root", citecheck.RoleAdmin)
	mustUser(t, s, "ada", citecheck.RoleAdmin)

	change := []struct {
		name   string
		do     func() (*citecheck.User, error)
		refuse bool
	}{
		{"demote one of two admins", func() (*citecheck.User, error) { return s.SetUserRole(ctx, "ada", citecheck.RoleEditor) }, false},
		{"demote the last admin", func() (*citecheck.User, error) { return s.SetUserRole(ctx, "root", citecheck.RoleEditor) }, true},
		{"disable the last admin", func() (*citecheck.User, error) { return s.SetUserDisabled(ctx, "root", true) }, true},
		{"keep the last admin an admin", func() (*citecheck.User, error) { return s.SetUserRole(ctx, "root", citecheck.RoleAdmin) }, false},
		{"promote ada again", func() (*citecheck.User, error) { return s.SetUserRole(ctx, "ada", citecheck.RoleAdmin) }, false},
		{"disable ada", func() (*citecheck.User, error) { return s.SetUserDisabled(ctx, "ada", true) }, false},
		// A disabled admin does not count: root is still the last enabled one.
		{"demote root beside a disabled admin", func() (*citecheck.User, error) { return s.SetUserRole(ctx, "root", citecheck.RoleReviewer) }, true},
		{"demote the disabled admin", func() (*citecheck.User, error) { return s.SetUserRole(ctx, "ada", citecheck.RoleReviewer) }, false},
		{"re-enable ada", func() (*citecheck.User, error) { return s.SetUserDisabled(ctx, "ada", false) }, false},
	}
	for _, c := range change {
		_, err := c.do()
		if c.refuse {
			wantCode(t, err, citecheck.ECodeInvalid)
		} else if err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	root, _, err := s.UserByName(ctx, "root")
	if err != nil || root.Role != citecheck.RoleAdmin || root.Disabled {
		t.Errorf("root after refusals = %+v, %v", root, err)
	}
}
