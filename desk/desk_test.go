package desk

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
)

// t0 is where the test clock starts.
var t0 = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// mustOpen opens a fresh database file in a temporary directory, with a clock that moves one
// second per reading, and closes it when the test ends.
func mustOpen(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(filepath.Join(tb.TempDir(), "citecheck.db"))
	if err != nil {
		tb.Fatal(err)
	}
	var mu sync.Mutex
	tick := t0
	st.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		tick = tick.Add(time.Second)
		return tick
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// mustUser adds a user through the operator's door, or fails the test.
func mustUser(tb testing.TB, st *store.Store, name string, role citecheck.Role) *citecheck.User {
	tb.Helper()
	u, err := AddUser(context.Background(), st, Operator, NewUser{Name: name, Role: string(role), Password: "a long password"})
	if err != nil {
		tb.Fatalf("AddUser(%q): %v", name, err)
	}
	return u
}

// mustDocument stores text as a new document of u, or fails the test.
func mustDocument(tb testing.TB, st *store.Store, u *citecheck.User, text string) *citecheck.Document {
	tb.Helper()
	src := citecheck.NewSources(text)
	d, err := st.CreateDocument(context.Background(), &citecheck.Document{Title: "T", Text: text,
		TextSHA256: citecheck.TextSHA256(text), Length: citecheck.NewText(text).Len(),
		Citations: src.Citations, References: src.List, CreatedByID: u.ID})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// mustClaim stores a claim of u on the span start..end of d, or fails the test.
func mustClaim(tb testing.TB, st *store.Store, u *citecheck.User, d *citecheck.Document, start, end int) *citecheck.Claim {
	tb.Helper()
	c := &citecheck.Claim{DocumentID: d.ID, Start: start, End: end, Refs: []int{1}, CreatedByID: u.ID}
	citecheck.FillQuote(citecheck.NewText(d.Text), c)
	stored, err := st.CreateClaim(context.Background(), c)
	if err != nil {
		tb.Fatal(err)
	}
	return stored
}

// wantCode fails the test unless err is a *citecheck.Error with code ("" for no error).
func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if code == "" {
		if err != nil {
			tb.Fatalf("error = %v, want none", err)
		}
		return
	}
	var e *citecheck.Error
	if !errors.As(err, &e) || e.Code != code {
		tb.Fatalf("error = %v, want code %q", err, code)
	}
}

func TestOperatorAsNamesTheRecordedUser(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	wantCode(t, func() error { _, err := OperatorAs(ctx, st, ""); return err }(), citecheck.ECodeInvalid)
	mustUser(t, st, "first", citecheck.RoleAdmin)
	root := mustUser(t, st, "root", citecheck.RoleAdmin)
	rita := mustUser(t, st, "rita", citecheck.RoleReviewer)
	if _, err := SetDisabled(ctx, st, Operator, "first", true); err != nil {
		t.Fatal(err)
	}
	mustUser(t, st, "dora", citecheck.RoleEditor)
	if _, err := SetDisabled(ctx, st, Operator, "dora", true); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, user string
		want       int64
		code       string
	}{
		{"the first enabled admin by default", "", root.ID, ""},
		{"a named user", "rita", rita.ID, ""},
		{"an unknown user", "nobody", 0, citecheck.ECodeNotFound},
		{"a disabled user", "dora", 0, citecheck.ECodeInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, err := OperatorAs(ctx, st, tt.user)
			wantCode(t, err, tt.code)
			if tt.code == "" && (a.User.ID != tt.want || !a.Operator) {
				t.Fatalf("actor %+v, want user %d as operator", a, tt.want)
			}
		})
	}
}

