package store

import (
	"context"
	"testing"

	"github.com/citecheck/citecheck"
)

func TestCaptureRoundTripsAndIsListedWithoutText(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "doc")
	pasted := mustCapture(t, s, ana, d.ID, 46)
	status := 200
	fetched, err := s.CreateCapture(ctx, &citecheck.Capture{DocumentID: d.ID, Ref: 30, URL: "https://example.org/b",
		FinalURL: "https://example.org/c", Title: "B", Text: "Talks began.", TextSHA256: citecheck.TextSHA256("Talks began."),
		Length: 12, Method: citecheck.CaptureFetch, HTTPStatus: &status, ContentType: "text/html", CapturedByID: ana.ID})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Capture(ctx, pasted.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != sourceText || got.TextSHA256 != citecheck.TextSHA256(sourceText) || got.Length != len([]rune(sourceText)) ||
		got.Ref != 46 || got.Method != citecheck.CapturePaste || got.HTTPStatus != nil || got.CapturedBy != "ana" ||
		got.CapturedAt.IsZero() || got.URL != "https://example.org/a" || got.Title != "Family 👨‍👩‍👧 met." {
		t.Errorf("capture %+v", got)
	}
	if fetched.HTTPStatus == nil || *fetched.HTTPStatus != 200 || fetched.FinalURL != "https://example.org/c" {
		t.Errorf("fetched capture %+v", fetched)
	}
	list, err := s.Captures(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != fetched.ID || list[1].ID != pasted.ID || list[0].Text != "" || list[1].Text != "" {
		t.Errorf("captures by ref, without text: %+v", list)
	}
	if empty, err := s.Captures(ctx, d.ID+100); err != nil || empty == nil || len(empty) != 0 {
		t.Errorf("captures of an unknown document: %v %v", empty, err)
	}
}

func TestCaptureOfUnknownDocumentOrIDIsNotFound(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	_, err := s.CreateCapture(ctx, &citecheck.Capture{DocumentID: 99, Ref: 1, Text: "x", TextSHA256: "h", Length: 1,
		Method: citecheck.CapturePaste, CapturedByID: ana.ID})
	if citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		t.Errorf("create: %v", err)
	}
	if _, err := s.Capture(ctx, 99); citecheck.ErrorCode(err) != citecheck.ECodeNotFound {
		t.Errorf("read: %v", err)
	}
}

func TestCapturesAreImmutable(t *testing.T) {
	s := mustOpen(t)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "doc")
	c := mustCapture(t, s, ana, d.ID, 46)
	if _, err := s.writer.Exec(`UPDATE sources SET text = 'changed' WHERE id = ?`, c.ID); err == nil {
		t.Fatal("the database let a source's text change")
	}
	if got, _ := s.Capture(context.Background(), c.ID); got.Text != sourceText {
		t.Errorf("text %q", got.Text)
	}
}
