package handlers

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/formats"
)

// forgedExport is the native export of a document annotated by rita (see annotate), with every
// claim edited by forge as a hand-made file would be.
func forgedExport(t *testing.T, h *harness, forge func(c map[string]any)) []byte {
	t.Helper()
	doc := h.createDocument("rita", "Forged", unicodeText)
	annotate(t, h, doc)
	body := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export", doc.ID), "ed", nil).body
	var ex map[string]any
	if err := json.Unmarshal(body, &ex); err != nil {
		t.Fatal(err)
	}
	for _, c := range ex["claims"].([]any) {
		forge(c.(map[string]any))
	}
	b, _ := json.Marshal(ex)
	return b
}

// importedClaims imports a native export through the API as user and returns the new
// document's claims.
func importedClaims(t *testing.T, h *harness, user string, file []byte) (int64, []citecheck.Claim) {
	t.Helper()
	r := h.do("POST", "/api/v1/import", user, file)
	if r.status != http.StatusCreated {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	var ans importAnswer
	r.json(t, &ans)
	var list struct{ Claims []citecheck.Claim }
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims", ans.DocumentID), user, nil).json(t, &list)
	return ans.DocumentID, list.Claims
}

// TestImportNeverCarriesSignOff is issue 10, item 1, through the real router: whatever review,
// reviewer and authors a file claims, every imported claim is pending and created by the
// importer, the file's word is kept as provenance (on the claim and in an "imported" event),
// and nothing of it reaches the ClaimReview export.
func TestImportNeverCarriesSignOff(t *testing.T) {
	h := newHarness(t, Config{})
	cases := []struct {
		name, importer string
		forge          func(c map[string]any)
		review         citecheck.Review
		reviewedBy     string
	}{
		{"a reviewer's self-approval", "rita", func(c map[string]any) {
			c["review"], c["reviewed_by"], c["status"] = "approved", "rita", "supported"
		}, citecheck.ReviewApproved, "rita"},
		{"an editor's import of rita's claims, approved", "ed", func(c map[string]any) {
			c["review"], c["reviewed_by"], c["created_by"], c["updated_by"] = "approved", "ada", "rita", "rita"
		}, citecheck.ReviewApproved, "ada"},
		{"an unknown reviewer", "rita", func(c map[string]any) { c["review"], c["reviewed_by"] = "approved", "nobody" },
			citecheck.ReviewApproved, "nobody"},
		{"a rejection without a comment", "rita", func(c map[string]any) {
			c["review"], c["review_comment"], c["reviewed_by"] = "rejected", "", "ed"
		}, citecheck.ReviewRejected, "ed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			docID, claims := importedClaims(t, h, tc.importer, forgedExport(t, h, tc.forge))
			if len(claims) < 2 {
				t.Fatalf("%d claims", len(claims))
			}
			for _, c := range claims {
				if c.Review != citecheck.ReviewPending || c.ReviewedBy != nil || c.CreatedBy != tc.importer ||
					c.UpdatedBy != tc.importer || c.Imported == nil || c.Imported.Review != tc.review ||
					c.Imported.ReviewedBy != tc.reviewedBy || c.Imported.ImportedBy != tc.importer {
					t.Fatalf("claim %+v, provenance %+v", c, c.Imported)
				}
			}
			var feed map[string]any
			h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export?format=claimreview", docID), "ed", nil).json(t, &feed)
			if g := feed["@graph"].([]any); len(g) != 0 {
				t.Fatalf("imported claims published: %v", g)
			}
			events, err := h.st.ClaimHistory(context.Background(), claims[0].ID)
			if err != nil || len(events) != 2 || events[0].Action != "created" || events[0].By != tc.importer ||
				events[1].Action != citecheck.ActionImported || events[1].Changes["review"].From != string(tc.review) ||
				events[1].Changes["review"].To != "pending" {
				t.Fatalf("history %+v %v", events, err)
			}
			// The importer is the claim's author here: an editor may not approve what he imported.
			if tc.importer == "ed" {
				r := h.do("POST", fmt.Sprintf("/api/v1/claims/%d/review", claims[0].ID), "ed",
					map[string]any{"decision": "approved", "override": true})
				if r.status != http.StatusForbidden || r.errorCode(t) != citecheck.ECodeOwnClaim {
					t.Fatalf("ed approving the claim he imported: %d %s", r.status, r.body)
				}
			}
		})
	}
}