func TestUserManagementIsForAdminsAndTheOperator(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	root := mustUser(t, st, "root", citecheck.RoleAdmin)
	ed := mustUser(t, st, "ed", citecheck.RoleEditor)
	rita := mustUser(t, st, "rita", citecheck.RoleReviewer)
	gone := mustUser(t, st, "gone", citecheck.RoleAdmin)
	if _, err := SetDisabled(ctx, st, Operator, "gone", true); err != nil {
		t.Fatal(err)
	}
	admin, editor, reviewer := AsUser(root), AsUser(ed), AsUser(rita)
	disabledAdmin := AsUser(&citecheck.User{ID: gone.ID, Name: "gone", Role: citecheck.RoleAdmin, Disabled: true})
	add := func(name, role, pw string) func(Actor) error {
		return func(a Actor) error {
			_, err := AddUser(ctx, st, a, NewUser{Name: name, Role: role, Password: pw})
			return err
		}
	}
	for _, tt := range []struct {
		name string
		by   Actor
		do   func(Actor) error
		code string
	}{
		{"an admin adds a user", admin, add(" nina ", "editor", "a long password"), ""},
		{"the operator adds a user", Operator, add("otto", "reviewer", "a long password"), ""},
		{"an editor may not add a user", editor, add("eve", "reviewer", "a long password"), citecheck.ECodeForbidden},
		{"a disabled admin may not add a user", disabledAdmin, add("eve", "reviewer", "a long password"), citecheck.ECodeForbidden},
		{"a name with a space is refused", Operator, add("eve adams", "reviewer", "a long password"), citecheck.ECodeInvalid},
		{"an unknown role is refused", admin, add("eve", "chief", "a long password"), citecheck.ECodeInvalidRole},
		{"a short password is refused", admin, add("eve", "reviewer", "short"), citecheck.ECodeInvalid},
		{"a name taken is a conflict", Operator, add("nina", "reviewer", "a long password"), citecheck.ECodeConflict},
		{"an editor may not change a role", editor, func(a Actor) error { _, err := SetRole(ctx, st, a, "rita", "editor"); return err }, citecheck.ECodeForbidden},
		{"an admin changes a role", admin, func(a Actor) error { _, err := SetRole(ctx, st, a, "otto", "editor"); return err }, ""},
		{"the last enabled admin keeps the role", Operator, func(a Actor) error { _, err := SetRole(ctx, st, a, "root", "editor"); return err }, citecheck.ECodeInvalid},
		{"a reviewer may not disable anyone", reviewer, func(a Actor) error { _, err := SetDisabled(ctx, st, a, "ed", true); return err }, citecheck.ECodeForbidden},
		{"a reviewer sets their own password", reviewer, func(a Actor) error { _, err := SetPassword(ctx, st, a, "rita", "a new password"); return err }, ""},
		{"a reviewer may not set another's password", reviewer, func(a Actor) error { _, err := SetPassword(ctx, st, a, "ed", "a new password"); return err }, citecheck.ECodeForbidden},
		{"an admin sets another's password", admin, func(a Actor) error { _, err := SetPassword(ctx, st, a, "ed", "a new password"); return err }, ""},
		{"a new password is checked", Operator, func(a Actor) error { _, err := SetPassword(ctx, st, a, "ed", "short"); return err }, citecheck.ECodeInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before, err := st.Users(ctx)
			if err != nil {
				t.Fatal(err)
			}
			err = tt.do(tt.by)
			wantCode(t, err, tt.code)
			after, _ := st.Users(ctx)
			if tt.code != "" && len(after) != len(before) {
				t.Fatalf("a refusal changed the users: %d before, %d after", len(before), len(after))
			}
		})
	}
	for name, role := range map[string]citecheck.Role{"nina": citecheck.RoleEditor, "otto": citecheck.RoleEditor,
		"rita": citecheck.RoleReviewer, "root": citecheck.RoleAdmin} {
		u, _, err := st.UserByName(ctx, name)
		if err != nil || u.Role != role {
			t.Errorf("%s: %+v %v, want role %s", name, u, err, role)
		}
	}
	for name, pw := range map[string]string{"rita": "a new password", "ed": "a new password", "root": "a long password"} {
		_, hash, err := st.UserByName(ctx, name)
		if err != nil || !citecheck.CheckPassword(hash, pw) {
			t.Errorf("the password of %s is not %q (%v)", name, pw, err)
		}
	}
}

func TestCreateTokenActsAsItsOwner(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	rita := mustUser(t, st, "rita", citecheck.RoleReviewer)
	mustUser(t, st, "ed", citecheck.RoleEditor)
	mustUser(t, st, "gone", citecheck.RoleReviewer)
	if _, err := SetDisabled(ctx, st, Operator, "gone", true); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, owner, token string
		by                 Actor
		code               string
	}{
		{"a user makes their own", "rita", " laptop ", AsUser(rita), ""},
		{"the operator makes one for anyone", "ed", "command line", Operator, ""},
		{"a user may not make one for another", "ed", "sneaky", AsUser(rita), citecheck.ECodeForbidden},
		{"none for a disabled user", "gone", "command line", Operator, citecheck.ECodeInvalid},
		{"none for an unknown user", "nobody", "command line", Operator, citecheck.ECodeNotFound},
		{"a name is needed", "rita", "  ", AsUser(rita), citecheck.ECodeInvalid},
		{"a name has no control characters", "rita", "a\x00b", AsUser(rita), citecheck.ECodeInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tok, secret, err := CreateToken(ctx, st, tt.by, tt.owner, tt.token)
			wantCode(t, err, tt.code)
			if tt.code != "" {
				return
			}
			u, err := st.UserByTokenHash(ctx, citecheck.HashToken(secret))
			if err != nil || u.Name != tt.owner || tok.UserID != u.ID {
				t.Fatalf("the secret signs in %+v (%v), want %s", u, err, tt.owner)
			}
		})
	}
	tokens, err := st.Tokens(ctx, rita.ID)
	if err != nil || len(tokens) != 1 || tokens[0].Name != "laptop" {
		t.Fatalf("rita's tokens %+v %v, want the one called laptop", tokens, err)
	}
}
