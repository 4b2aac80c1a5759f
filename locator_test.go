package citecheck

// LocateQuote is anchor.Locate, for the root's own tests of W3C import. These tests cannot
// import anchor, which imports the root; locator_external_test.go, in the external test
// package, can, and sets this before any test runs.
var LocateQuote QuoteLocator

// locateQuote calls LocateQuote.
func locateQuote(t *Text, quote, prefix, suffix string, near int) Anchor {
	return LocateQuote(t, quote, prefix, suffix, near)
}
