package citecheck

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestClaimReviewRatingScale(t *testing.T) {
	want := map[Status]Rating{
		StatusSupported: {5, "True"}, StatusPartlySupported: {3, "Half true"},
		StatusUnsupported: {2, "Unsupported"}, StatusContradicted: {1, "False"},
	}
	for _, s := range Statuses {
		r, ok := ClaimReviewRating(s)
		w, rated := want[s]
		if ok != rated || r != w {
			t.Errorf("%s: %v %v, want %v %v", s, r, ok, w, rated)
		}
	}
}

func TestBuildClaimReviewPublishesApprovedRatedClaims(t *testing.T) {
	at := time.Date(2026, 11, 24, 23, 30, 0, 0, time.FixedZone("x", -3600))
	doc := &Document{ID: 4, Title: "Budget speech"}
	claims := []Claim{
		{ID: 10, Quote: "Taxes fell “a lot”", Status: StatusSupported, Review: ReviewApproved, ReviewedAt: &at},
		{ID: 11, Quote: "pending", Status: StatusSupported, Review: ReviewPending},
		{ID: 12, Quote: "rejected", Status: StatusContradicted, Review: ReviewRejected},
		{ID: 13, Quote: "unrated", Status: StatusCitationNeeded, Review: ReviewApproved, ReviewedAt: &at},
		{ID: 14, Quote: "Wrong", Status: StatusContradicted, Review: ReviewApproved, ReviewedAt: &at},
		{ID: 15, Quote: "unverified", Status: StatusUnverified, Review: ReviewApproved},
	}
	feed := BuildClaimReview(doc, claims, "Fact Desk", "https://fc.example.org/")
	if !reflect.DeepEqual(feed.Skipped, []int64{13, 15}) || len(feed.Graph) != 2 {
		t.Fatalf("feed %+v", feed)
	}
	b, _ := json.Marshal(feed)
	var got map[string]any
	json.Unmarshal(b, &got)
	want := map[string]any{
		"@type": "ClaimReview", "url": "https://fc.example.org/documents/4#c-10",
		"claimReviewed": "Taxes fell “a lot”",
		"reviewRating": map[string]any{"@type": "Rating", "ratingValue": 5.0, "bestRating": 5.0, "worstRating": 1.0,
			"alternateName": "True"},
		"author": map[string]any{"@type": "Organization", "name": "Fact Desk"},
		"itemReviewed": map[string]any{"@type": "Claim", "appearance": map[string]any{"@type": "CreativeWork",
			"headline": "Budget speech", "url": "https://fc.example.org/documents/4"}},
		"datePublished": "2026-11-25",
	}
	if got["@context"] != "https://schema.org" || !reflect.DeepEqual(got["@graph"].([]any)[0], want) {
		t.Fatalf("feed JSON %s", b)
	}
	if r := feed.Graph[1].ReviewRating; r.RatingValue != 1 || r.AlternateName != "False" {
		t.Fatalf("second rating %+v", r)
	}
}
