package desk

import (
	"context"
	"strings"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
)

// NewUser is a user to add: a name (surrounding spaces are dropped), a role and a password in
// the clear, which is hashed here and never stored.
type NewUser struct {
	Name     string
	Role     string
	Password string
}

// AddUser adds a user, for an admin on the server or the operator. The name must pass
// citecheck.CheckUserName, the role citecheck.ParseRole and the password
// citecheck.HashPassword; a name already taken is a conflict.
func AddUser(ctx context.Context, st *store.Store, by Actor, nu NewUser) (*citecheck.User, error) {
	if err := by.mayManageUsers(); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(nu.Name)
	if err := citecheck.CheckUserName(name); err != nil {
		return nil, err
	}
	role, err := citecheck.ParseRole(nu.Role)
	if err != nil {
		return nil, err
	}
	hash, err := citecheck.HashPassword(nu.Password)
	if err != nil {
		return nil, err
	}
	return st.CreateUser(ctx, name, role, hash)
}

// SetRole gives the user called name a new role, for an admin or the operator. The store
// refuses to demote the last enabled admin.
func SetRole(ctx context.Context, st *store.Store, by Actor, name, role string) (*citecheck.User, error) {
	if err := by.mayManageUsers(); err != nil {
		return nil, err
	}
	r, err := citecheck.ParseRole(role)
	if err != nil {
		return nil, err
	}
	return st.SetUserRole(ctx, name, r)
}

// SetDisabled disables or re-enables the user called name, for an admin or the operator.
// Disabling ends their sessions at once; the store refuses to disable the last enabled admin.
func SetDisabled(ctx context.Context, st *store.Store, by Actor, name string, disabled bool) (*citecheck.User, error) {
	if err := by.mayManageUsers(); err != nil {
		return nil, err
	}
	return st.SetUserDisabled(ctx, name, disabled)
}

// SetPassword gives the user called name a new password and ends every session of theirs. An
// admin or the operator may set anyone's; any user may set their own (the caller checks the
// current password first, as the account page does, since only it knows how to slow down
// guesses). The password must pass citecheck.HashPassword.
func SetPassword(ctx context.Context, st *store.Store, by Actor, name, password string) (*citecheck.User, error) {
	if err := by.mayChangePasswordOf(name); err != nil {
		return nil, err
	}
	hash, err := citecheck.HashPassword(password)
	if err != nil {
		return nil, err
	}
	return st.SetUserPassword(ctx, name, hash)
}