// TestImportPageAndW3CImportNeverCarrySignOff: the import form and the W3C import keep a file's
// approval as provenance only; the claim page shows it apart from the review.
func TestImportPageAndW3CImportNeverCarrySignOff(t *testing.T) {
	h := newHarness(t, Config{})
	file := forgedExport(t, h, func(c map[string]any) { c["review"], c["reviewed_by"] = "approved", "rita" })
	b := h.newBrowser()
	b.login("rita")
	r := b.upload("/import", "export.json", file, true)
	if r.status != http.StatusSeeOther {
		t.Fatalf("import form: %d %s", r.status, r.body)
	}
	var docID int64
	fmt.Sscanf(r.header.Get("Location"), "/documents/%d", &docID)
	var list struct{ Claims []citecheck.Claim }
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims", docID), "rita", nil).json(t, &list)
	if len(list.Claims) == 0 {
		t.Fatal("no claims imported")
	}
	for _, c := range list.Claims {
		if c.Review != citecheck.ReviewPending || c.CreatedBy != "rita" || c.Imported == nil || c.Imported.Review != "approved" {
			t.Fatalf("claim imported by the form: %+v", c)
		}
	}
	page := string(b.get(fmt.Sprintf("/claims/%d", list.Claims[0].ID)).body)
	if !strings.Contains(page, `id="provenance"`) || !strings.Contains(page, "review in the file") ||
		!strings.Contains(page, "Pending: an editor has yet to review it.") || !strings.Contains(page, "imported") {
		t.Fatalf("claim page does not show the provenance apart from the review:\n%s", page)
	}

	src := h.createDocument("rita", "Source", unicodeText)
	ids := annotate(t, h, src)
	w3c := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export?format=w3c", src.ID), "ed", nil).body
	dst := h.createDocument("ralph", "Copy", unicodeText)
	r = h.do("POST", fmt.Sprintf("/api/v1/documents/%d/import?format=w3c", dst.ID), "ralph", w3c)
	if r.status != http.StatusCreated {
		t.Fatalf("w3c import: %d %s", r.status, r.body)
	}
	list.Claims = nil
	h.do("GET", fmt.Sprintf("/api/v1/documents/%d/claims", dst.ID), "ralph", nil).json(t, &list)
	approved := 0
	for _, c := range list.Claims {
		if c.Review != citecheck.ReviewPending || c.CreatedBy != "ralph" || c.Imported == nil || c.Imported.FromFormat != "w3c" {
			t.Fatalf("claim imported from W3C: %+v", c)
		}
		if c.Imported.Review == citecheck.ReviewApproved && c.Imported.SourceID == fmt.Sprintf("urn:citecheck:claim:%d", ids[0]) &&
			c.Imported.CreatedBy == "rita" {
			approved++
		}
	}
	if approved != 1 {
		t.Fatalf("the approved annotation's provenance is missing: %+v", list.Claims)
	}
}

// orphanedDoc is revisionDoc with its short claim approved too, then revised so that the short
// claim is orphaned; it returns the document and the orphan.
func orphanedDoc(t *testing.T, h *harness) (citecheck.Document, citecheck.Claim) {
	t.Helper()
	doc, claims := revisionDoc(t, h)
	short := claims["short"]
	if r := h.do("POST", fmt.Sprintf("/api/v1/claims/%d/review", short.ID), "ed",
		map[string]any{"decision": "approved", "override": true}); r.status != http.StatusOK {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	if r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/revisions", doc.ID), "rita", map[string]any{"text": revText2}); r.status != http.StatusCreated {
		t.Fatalf("revise: %d %s", r.status, r.body)
	}
	return doc, getClaimAPI(t, h, short.ID)
}

// TestOrphaningSendsAReviewBackToPending: an approved claim that a revision orphans is no
// longer approved, and its history says so.
func TestOrphaningSendsAReviewBackToPending(t *testing.T) {
	h := newHarness(t, Config{})
	_, orphan := orphanedDoc(t, h)
	if orphan.Anchor != "orphaned" || orphan.Review != citecheck.ReviewPending || orphan.ReviewedBy != nil {
		t.Fatalf("orphan %+v", orphan)
	}
	events, _ := h.st.ClaimHistory(context.Background(), orphan.ID)
	last := events[len(events)-1]
	if last.Action != citecheck.ActionReanchored || last.Changes["review"] != (citecheck.FieldChange{From: "approved", To: "pending"}) ||
		last.Changes["anchor"].To != "orphaned" {
		t.Fatalf("history of the orphaning: %+v", last)
	}
}

