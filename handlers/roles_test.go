package handlers

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/formats"
	"github.com/citecheck/citecheck/store"
)

// The roles of the matrix, in the order of matrixCase.want.
var matrixRoles = []string{"none", "reviewer", "editor", "admin", "disabled"}

// matrixFixture is what one case acts on, made afresh for each role: a document and a claim of
// ralph (a reviewer who is never the caller), ralph's user id and the id of his session.
type matrixFixture struct {
	doc          int64
	claim        int64
	ralph        int64
	ralphSession int64
	unique       string
	// A source of the document, and evidence of ralph's on a second claim of his.
	source, evidence int64
	// A document and a claim that ralph moved to the trash, for the restore routes only.
	trashedDoc, trashedClaim int64
}

type matrixCase struct {
	method, route string
	path          func(f matrixFixture) string
	form          func(f matrixFixture) url.Values // pages
	json          func(f matrixFixture) any        // API
	want          [5]int                           // none, reviewer, editor, admin, disabled
}

func all(code int) [5]int { return [5]int{code, code, code, code, code} }

// signedIn gives the code for none and disabled, then the same code for the three roles.
func signedIn(anon, code int) [5]int { return [5]int{anon, code, code, code, anon} }

func byRole(anon, reviewer, editor, admin int) [5]int {
	return [5]int{anon, reviewer, editor, admin, anon}
}

func fixed(p string) func(matrixFixture) string { return func(matrixFixture) string { return p } }
func docPath(format string) func(matrixFixture) string {
	return func(f matrixFixture) string { return fmt.Sprintf(format, f.doc) }
}
func claimPath(format string) func(matrixFixture) string {
	return func(f matrixFixture) string { return fmt.Sprintf(format, f.claim) }
}
func ralphPath(format string) func(matrixFixture) string {
	return func(f matrixFixture) string { return fmt.Sprintf(format, f.ralph) }
}
func ralphSessionPath(format string) func(matrixFixture) string {
	return func(f matrixFixture) string { return fmt.Sprintf(format, f.ralphSession) }
}

