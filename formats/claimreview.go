package formats

import (
	"fmt"
	"io"
	"strings"

	"github.com/citecheck/citecheck"
)

// Rating is a verdict on the scale of schema.org's Rating, as ClaimReview publishes it.
type Rating struct {
	Value int    // 1 (worst) to 5 (best)
	Name  string // the alternateName readers see, such as "Half true"
}

// ClaimReviewRating maps a verdict onto the 1 to 5 scale of a published ClaimReview:
//
//	supported         5  True
//	partly-supported  3  Half true
//	unsupported       2  Unsupported
//	contradicted      1  False
//
// unverified and citation-needed are not verdicts on the claim's truth, so they have no rating
// (ok is false) and such claims are not published. "unsupported" sits above "False": the
// sources do not back the claim, but do not refute it either.
func ClaimReviewRating(s citecheck.Status) (r Rating, ok bool) {
	switch s {
	case citecheck.StatusSupported:
		return Rating{5, "True"}, true
	case citecheck.StatusPartlySupported:
		return Rating{3, "Half true"}, true
	case citecheck.StatusUnsupported:
		return Rating{2, "Unsupported"}, true
	case citecheck.StatusContradicted:
		return Rating{1, "False"}, true
	}
	return Rating{}, false
}

// ClaimReviewFeed is the schema.org JSON-LD of a document's approved claims, one ClaimReview
// each, ready to paste into a published fact-check page: its top level is "@context" and
// "@graph" alone, so every JSON-LD processor reads @graph as the default graph. Skipped lists
// the approved claims left out (unrated or orphaned) so that the server can say so beside the
// feed (the export's Citecheck-Skipped header), never inside it.
type ClaimReviewFeed struct {
	Context string         `json:"@context"`
	Graph   []ClaimReview  `json:"@graph"`
	Skipped []SkippedClaim `json:"-"`
}

// The reasons an approved claim is not published in a ClaimReview feed.
const (
	SkipUnrated  = "unrated"  // its status (unverified, citation-needed) has no rating
	SkipOrphaned = "orphaned" // its text is not in the current revision
)

// SkippedClaim is an approved claim left out of a ClaimReview feed, and why.
type SkippedClaim struct {
	ID     int64
	Reason string // SkipUnrated or SkipOrphaned
}

// SkippedList writes the skipped claims as "13=unrated, 20=orphaned", in feed order; "" when
// none was skipped.
func (f *ClaimReviewFeed) SkippedList() string {
	parts := make([]string, len(f.Skipped))
	for i, sk := range f.Skipped {
		parts[i] = fmt.Sprintf("%d=%s", sk.ID, sk.Reason)
	}
	return strings.Join(parts, ", ")
}

// ClaimReview is a schema.org ClaimReview.
type ClaimReview struct {
	Type          string         `json:"@type"`
	URL           string         `json:"url"`
	ClaimReviewed string         `json:"claimReviewed"`
	ReviewRating  ReviewRating   `json:"reviewRating"`
	Author        SchemaOrgAgent `json:"author"`
	ItemReviewed  ReviewedClaim  `json:"itemReviewed"`
	DatePublished string         `json:"datePublished,omitempty"`
	// Citation lists the sources the verdict rests on: the URLs of the captures its evidence
	// was taken from, each once, in the order of the evidence. Pasted text without a URL has
	// no place in a published page and is left out.
	Citation []CreativeWork `json:"citation,omitempty"`
}

// CreativeWork is a source a review cites, by its URL and title.
type CreativeWork struct {
	Type string `json:"@type"`
	URL  string `json:"url"`
	Name string `json:"name,omitempty"`
}

// ReviewRating is a schema.org Rating on the scale of ClaimReviewRating.
type ReviewRating struct {
	Type          string `json:"@type"`
	RatingValue   int    `json:"ratingValue"`
	BestRating    int    `json:"bestRating"`
	WorstRating   int    `json:"worstRating"`
	AlternateName string `json:"alternateName"`
}

