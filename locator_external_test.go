package citecheck_test

import (
	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/anchor"
)

// The root's tests of W3C import anchor quotes through the real locator, as the server does.
func init() { citecheck.LocateQuote = anchor.Locate }
