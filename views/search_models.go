package views

import (
	"fmt"
	"net/url"

	"github.com/citecheck/citecheck"
)

// SearchView is the search page: the query and filters as the reader typed them (so the form
// shows them again), whether a search ran, its results, whether this is a later page, and the
// URL of the next page ("" at the end).
type SearchView struct {
	Q, Kind, Status, Review, Checker, DocumentID string

	Searched bool
	Results  []citecheck.SearchResult
	After    bool
	Next     string
}

// searchKinds are the kinds the form offers, with their labels.
var searchKinds = []struct{ Value, Label string }{
	{"", "everything"}, {"document", "documents"}, {"claim", "claims"},
	{"reference", "reference entries"}, {"source", "sources"},
}

// SearchResultURL is where a result links to, in place: a claim on its document page (the panel
// opened at it, the text scrolled to its highlight), a passage of a document's text or an entry
// of its list by its span (passage.js marks it), a source's passage on the source page (which
// highlights it), or the document or source itself.
func SearchResultURL(r citecheck.SearchResult) string {
	doc := docURL(r.DocumentID)
	switch r.Kind {
	case citecheck.SearchClaim:
		return ClaimInTextURL(r.DocumentID, r.ID)
	case citecheck.SearchSource:
		src := fmt.Sprintf("/sources/%d", r.ID)
		if r.Start == nil {
			return src
		}
		return fmt.Sprintf("%s?start=%d&end=%d#%s", src, *r.Start, *r.End, passageID(*r.Start, *r.End))
	}
	if r.Start == nil {
		return doc
	}
	return fmt.Sprintf("%s?at=%d#%s", doc, *r.Start, passageID(*r.Start, *r.End))
}

// searchResultLabel says what a result is, beside its title.
func searchResultLabel(r citecheck.SearchResult) string {
	switch r.Kind {
	case citecheck.SearchClaim:
		return fmt.Sprintf("claim #%d", r.ID)
	case citecheck.SearchReference:
		return fmt.Sprintf("reference [%d]", r.ID)
	case citecheck.SearchSource:
		return fmt.Sprintf("source #%d", r.ID)
	}
	if r.Start == nil {
		return "document title"
	}
	return "passage"
}

// searchFilterURL is the search with only one document, for the link under a result.
func searchFilterURL(v SearchView, doc int64) string {
	q := url.Values{"q": {v.Q}, "document_id": {i64(doc)}}
	for k, val := range map[string]string{"kind": v.Kind, "status": v.Status, "review": v.Review, "checker": v.Checker} {
		if val != "" {
			q.Set(k, val)
		}
	}
	return "/search?" + q.Encode()
}

// ClaimInTextURL is the document page opened on a claim: its blocks come with their runs (a
// big document sends blocks far from its head without them), the side panel on its page, and
// the browser goes to its anchor.
func ClaimInTextURL(docID, claimID int64) string {
	return fmt.Sprintf("%s?claim=%d#%s", docURL(docID), claimID, anchorID(claimID))
}