// SchemaOrgAgent is the Organization that publishes the reviews.
type SchemaOrgAgent struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

// ReviewedClaim is the schema.org Claim reviewed, with the document it appears in.
type ReviewedClaim struct {
	Type       string     `json:"@type"`
	Appearance Appearance `json:"appearance"`
}

// Appearance is the CreativeWork (the document) in which a claim appears.
type Appearance struct {
	Type     string `json:"@type"`
	Headline string `json:"headline"`
	URL      string `json:"url"`
}

// BuildClaimReview makes the ClaimReview feed of a document: one review per approved claim
// anchored in its current text with a rating, in the order given; the approved claims that are
// orphaned or unrated are listed in Skipped. org names the publishing organisation; publicURL is the base URL
// of the server as readers reach it (a trailing slash is dropped), under which the document is
// publicURL/documents/{id} and a claim is that URL opened on it, ?claim={id}#c-{id} (as the
// desk's own links: the page sends the claim's text and panel page, with JavaScript or without).
// datePublished is the day the claim was approved, in UTC.
// sources are the document's sources (their text is not needed), for the citations.
func BuildClaimReview(doc *citecheck.Document, claims []citecheck.Claim, sources []citecheck.Capture, org, publicURL string) *ClaimReviewFeed {
	byID := make(map[int64]*citecheck.Capture, len(sources))
	for i := range sources {
		byID[sources[i].ID] = &sources[i]
	}
	docURL := fmt.Sprintf("%s/documents/%d", strings.TrimRight(publicURL, "/"), doc.ID)
	feed := &ClaimReviewFeed{Context: "https://schema.org", Graph: []ClaimReview{}, Skipped: []SkippedClaim{}}
	for _, c := range claims {
		if c.Review != citecheck.ReviewApproved {
			continue
		}
		if c.IsOrphan(doc.Revision) {
			feed.Skipped = append(feed.Skipped, SkippedClaim{c.ID, SkipOrphaned})
			continue
		}
		r, ok := ClaimReviewRating(c.Status)
		if !ok {
			feed.Skipped = append(feed.Skipped, SkippedClaim{c.ID, SkipUnrated})
			continue
		}
		cr := ClaimReview{
			Type:          "ClaimReview",
			URL:           fmt.Sprintf("%s?claim=%d#c-%d", docURL, c.ID, c.ID),
			ClaimReviewed: c.Quote,
			ReviewRating: ReviewRating{Type: "Rating", RatingValue: r.Value, BestRating: 5, WorstRating: 1,
				AlternateName: r.Name},
			Author: SchemaOrgAgent{Type: "Organization", Name: org},
			ItemReviewed: ReviewedClaim{Type: "Claim",
				Appearance: Appearance{Type: "CreativeWork", Headline: doc.Title, URL: docURL}},
		}
		if c.ReviewedAt != nil {
			cr.DatePublished = c.ReviewedAt.UTC().Format("2006-01-02")
		}
		cr.Citation = citationsOf(c.Evidence, byID)
		feed.Graph = append(feed.Graph, cr)
	}
	return feed
}

// citationsOf is the sources with a URL that evidence was taken from, each URL once.
func citationsOf(evidence []citecheck.Evidence, sources map[int64]*citecheck.Capture) []CreativeWork {
	var out []CreativeWork
	seen := map[string]bool{}
	for _, e := range evidence {
		src := sources[e.SourceID]
		if src == nil || src.URL == "" || seen[src.URL] {
			continue
		}
		seen[src.URL] = true
		out = append(out, CreativeWork{Type: "CreativeWork", URL: src.URL, Name: src.Title})
	}
	return out
}

// WriteClaimReview streams a feed to w, indented as the exports are; Skipped is not in it.
func WriteClaimReview(w io.Writer, feed *ClaimReviewFeed) error { return writeJSON(w, feed) }