var matrix = []matrixCase{
	{"GET", "/healthz", fixed("/healthz"), nil, nil, all(200)},
	{"GET", "/assets/*", fixed("/assets/style.css"), nil, nil, all(200)},
	{"GET", "/login", fixed("/login"), nil, nil, [5]int{200, 303, 303, 303, 200}},
	{"POST", "/logout", fixed("/logout"), func(matrixFixture) url.Values { return url.Values{} }, nil, all(303)},

	{"GET", "/", fixed("/"), nil, nil, signedIn(303, 200)},
	{"POST", "/documents", fixed("/documents"), func(matrixFixture) url.Values {
		return url.Values{"title": {"t"}, "text": {"A text. [1]"}}
	}, nil, signedIn(303, 303)},
	{"POST", "/import", fixed("/import"), func(matrixFixture) url.Values { return url.Values{} }, nil, signedIn(303, 422)}, // no file: TestImportPageOpensTheNewDocumentOrShowsTheError uploads one
	{"GET", "/documents/:id", docPath("/documents/%d"), nil, nil, signedIn(303, 200)},
	{"GET", "/documents/:id/panel", docPath("/documents/%d/panel?panel=1"), nil, nil, signedIn(303, 200)},
	{"GET", "/documents/:id/blocks", docPath("/documents/%d/blocks?b=0"), nil, nil, signedIn(303, 200)},
	{"POST", "/documents/:id/delete", docPath("/documents/%d/delete"), func(matrixFixture) url.Values { return url.Values{"confirm": {"yes"}} }, nil, byRole(303, 403, 303, 303)},
	{"POST", "/documents/:id/claims", docPath("/documents/%d/claims"), func(matrixFixture) url.Values {
		return url.Values{"start": {"0"}, "end": {"5"}, "refs": {"1"}}
	}, nil, signedIn(303, 303)},
	{"POST", "/documents/:id/markers/claim", docPath("/documents/%d/markers/claim"), func(matrixFixture) url.Values {
		return url.Values{"start": {"29"}} // the uncovered [2]
	}, nil, signedIn(303, 303)},
	{"POST", "/documents/:id/references", docPath("/documents/%d/references"), func(matrixFixture) url.Values {
		return url.Values{"number": {"1"}, "text": {"Reuters, 2 Nov 2015"}, "url": {"https://example.org/r"}}
	}, nil, signedIn(303, 303)},
	{"POST", "/documents/:id/references/:number", docPath("/documents/%d/references/1"), func(matrixFixture) url.Values {
		return url.Values{"text": {"Reuters"}}
	}, nil, signedIn(303, 404)},
	{"POST", "/documents/:id/references/:number/delete", docPath("/documents/%d/references/1/delete"), func(matrixFixture) url.Values {
		return url.Values{}
	}, nil, signedIn(303, 404)},
	{"GET", "/documents/:id/suggestions", docPath("/documents/%d/suggestions"), nil, nil, signedIn(303, 200)},
	{"POST", "/documents/:id/suggestions/accept", docPath("/documents/%d/suggestions/accept"), func(matrixFixture) url.Values {
		return url.Values{"start": {"0"}, "end": {"14"}, "quote": {"Ralph's claim."}, "refs": {"1"}} // claimed already
	}, nil, signedIn(303, 303)},
	{"POST", "/documents/:id/suggestions/dismiss", docPath("/documents/%d/suggestions/dismiss"), func(matrixFixture) url.Values {
		return url.Values{"start": {"0"}, "end": {"14"}}
	}, nil, signedIn(303, 303)},
	{"POST", "/documents/:id/suggestions/restore", docPath("/documents/%d/suggestions/restore"), func(matrixFixture) url.Values {
		return url.Values{"start": {"0"}, "end": {"14"}}
	}, nil, signedIn(303, 303)},
	{"POST", "/documents/:id/revisions", docPath("/documents/%d/revisions"), func(matrixFixture) url.Values {
		return url.Values{"text": {"Ralph's claim. [1] More text [2]. A new sentence."}}
	}, nil, signedIn(303, 303)},
	{"GET", "/documents/:id/revisions/:n", docPath("/documents/%d/revisions/1"), nil, nil, signedIn(303, 200)},
	{"GET", "/claims/:id", claimPath("/claims/%d"), nil, nil, signedIn(303, 200)},
	{"POST", "/claims/:id", claimPath("/claims/%d"), func(matrixFixture) url.Values {
		return url.Values{"version": {"1"}, "refs": {"1"}, "status": {"supported"}, "note": {"n"}}
	}, nil, signedIn(303, 303)},
	{"POST", "/claims/:id/accept-candidate", claimPath("/claims/%d/accept-candidate"), func(matrixFixture) url.Values {
		return url.Values{"version": {"1"}, "start": {"0"}, "end": {"5"}}
	}, nil, signedIn(303, 303)},
	{"POST", "/claims/:id/delete", claimPath("/claims/%d/delete"), func(matrixFixture) url.Values { return url.Values{"confirm": {"yes"}} }, nil, byRole(303, 403, 303, 303)},
	{"POST", "/claims/:id/review", claimPath("/claims/%d/review"), func(matrixFixture) url.Values {
		return url.Values{"decision": {"approved"}, "version": {"1"}}
	}, nil, byRole(303, 403, 303, 303)},
	{"GET", "/review", fixed("/review"), nil, nil, byRole(303, 403, 200, 200)},
	{"GET", "/my/rejected", fixed("/my/rejected"), nil, nil, signedIn(303, 200)},
	{"GET", "/documents/:id/report", docPath("/documents/%d/report"), nil, nil, signedIn(303, 200)},
	{"GET", "/account", fixed("/account"), nil, nil, signedIn(303, 200)},
	{"POST", "/account/password", fixed("/account/password"), func(matrixFixture) url.Values {
		return url.Values{"current": {testPassword}, "new": {testPassword}, "repeat": {testPassword}}
	}, nil, signedIn(303, 303)},
	{"POST", "/account/tokens", fixed("/account/tokens"), func(f matrixFixture) url.Values {
		return url.Values{"name": {"matrix " + f.unique}}
	}, nil, signedIn(303, 201)},
	// Token 2 is ralph's (the harness makes one token per user, in order), never the caller's.
	{"POST", "/account/tokens/:id/revoke", fixed("/account/tokens/2/revoke"), func(matrixFixture) url.Values { return url.Values{} }, nil, signedIn(303, 404)},
	// Ralph's session is never the caller's: ending it is not found, whatever the role.
	{"POST", "/account/sessions/:id/end", ralphSessionPath("/account/sessions/%d/end"), func(matrixFixture) url.Values { return url.Values{} }, nil, signedIn(303, 404)},
	// Signs the caller out (to /login); the walk signs them in again, as after /logout.
	{"POST", "/account/sessions/end-all", fixed("/account/sessions/end-all"), func(matrixFixture) url.Values { return url.Values{} }, nil, signedIn(303, 303)},
	{"GET", "/admin/users", fixed("/admin/users"), nil, nil, byRole(303, 403, 403, 200)},
	{"POST", "/admin/users", fixed("/admin/users"), func(f matrixFixture) url.Values {
		return url.Values{"name": {"new-" + f.unique}, "role": {"reviewer"}, "password": {testPassword}}
	}, nil, byRole(303, 403, 403, 303)},
	{"POST", "/admin/users/:id/role", ralphPath("/admin/users/%d/role"), func(matrixFixture) url.Values {
		return url.Values{"role": {"reviewer"}}
	}, nil, byRole(303, 403, 403, 303)},
	{"POST", "/admin/users/:id/disabled", ralphPath("/admin/users/%d/disabled"), func(matrixFixture) url.Values {
		return url.Values{"disabled": {"false"}}
	}, nil, byRole(303, 403, 403, 303)},
	{"POST", "/admin/users/:id/password", ralphPath("/admin/users/%d/password"), func(matrixFixture) url.Values {
		return url.Values{"password": {testPassword}}
	}, nil, byRole(303, 403, 403, 303)},

	{"GET", "/api/v1/openapi.json", fixed("/api/v1/openapi.json"), nil, nil, signedIn(401, 200)},
	{"GET", "/api/v1/documents", fixed("/api/v1/documents"), nil, nil, signedIn(401, 200)},
	{"POST", "/api/v1/documents", fixed("/api/v1/documents"), nil, func(matrixFixture) any {
		return map[string]string{"title": "t", "text": "A text. [1]"}
	}, signedIn(401, 201)},
	{"GET", "/api/v1/documents/:id", docPath("/api/v1/documents/%d"), nil, nil, signedIn(401, 200)},
	{"DELETE", "/api/v1/documents/:id", docPath("/api/v1/documents/%d"), nil, nil, byRole(401, 403, 204, 204)},
	{"GET", "/api/v1/documents/:id/claims", docPath("/api/v1/documents/%d/claims"), nil, nil, signedIn(401, 200)},
	{"POST", "/api/v1/documents/:id/claims", docPath("/api/v1/documents/%d/claims"), nil, func(matrixFixture) any {
		return map[string]any{"start": 0, "end": 5, "refs": []int{1}}
	}, signedIn(401, 201)},
	{"GET", "/api/v1/documents/:id/suggest", docPath("/api/v1/documents/%d/suggest?start=0&end=5"), nil, nil, signedIn(401, 200)},
	{"GET", "/api/v1/documents/:id/check", docPath("/api/v1/documents/%d/check"), nil, nil, signedIn(401, 200)},
	{"GET", "/api/v1/documents/:id/export", docPath("/api/v1/documents/%d/export"), nil, nil, signedIn(401, 200)},
	{"POST", "/api/v1/documents/:id/import", docPath("/api/v1/documents/%d/import?format=w3c"), nil, func(matrixFixture) any {
		return []map[string]any{{"id": "urn:x:1", "type": "Annotation", "target": map[string]any{"source": "urn:x",
			"selector": map[string]any{"type": "TextQuoteSelector", "exact": "More text"}}}}
	}, signedIn(401, 201)},
	{"POST", "/api/v1/import", fixed("/api/v1/import"), nil, func(matrixFixture) any {
		text := "An imported text. [1]"
		return formats.BuildExport(&citecheck.Document{Title: "i", Text: text, TextSHA256: citecheck.TextSHA256(text),
			Length: citecheck.NewText(text).Len(), Citations: citecheck.ParseCitations(text)}, nil, time.Now())
	}, signedIn(401, 201)},
	{"POST", "/api/v1/documents/:id/references", docPath("/api/v1/documents/%d/references"), nil, func(matrixFixture) any {
		return map[string]any{"number": 1, "text": "Reuters, 2 Nov 2015"}
	}, signedIn(401, 201)},
	{"PUT", "/api/v1/documents/:id/references/:number", docPath("/api/v1/documents/%d/references/1"), nil, func(matrixFixture) any {
		return map[string]any{"text": "Reuters"}
	}, signedIn(401, 404)},
	{"DELETE", "/api/v1/documents/:id/references/:number", docPath("/api/v1/documents/%d/references/1"), nil, nil, signedIn(401, 404)},
	{"GET", "/api/v1/documents/:id/sentences", docPath("/api/v1/documents/%d/sentences"), nil, nil, signedIn(401, 200)},
	{"POST", "/api/v1/documents/:id/sentences/dismiss", docPath("/api/v1/documents/%d/sentences/dismiss"), nil, func(matrixFixture) any {
		return map[string]any{"spans": []map[string]int{{"start": 0, "end": 14}}}
	}, signedIn(401, 204)},
	{"GET", "/api/v1/documents/:id/sentences/dismissed", docPath("/api/v1/documents/%d/sentences/dismissed"), nil, nil, signedIn(401, 200)},
	{"POST", "/api/v1/documents/:id/sentences/restore", docPath("/api/v1/documents/%d/sentences/restore"), nil, func(matrixFixture) any {
		return map[string]any{"spans": []map[string]int{{"start": 0, "end": 14}}}
	}, signedIn(401, 204)},
	{"GET", "/api/v1/documents/:id/revisions", docPath("/api/v1/documents/%d/revisions"), nil, nil, signedIn(401, 200)},
	{"POST", "/api/v1/documents/:id/revisions", docPath("/api/v1/documents/%d/revisions"), nil, func(matrixFixture) any {
		return map[string]any{"text": "Ralph's claim. [1] More text [2]. A new sentence."}
	}, signedIn(401, 201)},
	{"GET", "/api/v1/documents/:id/revisions/:n", docPath("/api/v1/documents/%d/revisions/1"), nil, nil, signedIn(401, 200)},
	{"GET", "/api/v1/claims/:id", claimPath("/api/v1/claims/%d"), nil, nil, signedIn(401, 200)},
	{"PATCH", "/api/v1/claims/:id", claimPath("/api/v1/claims/%d"), nil, func(matrixFixture) any {
		return map[string]any{"version": 1, "status": "supported"}
	}, signedIn(401, 200)},
	{"DELETE", "/api/v1/claims/:id", claimPath("/api/v1/claims/%d"), nil, nil, byRole(401, 403, 204, 204)},
	{"POST", "/api/v1/claims/:id/review", claimPath("/api/v1/claims/%d/review"), nil, func(matrixFixture) any {
		return map[string]any{"decision": "approved", "version": 1}
	}, byRole(401, 403, 200, 200)},
	{"POST", "/api/v1/claims/:id/review", claimPath("/api/v1/claims/%d/review"), nil, func(matrixFixture) any {
		return map[string]any{"decision": "pending", "version": 1} // an undo with nothing decided: TestUndoOfADecisionThroughTheAPI undoes one
	}, byRole(401, 403, 422, 422)},
	{"GET", "/api/v1/claims/:id/history", claimPath("/api/v1/claims/%d/history"), nil, nil, signedIn(401, 200)},
	{"GET", "/api/v1/claims/:id/candidates", claimPath("/api/v1/claims/%d/candidates"), nil, nil, signedIn(401, 422)},
	{"GET", "/api/v1/sessions", fixed("/api/v1/sessions"), nil, nil, signedIn(401, 200)},
	{"DELETE", "/api/v1/sessions/:id", ralphSessionPath("/api/v1/sessions/%d"), nil, nil, signedIn(401, 404)},

	// Sources and evidence.
	{"POST", "/documents/:id/sources", docPath("/documents/%d/sources"), func(matrixFixture) url.Values {
		return url.Values{"number": {"1"}, "text": {"Reuters: talks began."}}
	}, nil, signedIn(303, 303)},
	{"POST", "/documents/:id/uncited/claim", docPath("/documents/%d/uncited/claim"), func(matrixFixture) url.Values {
		return url.Values{"start": {"0"}, "end": {"14"}, "quote": {"Ralph's claim."}} // cited: TestUncitedStatementBecomesACitationNeededClaim
	}, nil, signedIn(303, 422)},
	{"GET", "/sources/:id", func(f matrixFixture) string { return fmt.Sprintf("/sources/%d?start=0&end=7", f.source) }, nil, nil, signedIn(303, 200)},
	// The evidence pane: asked for as a page it sends to the document page with the pane open;
	// its form saves and returns there (the fragments: TestSplitPane*).
	{"GET", "/claims/:id/evidence", claimPath("/claims/%d/evidence"), nil, nil, signedIn(303, 303)},
	{"POST", "/claims/:id/evidence", claimPath("/claims/%d/evidence"), func(f matrixFixture) url.Values {
		return url.Values{"source_id": {fmt.Sprint(f.source)}, "start": {"0"}, "end": {"7"}, "stance": {"supports"}}
	}, nil, signedIn(303, 303)},
	{"GET", "/api/v1/documents/:id/sources", docPath("/api/v1/documents/%d/sources"), nil, nil, signedIn(401, 200)},
	{"POST", "/api/v1/documents/:id/references/:number/sources", docPath("/api/v1/documents/%d/references/1/sources"), nil, func(matrixFixture) any {
		return map[string]any{"text": "Reuters: talks began."}
	}, signedIn(401, 201)},
	{"GET", "/api/v1/sources/:id", func(f matrixFixture) string { return fmt.Sprintf("/api/v1/sources/%d", f.source) }, nil, nil, signedIn(401, 200)},
	{"POST", "/api/v1/claims/:id/evidence", claimPath("/api/v1/claims/%d/evidence"), nil, func(f matrixFixture) any {
		return map[string]any{"source_id": f.source, "start": 0, "end": 7, "stance": "supports"}
	}, signedIn(401, 201)},
	{"DELETE", "/api/v1/evidence/:id", func(f matrixFixture) string { return fmt.Sprintf("/api/v1/evidence/%d", f.evidence) }, nil, nil, byRole(401, 403, 204, 204)},
	{"POST", "/evidence/:id/delete", func(f matrixFixture) string { return fmt.Sprintf("/evidence/%d/delete", f.evidence) }, func(matrixFixture) url.Values { return url.Values{"back": {"/"}} }, nil, byRole(303, 403, 303, 303)},

	// The trash: ralph (a reviewer, never the caller) deleted a document and a claim of his;
	// editors and admins restore them, another reviewer may not (TestReviewerRestoresOwnDeletion).
	{"GET", "/trash", fixed("/trash"), nil, nil, signedIn(303, 200)},
	{"POST", "/claims/:id/restore", trashedClaimPath("/claims/%d/restore"), func(matrixFixture) url.Values { return url.Values{} }, nil, byRole(303, 403, 303, 303)},
	{"POST", "/documents/:id/restore", trashedDocPath("/documents/%d/restore"), func(matrixFixture) url.Values { return url.Values{} }, nil, byRole(303, 403, 303, 303)},
	{"GET", "/api/v1/trash", fixed("/api/v1/trash"), nil, nil, signedIn(401, 200)},
	{"POST", "/api/v1/claims/:id/restore", trashedClaimPath("/api/v1/claims/%d/restore"), nil, nil, byRole(401, 403, 200, 200)},
	{"POST", "/api/v1/documents/:id/restore", trashedDocPath("/api/v1/documents/%d/restore"), nil, nil, byRole(401, 403, 200, 200)},
	// Live updates: the matrix's server is shut down from the start, so a stream ends at once.
	{"GET", "/api/v1/events", fixed("/api/v1/events"), nil, nil, signedIn(401, 200)},
	{"GET", "/api/v1/documents/:id/events", docPath("/api/v1/documents/%d/events"), nil, nil, signedIn(401, 200)},
	{"GET", "/documents/:id/live", func(f matrixFixture) string { return fmt.Sprintf("/documents/%d/live?claim=%d", f.doc, f.claim) }, nil, nil, signedIn(303, 200)},
	// Search: whoever may read documents may search them all.
	{"GET", "/search", docPath("/search?q=claim&document_id=%d"), nil, nil, signedIn(303, 200)},
	{"GET", "/api/v1/search", docPath("/api/v1/search?q=claim&document_id=%d"), nil, nil, signedIn(401, 200)},
	// The live desk (issue 16): the discussion under a claim, open to every signed-in role.
	{"POST", "/claims/:id/comments", claimPath("/claims/%d/comments"), func(matrixFixture) url.Values {
		return url.Values{"body": {"a comment"}}
	}, nil, signedIn(303, 303)},
	{"GET", "/api/v1/claims/:id/comments", claimPath("/api/v1/claims/%d/comments"), nil, nil, signedIn(401, 200)},
	{"POST", "/api/v1/claims/:id/comments", claimPath("/api/v1/claims/%d/comments"), nil, func(matrixFixture) any {
		return map[string]string{"body": "a comment"}
	}, signedIn(401, 201)},
	// Assignments: editors and admins plan the desk (TestAssignmentAPI covers the refusals).
	{"POST", "/documents/:id/assignment", docPath("/documents/%d/assignment"), func(f matrixFixture) url.Values {
		return url.Values{"checker": {"ralph"}, "due_at": {"2099-01-01T12:00"}}
	}, nil, byRole(303, 403, 303, 303)},
	{"POST", "/documents/:id/assignment/delete", docPath("/documents/%d/assignment/delete"), func(matrixFixture) url.Values { return url.Values{} }, nil, byRole(303, 403, 404, 404)},
	{"PUT", "/api/v1/documents/:id/assignment", docPath("/api/v1/documents/%d/assignment"), nil, func(matrixFixture) any {
		return map[string]string{"checker": "ralph", "due_at": "2099-01-01T12:00:00Z"}
	}, byRole(401, 403, 200, 200)},
	{"DELETE", "/api/v1/documents/:id/assignment", docPath("/api/v1/documents/%d/assignment"), nil, nil, byRole(401, 403, 404, 404)},
	// My work: each signed-in user's own.
	{"GET", "/my", fixed("/my"), nil, nil, signedIn(303, 200)},
	{"GET", "/api/v1/me/work", fixed("/api/v1/me/work"), nil, nil, signedIn(401, 200)},
	{"POST", "/api/v1/me/comments/seen", fixed("/api/v1/me/comments/seen"), nil, func(matrixFixture) any {
		return map[string]int{"up_to": 1}
	}, signedIn(401, 204)},
}

