package handlers

import (
	"fmt"
	"strings"
	"time"
)

// The sign-in throttle: failures are counted in the database (store/throttle.go) under the rule
// of citecheck.Failures, so that every app server on one database slows the same attempts. A
// sign-in is counted under its name and its address, a password change under its account; the
// answer is the same whether or not the name exists.

// signInKeys are the keys a sign-in attempt is counted under: the name first (a success forgets
// it), then the address.
func signInKeys(name, address string) []string {
	return []string{"name:" + strings.ToLower(name), "ip:" + address}
}

// passwordChangeKey is the key a password change is counted under.
func passwordChangeKey(name string) string {
	return "account:" + strings.ToLower(name)
}

// tryAgainIn tells the user how long a throttled attempt must wait, in whole seconds rounded up.
func tryAgainIn(what string, wait time.Duration) string {
	return fmt.Sprintf("Too many %s. Try again in %d seconds.", what, int((wait+time.Second-1)/time.Second))
}
