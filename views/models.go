// Package views renders citecheck's server-side HTML with templ: the layout, the pages and the
// view models that the handlers fill for them.
package views

import (
	"github.com/citecheck/citecheck"
)

// Page carries what every page needs: its title, who is signed in and the one-shot messages.
type Page struct {
	Title string
	User  *citecheck.User // nil when signed out
	CSRF  string
	Flash string // an informational message
	Error string // an error message
}

// Run is a stretch of a document's text with the same markers and claims over all of it.
// The document view renders each run as one span whose data-o holds Start, so the browser can
// turn a selection back into code point offsets.
type Run struct {
	Start      int    // code point offset of the first character
	Text       string // the run's text, exactly as stored
	MarkerRefs string // non-empty ("30 31") when the run is part of a citation marker
	Claims     []ClaimRef
	Anchors    []int64 // ids of the claims that start at this run
}

// ClaimRef is what a highlighted run needs to know about a claim that covers it.
type ClaimRef struct {
	ID     int64
	Status citecheck.Status
	Review citecheck.Review
}

// ClaimItem is one claim in the side panel.
type ClaimItem struct {
	Claim    citecheck.Claim // with Checks filled
	RefsText string          // "30, 31" for the edit form
}

// DocumentView is everything the document page shows.
type DocumentView struct {
	Doc            *citecheck.Document // the text itself is not needed: Runs carry it
	Runs           []Run
	Claims         []ClaimItem // side panel, in text order, already filtered by StatusFilter
	StatusFilter   string      // "" means all
	Summary        citecheck.Counts
	Markers        int // citation markers in the text
	Covered        int // markers covered by claims
	UncoveredCount int
}

// NewDocumentForm holds what the user typed into the new document form, to show it again on error.
type NewDocumentForm struct {
	Title string
	Text  string
	Error string
}
