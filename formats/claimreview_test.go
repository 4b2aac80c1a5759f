package formats

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

func TestClaimReviewRatingScale(t *testing.T) {
	want := map[citecheck.Status]Rating{
		citecheck.StatusSupported: {5, "True"}, citecheck.StatusPartlySupported: {3, "Half true"},
		citecheck.StatusUnsupported: {2, "Unsupported"}, citecheck.StatusContradicted: {1, "False"},
	}
	for _, s := range citecheck.Statuses {
		r, ok := ClaimReviewRating(s)
		w, rated := want[s]
		if ok != rated || r != w {
			t.Errorf("%s: %v %v, want %v %v", s, r, ok, w, rated)
		}
	}
}

func TestBuildClaimReviewPublishesApprovedRatedClaims(t *testing.T) {
	at := time.Date(2026, 11, 24, 23, 30, 0, 0, time.FixedZone("x", -3600))
	doc := &citecheck.Document{ID: 4, Title: "Budget speech"}
	claims := []citecheck.Claim{
		{ID: 10, Quote: "Taxes fell “a lot”", Status: citecheck.StatusSupported, Review: citecheck.ReviewApproved, ReviewedAt: &at},
		{ID: 11, Quote: "pending", Status: citecheck.StatusSupported, Review: citecheck.ReviewPending},
		{ID: 12, Quote: "rejected", Status: citecheck.StatusContradicted, Review: citecheck.ReviewRejected},
		{ID: 13, Quote: "unrated", Status: citecheck.StatusCitationNeeded, Review: citecheck.ReviewApproved, ReviewedAt: &at},
		{ID: 14, Quote: "Wrong", Status: citecheck.StatusContradicted, Review: citecheck.ReviewApproved, ReviewedAt: &at},
		{ID: 15, Quote: "unverified", Status: citecheck.StatusUnverified, Review: citecheck.ReviewApproved},
		{ID: 16, Quote: "gone", Status: citecheck.StatusSupported, Review: citecheck.ReviewApproved, ReviewedAt: &at, Anchor: "orphaned"},
		{ID: 17, Quote: "old", Status: citecheck.StatusSupported, Review: citecheck.ReviewApproved, ReviewedAt: &at, Revision: 1},
		{ID: 18, Quote: "pending orphan", Status: citecheck.StatusSupported, Review: citecheck.ReviewPending, Anchor: "orphaned"},
	}
	doc.Revision = 2
	feed := BuildClaimReview(doc, claims, nil, "Fact Desk", "https://fc.example.org/")
	want := []SkippedClaim{{13, SkipUnrated}, {15, SkipUnrated}, {16, SkipOrphaned}, {17, SkipOrphaned}}
	if !reflect.DeepEqual(feed.Skipped, want) || len(feed.Graph) != 2 {
		t.Fatalf("feed %+v", feed)
	}
	if got := feed.SkippedList(); got != "13=unrated, 15=unrated, 16=orphaned, 17=orphaned" {
		t.Fatalf("skipped list %q", got)
	}
	b, _ := json.Marshal(feed)
	var got map[string]any
	json.Unmarshal(b, &got)
	if len(got) != 2 || got["@context"] == nil || got["@graph"] == nil {
		t.Fatalf("top level of the feed is not @context and @graph alone: %s", b)
	}
	wantReview := map[string]any{
		"@type": "ClaimReview", "url": "https://fc.example.org/documents/4?claim=10#c-10",
		"claimReviewed": "Taxes fell “a lot”",
		"reviewRating": map[string]any{"@type": "Rating", "ratingValue": 5.0, "bestRating": 5.0, "worstRating": 1.0,
			"alternateName": "True"},
		"author": map[string]any{"@type": "Organization", "name": "Fact Desk"},
		"itemReviewed": map[string]any{"@type": "Claim", "appearance": map[string]any{"@type": "CreativeWork",
			"headline": "Budget speech", "url": "https://fc.example.org/documents/4"}},
		"datePublished": "2026-11-25",
	}
	if got["@context"] != "https://schema.org" || !reflect.DeepEqual(got["@graph"].([]any)[0], wantReview) {
		t.Fatalf("feed JSON %s", b)
	}
	if r := feed.Graph[1].ReviewRating; r.RatingValue != 1 || r.AlternateName != "False" {
		t.Fatalf("second rating %+v", r)
	}
}

// TestClaimReviewCitesTheSourcesOfItsEvidence: a published review's citation lists, as
// schema.org CreativeWorks, the URLs of the captures its evidence comes from, each once and in
// the evidence's order; pasted sources without a URL and sources of other claims are left
// out, and a review without such evidence has no citation at all.
func TestClaimReviewCitesTheSourcesOfItsEvidence(t *testing.T) {
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	doc := &citecheck.Document{ID: 4, Title: "Budget speech"}
	sources := []citecheck.Capture{
		{ID: 1, Ref: 1, URL: "https://news.example.org/a?x=1&y=2", Title: "Wire “A”"},
		{ID: 2, Ref: 2, Title: "pasted, no URL"},
		{ID: 3, Ref: 3, URL: "https://stats.example.org/t"},
		{ID: 4, Ref: 4, URL: "https://other.example.org/"},
	}
	ev := func(src int64, stance citecheck.Stance) citecheck.Evidence {
		return citecheck.Evidence{SourceID: src, Stance: stance}
	}
	claims := []citecheck.Claim{
		{ID: 10, Quote: "Taxes fell", Status: citecheck.StatusSupported, Review: citecheck.ReviewApproved, ReviewedAt: &at,
			Evidence: []citecheck.Evidence{ev(3, citecheck.StanceSupports), ev(2, citecheck.StanceSupports),
				ev(1, citecheck.StanceContext), ev(3, citecheck.StanceSupports)}},
		{ID: 11, Quote: "Only pasted", Status: citecheck.StatusSupported, Review: citecheck.ReviewApproved, ReviewedAt: &at,
			Evidence: []citecheck.Evidence{ev(2, citecheck.StanceSupports)}},
		{ID: 12, Quote: "Not published", Status: citecheck.StatusSupported, Review: citecheck.ReviewPending,
			Evidence: []citecheck.Evidence{ev(4, citecheck.StanceSupports)}},
	}
	feed := BuildClaimReview(doc, claims, sources, "Fact Desk", "https://fc.example.org")
	b, _ := json.Marshal(feed)
	var got struct {
		Graph []map[string]any `json:"@graph"`
	}
	if err := json.Unmarshal(b, &got); err != nil || len(got.Graph) != 2 {
		t.Fatalf("feed %s (%v)", b, err)
	}
	want := []any{
		map[string]any{"@type": "CreativeWork", "url": "https://stats.example.org/t"},
		map[string]any{"@type": "CreativeWork", "url": "https://news.example.org/a?x=1&y=2", "name": "Wire “A”"},
	}
	if !reflect.DeepEqual(got.Graph[0]["citation"], want) {
		t.Errorf("citation %v, want %v", got.Graph[0]["citation"], want)
	}
	if c, ok := got.Graph[1]["citation"]; ok {
		t.Errorf("a review resting on pasted text only cites %v", c)
	}
}
