package desk

import (
	"context"
	"strings"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
)

// CreateToken makes a new API token called name for the user called owner and returns the
// token with its secret, which is shown once and never stored (only its hash is). Any user
// makes their own tokens; only the operator makes them for someone else, since a token acts
// as its owner. A disabled user gets none: it could not be used. The name (surrounding spaces
// dropped) must pass citecheck.CheckTokenName.
func CreateToken(ctx context.Context, st *store.Store, by Actor, owner, name string) (*citecheck.Token, string, error) {
	name = strings.TrimSpace(name)
	if err := citecheck.CheckTokenName(name); err != nil {
		return nil, "", err
	}
	u, _, err := st.UserByName(ctx, owner)
	if err != nil {
		return nil, "", err
	}
	if !by.Operator && (by.User == nil || by.User.ID != u.ID) {
		return nil, "", citecheck.Errorf(citecheck.ECodeForbidden, "a token acts as its owner: only %s makes tokens for %s", u.Name, u.Name)
	}
	if u.Disabled {
		return nil, "", citecheck.Errorf(citecheck.ECodeInvalid, "user %s is disabled; a token of theirs would not work", u.Name)
	}
	secret, err := citecheck.NewToken()
	if err != nil {
		return nil, "", err
	}
	tok, err := st.CreateNamedToken(ctx, u.ID, name, citecheck.HashToken(secret))
	if err != nil {
		return nil, "", err
	}
	return tok, secret, nil
}