func trashedClaimPath(format string) func(matrixFixture) string {
	return func(f matrixFixture) string { return fmt.Sprintf(format, f.trashedClaim) }
}
func trashedDocPath(format string) func(matrixFixture) string {
	return func(f matrixFixture) string { return fmt.Sprintf(format, f.trashedDoc) }
}

// matrixTrash makes a document and a claim of ralph's and moves both to the trash as ralph.
func matrixTrash(t *testing.T, h *harness) (doc, claim int64) {
	t.Helper()
	d := h.createDocument("ralph", "trashed", "Ralph's claim. [1]")
	var cl citecheck.Claim
	h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", d.ID), "ralph", map[string]any{"start": 0, "end": 14, "refs": []int{1}}).json(t, &cl)
	other := h.createDocument("ralph", "kept", "Ralph's claim. [1]")
	for _, p := range []string{fmt.Sprintf("/api/v1/claims/%d", cl.ID), fmt.Sprintf("/api/v1/documents/%d", other.ID)} {
		if r := h.do("DELETE", p, "ralph", nil); r.status != 204 {
			t.Fatalf("DELETE %s: %d", p, r.status)
		}
	}
	return other.ID, cl.ID
}

// TestRoleMatrix walks every route with every role (none, reviewer, editor, admin, disabled)
// through the real router and asserts the status code. Routes that a case does not list fail it,
// so a new route cannot go untested.
func TestRoleMatrix(t *testing.T) {
	shutdown := make(chan struct{})
	close(shutdown)
	h := newHarness(t, Config{Shutdown: shutdown})
	ctx := context.Background()
	hash, _ := citecheck.HashPassword(testPassword)
	dora, err := h.st.CreateUser(ctx, "dora", citecheck.RoleReviewer, hash)
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := citecheck.NewToken()
	h.st.CreateToken(ctx, dora.ID, citecheck.HashToken(tok))
	h.tokens["dora"] = tok
	ralph, _, _ := h.st.UserByName(ctx, "ralph")

	browsers := map[string]*browser{"none": h.newBrowser()}
	browsers["none"].get("/login")
	for role, name := range map[string]string{"reviewer": "rita", "editor": "ed", "admin": "ada", "disabled": "dora"} {
		browsers[role] = h.newBrowser()
		browsers[role].login(name)
	}
	if _, err := h.st.SetUserDisabled(ctx, "dora", true); err != nil {
		t.Fatal(err)
	}
	apiUser := map[string]string{"none": "", "reviewer": "rita", "editor": "ed", "admin": "ada", "disabled": "dora"}

	covered := map[string]bool{}
	n := 0
	for _, mc := range matrix {
		covered[mc.method+" "+mc.route] = true
		for i, role := range matrixRoles {
			n++
			doc := h.createDocument("ralph", "matrix", "Ralph's claim. [1] More text [2].")
			var cl citecheck.Claim
			h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "ralph", map[string]any{"start": 0, "end": 14, "refs": []int{1}}).json(t, &cl)
			// A live session of ralph's, made afresh: an admin's password reset ends the one before.
			rs, err := h.st.CreateSession(ctx, store.NewSession{TokenHash: "ralph-" + fmt.Sprint(n), UserID: ralph.ID, MaxAge: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			f := matrixFixture{doc: doc.ID, claim: cl.ID, ralph: ralph.ID, ralphSession: rs.ID, unique: fmt.Sprint(n)}
			f.source, f.evidence = matrixEvidence(t, h, doc.ID, ralph.ID)
			if strings.Contains(mc.route, "/trash") || strings.HasSuffix(mc.route, ":id/restore") {
				f.trashedDoc, f.trashedClaim = matrixTrash(t, h)
			}
			path := mc.path(f)
			var r response
			switch {
			case mc.json != nil || (mc.form == nil && len(path) > 4 && path[:5] == "/api/"):
				var body any
				if mc.json != nil {
					body = mc.json(f)
				}
				r = h.do(mc.method, path, apiUser[role], body)
			case mc.form != nil:
				r = browsers[role].postForm(path, mc.form(f), true)
			default:
				r = browsers[role].get(path)
			}
			if r.status != mc.want[i] {
				t.Errorf("%s %s as %s: %d, want %d (%.120s)", mc.method, path, role, r.status, mc.want[i], r.body)
			}
			if (mc.route == "/logout" || mc.route == "/account/sessions/end-all") && role != "none" && role != "disabled" {
				browsers[role].login(map[string]string{"reviewer": "rita", "editor": "ed", "admin": "ada"}[role])
			}
		}
	}
	var missing []string
	for _, rt := range h.routes {
		if !covered[rt] {
			missing = append(missing, rt)
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		if m != "POST /login" { // sign-in itself: TestSessionNeedsCSRFOnUnsafeRequests
			t.Errorf("route %s is not in the role matrix", m)
		}
	}
}
