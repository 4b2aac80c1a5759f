package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

// trashText is a document whose claim covers its first sentence.
const trashText = "Talks began in Vienna. [1] More text [2]."

func TestAPIDeleteMovesToTheTrashAndRestoreBringsBack(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Trash", trashText)
	var cl citecheck.Claim
	h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", map[string]any{"start": 0, "end": 22, "refs": []int{1}}).json(t, &cl)
	claimPath := fmt.Sprintf("/api/v1/claims/%d", cl.ID)
	docPath := fmt.Sprintf("/api/v1/documents/%d", doc.ID)
	h.do("GET", docPath+"/check", "rita", nil) // the shared view is warm before the delete

	if r := h.do("DELETE", claimPath, "rita", nil); r.status != http.StatusNoContent {
		t.Fatalf("DELETE claim: %d %s", r.status, r.body)
	}
	for _, p := range []string{claimPath, claimPath + "/candidates"} {
		if r := h.do("GET", p, "rita", nil); r.status != http.StatusNotFound || r.errorCode(t) != citecheck.ECodeNotFound {
			t.Errorf("GET %s of a trashed claim: %d %s", p, r.status, r.body)
		}
	}
	if r := h.do("PATCH", claimPath, "rita", map[string]any{"version": cl.Version, "note": "x"}); r.status != http.StatusNotFound {
		t.Errorf("PATCH of a trashed claim: %d", r.status)
	}
	var list struct{ Claims []citecheck.Claim }
	h.do("GET", docPath+"/claims", "rita", nil).json(t, &list)
	var check struct {
		Covered int
		Claims  []any
	}
	h.do("GET", docPath+"/check", "rita", nil).json(t, &check)
	var export struct{ Claims []any }
	h.do("GET", docPath+"/export", "rita", nil).json(t, &export)
	if len(list.Claims) != 0 || len(check.Claims) != 0 || check.Covered != 0 || len(export.Claims) != 0 {
		t.Errorf("a trashed claim is still read: list %d, check %+v, export %d", len(list.Claims), check, len(export.Claims))
	}
	var trash citecheck.Trash
	h.do("GET", "/api/v1/trash", "ed", nil).json(t, &trash)
	if len(trash.Claims) != 1 || trash.Claims[0].ID != cl.ID || trash.Claims[0].DeletedBy != "rita" {
		t.Fatalf("trash %+v", trash)
	}

	var back citecheck.Claim
	r := h.do("POST", claimPath+"/restore", "ed", nil)
	if r.status != http.StatusOK {
		t.Fatalf("restore claim: %d %s", r.status, r.body)
	}
	r.json(t, &back)
	if back.ID != cl.ID || back.Quote != cl.Quote || back.Checks == nil {
		t.Errorf("restored %+v", back)
	}
	h.do("GET", docPath+"/check", "rita", nil).json(t, &check)
	if check.Covered != 1 {
		t.Errorf("the restored claim covers %d markers, want 1", check.Covered)
	}
	var hist struct{ Events []citecheck.ClaimEvent }
	h.do("GET", claimPath+"/history", "rita", nil).json(t, &hist)
	n := len(hist.Events)
	if n < 3 || hist.Events[n-2].Action != "deleted" || hist.Events[n-2].By != "rita" || hist.Events[n-1].Action != "restored" || hist.Events[n-1].By != "ed" {
		t.Errorf("history %+v", hist.Events)
	}
	if r := h.do("POST", claimPath+"/restore", "ed", nil); r.status != http.StatusNotFound {
		t.Errorf("restoring a live claim: %d", r.status)
	}

	if r := h.do("DELETE", docPath, "rita", nil); r.status != http.StatusNoContent {
		t.Fatalf("DELETE document: %d", r.status)
	}
	for _, p := range []string{docPath, docPath + "/claims", docPath + "/check", docPath + "/export", claimPath,
		docPath + "/revisions", docPath + "/revisions/1", docPath + "/sources", docPath + "/sentences"} {
		if r := h.do("GET", p, "rita", nil); r.status != http.StatusNotFound {
			t.Errorf("GET %s of a trashed document: %d", p, r.status)
		}
	}
	// The claim went with its document: it comes back only with it.
	if r := h.do("POST", claimPath+"/restore", "ed", nil); r.status != http.StatusConflict || r.errorCode(t) != citecheck.ECodeConflict {
		t.Errorf("restoring a claim that went with its document: %d %s", r.status, r.body)
	}
	var docs struct{ Documents []any }
	h.do("GET", "/api/v1/documents", "rita", nil).json(t, &docs)
	if len(docs.Documents) != 0 {
		t.Errorf("documents list %+v", docs.Documents)
	}
	if r := h.do("POST", docPath+"/restore", "rita", nil); r.status != http.StatusOK {
		t.Fatalf("restore document: %d %s", r.status, r.body)
	}
	h.do("GET", docPath+"/claims", "rita", nil).json(t, &list)
	if len(list.Claims) != 1 || list.Claims[0].ID != cl.ID {
		t.Errorf("claims after the document's restore %+v", list.Claims)
	}
}

