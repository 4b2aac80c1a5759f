// Package desk holds citecheck's workflows, each written once for every door: importing,
// revising, and managing users and tokens. The server's handlers and the command line call the
// same functions; each decodes and checks its input through the domain, does the store's
// transaction and returns domain types and coded errors. No HTTP, no flags: the doors differ
// only in the Actor they pass.
package desk

import (
	"context"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
)

// Actor is who runs a workflow, the one explicit difference between the doors. On the server it
// is the signed-in user, whose role decides what they may do. At the command line it is the
// machine's operator: whoever can open the database file can change anything in it, so the
// operator is trusted as an administrator already, and names (or defaults) the user recorded as
// the author of what they change.
type Actor struct {
	// User is recorded as the author: the signed-in user, or the user the operator acts as. It
	// is nil for an operator who only manages users, which needs no author.
	User *citecheck.User
	// Operator is true at the command line only. It allows what only the operator may do
	// (user management without an admin's role, restoring reviews from a file).
	Operator bool
}

// AsUser is the actor of a request on the server: the signed-in user, held to their role.
func AsUser(u *citecheck.User) Actor { return Actor{User: u} }

// Operator is the command line's actor for workflows that record no author, such as user
// management; OperatorAs is the one for those that do.
var Operator = Actor{Operator: true}

// OperatorAs is the command line's actor recorded as the user called name, or as the first
// enabled admin when name is empty. A disabled user is refused: they may change nothing through
// the server, and the operator cannot lend them a door.
func OperatorAs(ctx context.Context, st *store.Store, name string) (Actor, error) {
	if name != "" {
		u, _, err := st.UserByName(ctx, name)
		if err != nil {
			return Actor{}, err
		}
		if u.Disabled {
			return Actor{}, citecheck.FieldErrorf(citecheck.ECodeInvalid, "user",
				"user %s is disabled; name an enabled user", u.Name)
		}
		return Actor{User: u, Operator: true}, nil
	}
	users, err := st.Users(ctx)
	if err != nil {
		return Actor{}, err
	}
	for i := range users {
		if users[i].Role == citecheck.RoleAdmin && !users[i].Disabled {
			return Actor{User: &users[i], Operator: true}, nil
		}
	}
	return Actor{}, citecheck.FieldErrorf(citecheck.ECodeInvalid, "user",
		"no enabled admin to record as the author; name a user")
}

// author is the id of the user recorded for a change. Every actor that changes documents has
// one; a disabled user is refused here too, whatever door let them in.
func (a Actor) author() (int64, error) {
	if a.User == nil {
		return 0, citecheck.Errorf(citecheck.ECodeInvalid, "no user to record as the author")
	}
	if a.User.Disabled {
		return 0, citecheck.Errorf(citecheck.ECodeForbidden, "user %s is disabled", a.User.Name)
	}
	return a.User.ID, nil
}

// mayManageUsers refuses anyone but the operator and an enabled admin.
func (a Actor) mayManageUsers() error {
	if a.Operator || (a.User != nil && !a.User.Disabled && a.User.Role.CanManageUsers()) {
		return nil
	}
	return citecheck.Errorf(citecheck.ECodeForbidden, "only admins manage users")
}

// mayChangePasswordOf allows an enabled user their own password, and an admin or the operator
// anyone's.
func (a Actor) mayChangePasswordOf(name string) error {
	if a.User != nil && !a.User.Disabled && a.User.Name == name {
		return nil
	}
	return a.mayManageUsers()
}