// TestEveryExportCarriesOrphans is issue 10, item 4: native, W3C and CSV exports carry the
// orphan without a position; ClaimReview publishes approved anchored claims only and says
// what it skipped beside the feed; export, import, export keeps the orphan an orphan.
func TestEveryExportCarriesOrphans(t *testing.T) {
	h := newHarness(t, Config{})
	doc, orphan := orphanedDoc(t, h)
	export := func(id int64, format string) response {
		r := h.do("GET", fmt.Sprintf("/api/v1/documents/%d/export?format=%s", id, format), "rita", nil)
		if r.status != http.StatusOK {
			t.Fatalf("export %s: %d %s", format, r.status, r.body)
		}
		return r
	}

	native := export(doc.ID, "native")
	var raw struct{ Claims []map[string]any }
	native.json(t, &raw)
	if n := len(raw.Claims); n != 3 {
		t.Fatalf("native export holds %d claims, want 3", n)
	}
	o := raw.Claims[2]
	if o["anchor"] != "orphaned" || o["start"] != nil || o["end"] != nil || o["quote"] != "A short one." ||
		o["old_quote"] != "A short one." || o["prefix"] == "" {
		t.Fatalf("orphan in the native export: %v", o)
	}
	for _, k := range []string{"start", "end"} {
		if _, ok := o[k]; !ok {
			t.Fatalf("the orphan's %s is absent, want null: %v", k, o)
		}
	}

	var w3c formats.W3CCollection
	export(doc.ID, "w3c").json(t, &w3c)
	if len(w3c.First.Items) != 3 {
		t.Fatalf("w3c export holds %d annotations", len(w3c.First.Items))
	}
	if sels := w3c.First.Items[2].Target.Selector; len(sels) != 1 || sels[0].Type != "TextQuoteSelector" || sels[0].Exact != "A short one." ||
		sels[0].Prefix != o["prefix"] || w3c.First.Items[2].Anchor != "orphaned" {
		t.Fatalf("orphan's W3C annotation: anchor %q, selectors %+v", w3c.First.Items[2].Anchor, sels)
	}

	rows, err := csv.NewReader(bytes.NewReader(export(doc.ID, "csv").body)).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("csv: %d rows %v", len(rows), err)
	}
	if row := rows[3]; row[0] != fmt.Sprint(orphan.ID) || row[1] != "" || row[2] != "" || row[slices.Index(formats.CSVHeader, "anchor")] != "orphaned" ||
		row[slices.Index(formats.CSVHeader, "prefix")] != o["prefix"] || row[3] != "A short one." {
		t.Fatalf("orphan's csv row %q", row)
	}

	// An approved orphan left from before this rule is skipped by ClaimReview, and said so.
	if _, err := h.st.UpdateClaim(context.Background(), orphan.ID, orphan.Version, 4, func(c *citecheck.Claim) error {
		ed, at := "ed", h.st.Now()
		c.Review, c.ReviewedBy, c.ReviewedAt = citecheck.ReviewApproved, &ed, &at
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	cr := export(doc.ID, "claimreview")
	var feed map[string]any
	cr.json(t, &feed)
	if len(feed) != 2 || feed["@context"] != "https://schema.org" || feed["@graph"] == nil {
		t.Fatalf("the feed's top level is not @context and @graph alone: %s", cr.body)
	}
	if len(feed["@graph"].([]any)) != 0 || cr.header.Get("Citecheck-Skipped") != fmt.Sprintf("%d=orphaned", orphan.ID) {
		t.Fatalf("claimreview: %s, skipped %q", cr.body, cr.header.Get("Citecheck-Skipped"))
	}

	// Export, import, export: the orphan stays an orphan, and the copy can be revised and the
	// orphan placed by hand.
	native = export(doc.ID, "native")
	copyID, claims := importedClaims(t, h, "ada", native.body)
	second := export(copyID, "native")
	a, b := comparableExport(t, native.body), comparableExport(t, second.body)
	if ja, jb := mustJSON(a), mustJSON(b); ja != jb {
		t.Fatalf("round trip differs:\n%s\n----\n%s", ja, jb)
	}
	var imported citecheck.Claim
	for _, c := range claims {
		if c.Anchor == "orphaned" {
			imported = c
		}
	}
	if imported.ID == 0 || imported.Quote != "A short one." || imported.Review != citecheck.ReviewPending ||
		imported.Imported.Review != citecheck.ReviewApproved || len(imported.Checks) != 0 {
		t.Fatalf("imported orphan %+v in %+v", imported, claims)
	}
	// Before any revision of the copy, the imported orphan is still an orphan: no checks, and a
	// change without a span keeps it where it is not.
	r := h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", imported.ID), "rita", map[string]any{"version": imported.Version, "note": "find it"})
	r.json(t, &imported)
	if r.status != http.StatusOK || imported.Anchor != "orphaned" || imported.Note != "find it" || len(imported.Checks) != 0 {
		t.Fatalf("note of the imported orphan: %d %s", r.status, r.body)
	}
	if r := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/revisions", copyID), "rita",
		map[string]any{"text": revText2 + " More."}); r.status != http.StatusCreated {
		t.Fatalf("revising the copy with an imported orphan: %d %s", r.status, r.body)
	}
	s, e := runeSpan(t, revText2, "Closing.")
	r = h.do("PATCH", fmt.Sprintf("/api/v1/claims/%d", imported.ID), "rita", map[string]any{"version": imported.Version, "start": s, "end": e})
	var placed citecheck.Claim
	r.json(t, &placed)
	if r.status != http.StatusOK || placed.Anchor != "exact" || placed.Quote != "Closing." || placed.Review != citecheck.ReviewPending {
		t.Fatalf("placing the imported orphan: %d %s", r.status, r.body)
	}
}