func TestReviewerRestoresOnlyTheirOwnDeletions(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Trash", trashText)
	var mine, edits citecheck.Claim
	h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", map[string]any{"start": 0, "end": 22, "refs": []int{1}}).json(t, &mine)
	h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", map[string]any{"start": 27, "end": 36, "refs": []int{2}}).json(t, &edits)
	h.do("DELETE", fmt.Sprintf("/api/v1/claims/%d", mine.ID), "rita", nil)
	h.do("DELETE", fmt.Sprintf("/api/v1/claims/%d", edits.ID), "ed", nil)
	for _, tt := range []struct {
		user   string
		id     int64
		status int
	}{
		{"ralph", mine.ID, http.StatusForbidden},
		{"rita", edits.ID, http.StatusForbidden},
		{"rita", mine.ID, http.StatusOK},
		{"ada", edits.ID, http.StatusOK},
	} {
		r := h.do("POST", fmt.Sprintf("/api/v1/claims/%d/restore", tt.id), tt.user, nil)
		if r.status != tt.status {
			t.Errorf("%s restores claim %d: %d, want %d (%s)", tt.user, tt.id, r.status, tt.status, r.body)
		}
		if tt.status == http.StatusForbidden && r.errorCode(t) != citecheck.ECodeForbidden {
			t.Errorf("refusal %s", r.body)
		}
	}
}

func TestPageDeleteAsksFirstThenOffersUndo(t *testing.T) {
	h := newHarness(t, Config{})
	doc := h.createDocument("rita", "Trash", trashText)
	var cl citecheck.Claim
	h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita", map[string]any{"start": 0, "end": 22, "refs": []int{1}}).json(t, &cl)
	b := h.newBrowser()
	b.login("rita")
	page := b.get(fmt.Sprintf("/documents/%d", doc.ID))
	if !strings.Contains(string(page.body), fmt.Sprintf(`id="c-%d"`, cl.ID)) {
		t.Fatalf("the claim is not on the page")
	}
	// One click only asks.
	r := b.postForm(fmt.Sprintf("/claims/%d/delete", cl.ID), url.Values{}, true)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), "Move to trash") || !strings.Contains(string(r.body), `name="confirm" value="yes"`) {
		t.Fatalf("delete without confirm: %d %.300s", r.status, r.body)
	}
	if _, err := h.st.Claim(t.Context(), cl.ID); err != nil {
		t.Fatalf("one click deleted the claim: %v", err)
	}
	// Confirmed, the claim goes and the document page offers Undo.
	r = b.postForm(fmt.Sprintf("/claims/%d/delete", cl.ID), url.Values{"confirm": {"yes"}}, true)
	page = b.follow(r)
	undo := fmt.Sprintf(`action="/claims/%d/restore"`, cl.ID)
	if strings.Contains(string(page.body), fmt.Sprintf(`id="c-%d"`, cl.ID)) || !strings.Contains(string(page.body), undo) {
		t.Fatalf("after the delete: %.2000s", page.body)
	}
	if again := b.get(fmt.Sprintf("/documents/%d", doc.ID)); strings.Contains(string(again.body), undo) {
		t.Error("the Undo button outlives its message")
	}
	if r := b.get(fmt.Sprintf("/claims/%d", cl.ID)); r.status != http.StatusNotFound {
		t.Errorf("page of a trashed claim: %d", r.status)
	}
	trash := b.get("/trash")
	if !strings.Contains(string(trash.body), "Talks began in Vienna.") || !strings.Contains(string(trash.body), undo) {
		t.Errorf("trash page: %.2000s", trash.body)
	}
	claimPage := b.follow(b.postForm(fmt.Sprintf("/claims/%d/restore", cl.ID), url.Values{}, true))
	body := string(claimPage.body)
	if claimPage.status != http.StatusOK || !strings.Contains(body, "restored.") ||
		!strings.Contains(body, `<span class="action">deleted</span>`) || !strings.Contains(body, `<span class="action">restored</span>`) {
		t.Fatalf("after Undo: %d %.500s", claimPage.status, body)
	}

	// The document: asks, goes to the trash with an Undo, and comes back from /trash.
	r = b.postForm(fmt.Sprintf("/documents/%d/delete", doc.ID), url.Values{}, true)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), "Move to trash") {
		t.Fatalf("document delete without confirm: %d", r.status)
	}
	home := b.follow(b.postForm(fmt.Sprintf("/documents/%d/delete", doc.ID), url.Values{"confirm": {"yes"}}, true))
	if !strings.Contains(string(home.body), fmt.Sprintf(`action="/documents/%d/restore"`, doc.ID)) {
		t.Fatalf("no Undo after the document's delete: %.1500s", home.body)
	}
	if r := b.get(fmt.Sprintf("/documents/%d", doc.ID)); r.status != http.StatusNotFound {
		t.Errorf("page of a trashed document: %d", r.status)
	}
	docPage := b.follow(b.postForm(fmt.Sprintf("/documents/%d/restore", doc.ID), url.Values{"back": {"/trash"}}, true))
	if !strings.Contains(string(docPage.body), fmt.Sprintf(`id="c-%d"`, cl.ID)) || !strings.Contains(string(docPage.body), "Document history") {
		t.Errorf("restored document page: %.300s", docPage.body)
	}
}
