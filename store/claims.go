package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/citecheck/citecheck"
)

const (
	claimColumns = `c.id, c.document_id, c.start, c."end", c.quote, c.prefix, c.suffix, c.refs,
	c.status, c.note, c.review, c.review_comment, rv.name, c.reviewed_at,
	c.created_by, cu.name, c.created_at, c.updated_by, uu.name, c.updated_at, c.version,
	c.revision, c.anchor, c.anchor_score, c.old_quote, c.imported`
	claimFrom = `
FROM claims c
JOIN users cu ON cu.id = c.created_by
JOIN users uu ON uu.id = c.updated_by
LEFT JOIN users rv ON rv.id = c.reviewed_by`
	selectClaim = `SELECT ` + claimColumns + claimFrom + `
WHERE c.id = ? AND c.deleted_at IS NULL`
	// selectClaims takes the document id, then each filter twice: an empty status or review and
	// a ref of 0 match everything.
	selectClaims = `SELECT ` + claimColumns + claimFrom + `
WHERE c.document_id = ? AND c.deleted_at IS NULL
	AND (? = '' OR c.status = ?)
	AND (? = '' OR c.review = ?)
	AND (? = 0 OR EXISTS (SELECT 1 FROM json_each(c.refs) WHERE json_each.value = ?))
ORDER BY c.start, c."end", c.id`
	// selectClaimsPage is selectClaims from an offset, at most a limit of rows (-1: all).
	selectClaimsPage = selectClaims + `
LIMIT ? OFFSET ?`
	selectDocumentExists   = `SELECT COUNT(*) FROM documents WHERE id = ? AND deleted_at IS NULL`
	selectClaimCount       = `SELECT n FROM claim_counts WHERE document_id = ?`
	selectDocumentRevision = `SELECT revision FROM documents WHERE id = ? AND deleted_at IS NULL`
	insertClaim            = `INSERT INTO claims (document_id, start, "end", quote, prefix, suffix, refs,
	status, note, review, review_comment, reviewed_by, reviewed_at,
	created_by, created_at, updated_by, updated_at, version, revision)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', NULL, NULL, ?, ?, ?, ?, 1, ?)`
	updateClaim = `UPDATE claims SET start = ?, "end" = ?, quote = ?, prefix = ?, suffix = ?, refs = ?,
	status = ?, note = ?, review = ?, review_comment = ?, reviewed_by = ?, reviewed_at = ?,
	updated_by = ?, updated_at = ?, version = ?,
	revision = ?, anchor = ?, anchor_score = ?, old_quote = ?
WHERE id = ? AND version = ?`
	selectUserIDByName  = `SELECT id FROM users WHERE name = ?`
	selectClaimDocument = `SELECT document_id FROM claims WHERE id = ? AND deleted_at IS NULL`
)

// CreateClaim stores a claim that the caller has checked against its document (DocumentID,
// Start, End, Quote, Prefix, Suffix, Refs, Status, Note, CreatedByID). The store sets the ID,
// review pending, version 1, the times and the names. An unknown document is not found. The claim
// belongs to the document's current revision; a Revision set by the caller (the revision whose
// text the span was checked against) that is no longer current is a conflict.
func (s *Store) CreateClaim(ctx context.Context, c *citecheck.Claim) (*citecheck.Claim, error) {
	if err := citecheck.CheckClaim(c); err != nil {
		return nil, err
	}
	refs, err := marshalRefs(c.Refs)
	if err != nil {
		return nil, err
	}
	status := c.Status
	if status == "" {
		status = citecheck.StatusUnverified
	}
	now := formatTime(s.now())
	var out *citecheck.Claim
	err = s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rev, err := documentRevision(ctx, tx, c.DocumentID, c.Revision)
		if err != nil {
			return err
		}
		if err := claimRoom(ctx, tx, c.DocumentID, 1); err != nil {
			return err
		}
		res, err := insertRow(ctx, tx, insertClaim, c.DocumentID, c.Start, c.End, c.Quote, c.Prefix,
			c.Suffix, refs, string(status), c.Note, string(citecheck.ReviewPending),
			c.CreatedByID, now, c.CreatedByID, now, rev)
		if err != nil {
			return fmt.Errorf("store: create claim: %w", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("store: create claim: %w", err)
		}
		if out, err = claimByID(ctx, tx, id); err != nil {
			return err
		}
		return recordEvent(ctx, tx, id, out.DocumentID, now, c.CreatedByID,
			citecheck.ActionCreated, citecheck.DiffClaims(nil, out))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Claim returns one claim.
func (s *Store) Claim(ctx context.Context, id int64) (*citecheck.Claim, error) {
	return claimByID(ctx, s.lookup, id)
}

// Claims lists the claims of a document in text order (start, end, id), narrowed by f: its
// status, its review, and a ref that the claim's refs must contain.
func (s *Store) Claims(ctx context.Context, documentID int64, f citecheck.ClaimFilter) ([]citecheck.Claim, error) {
	claims, err := filteredClaims(ctx, s.reader, documentID, f)
	if err != nil {
		return nil, fmt.Errorf("store: claims of document %d: %w", documentID, err)
	}
	return claims, nil
}

// ClaimsWithStamp lists every claim of a document in text order together with the stamp of the
// document they belong to, both read in one read transaction: the claims are exactly those of
// that stamp, so a copy of them kept under it is never older or newer than it says.
func (s *Store) ClaimsWithStamp(ctx context.Context, documentID int64) (DocumentStamp, []citecheck.Claim, error) {
	all, err := s.ClaimsWithMark(ctx, documentID)
	return all.Stamp, all.Claims, err
}

// ClaimsWithMark is ClaimsWithStamp with the mark of the claims' history read in the same
// transaction, from which ClaimChangesSince later tells what changed.
func (s *Store) ClaimsWithMark(ctx context.Context, documentID int64) (ClaimsState, error) {
	var all ClaimsState
	err := s.readClaimsState(ctx, documentID, &all.Stamp, &all.Mark, func(tx *sql.Tx, n int) (err error) {
		// The count sizes the list at once: growing it by doubling to 25,000 claims made twice
		// their size in garbage on every build of a big document's view.
		all.Claims, err = claimsSized(ctx, tx, documentID, citecheck.ClaimFilter{}, 0, -1, n)
		return err
	})
	return all, err
}

// ClaimsPage is one page of Claims: the claims after the first offset in that order, at most
// limit of them (a negative limit: all the rest), read in SQL so that a page of a document with
// tens of thousands of claims reads and decodes only its own rows.
func (s *Store) ClaimsPage(ctx context.Context, documentID int64, f citecheck.ClaimFilter, offset, limit int) ([]citecheck.Claim, error) {
	if offset < 0 {
		return nil, citecheck.FieldErrorf(citecheck.ECodeInvalid, "cursor", "a page cannot start before the first claim")
	}
	claims, err := claimsPage(ctx, s.reader, documentID, f, offset, limit)
	if err != nil {
		return nil, fmt.Errorf("store: claims of document %d: %w", documentID, err)
	}
	return claims, nil
}

// claimsOf lists every claim of a document through q.
func claimsOf(ctx context.Context, q queryer, documentID int64) ([]citecheck.Claim, error) {
	return filteredClaims(ctx, q, documentID, citecheck.ClaimFilter{})
}

// filteredClaims runs selectClaims through q.
func filteredClaims(ctx context.Context, q queryer, documentID int64, f citecheck.ClaimFilter) ([]citecheck.Claim, error) {
	return claimsPage(ctx, q, documentID, f, 0, -1)
}

// claimsPage runs selectClaimsPage through q.
func claimsPage(ctx context.Context, q queryer, documentID int64, f citecheck.ClaimFilter, offset, limit int) ([]citecheck.Claim, error) {
	return claimsSized(ctx, q, documentID, f, offset, limit, max(limit, 0))
}

// claimsSized is claimsPage into a list with room for size claims, which the caller expects.
// A negative limit is none (PostgreSQL refuses SQLite's LIMIT -1, so it is sent as the largest).
func claimsSized(ctx context.Context, q queryer, documentID int64, f citecheck.ClaimFilter, offset, limit, size int) ([]citecheck.Claim, error) {
	sqlLimit := int64(limit)
	if limit < 0 {
		sqlLimit = math.MaxInt64
	}
	return readClaims(ctx, q, size, selectClaimsPage, documentID,
		string(f.Status), string(f.Status), string(f.Review), string(f.Review), f.Ref, f.Ref, sqlLimit, offset)
}

// readClaims runs query (claimColumns and claimFrom) through q with args, into a list with room
// for size claims, and loads their evidence.
func readClaims(ctx context.Context, q queryer, size int, query string, args ...any) ([]citecheck.Claim, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	claims := make([]citecheck.Claim, 0, size)
	for rows.Next() {
		c, err := scanClaim(rows)
		if err != nil {
			return nil, err
		}
		claims = append(claims, *c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return claims, loadEvidence(ctx, q, claimPointers(claims)...)
}

// claimPointers points at each claim of a list, for functions that fill them in place.
func claimPointers(claims []citecheck.Claim) []*citecheck.Claim {
	ptrs := make([]*citecheck.Claim, len(claims))
	for i := range claims {
		ptrs[i] = &claims[i]
	}
	return ptrs
}

// UpdateClaim changes a claim in one write transaction. The claim must be at version, else the
// answer is a conflict and nothing changes. mutate then edits the loaded claim (handlers pass a
// domain rule such as citecheck.ApplyChange); its error aborts the transaction and is returned as
// is. Every mutable column is written back (span, quote, context, refs, status, note, review,
// review comment, reviewer and review time), with by as the last editor and the version one
// higher. ReviewedBy is a user name, resolved to its id here. The claim is returned as stored.
//
// The same transaction appends a history event: "reviewed" when only the review fields changed
// (or only the reviewer and review time, as when a second editor approves again), else
// "updated", with the fields that changed from what to what. A mutate that changes nothing
// writes nothing: no new version, no new last editor, no event; the claim is returned as it was.
func (s *Store) UpdateClaim(ctx context.Context, id int64, version int, by int64, mutate func(c *citecheck.Claim) error) (*citecheck.Claim, error) {
	return s.updateClaim(ctx, id, version, by, func(c *citecheck.Claim) (map[string]citecheck.FieldChange, error) {
		return nil, mutate(c)
	})
}

// ReviewClaim records an editor's decision on a claim in one write transaction, as UpdateClaim
// does, by the user by. decide gets the claim as it is inside the transaction and returns it
// reviewed (handlers pass citecheck.ApplyDecision), so a racing edit cannot slip past the
// two-person rule. What the outcome adds (outcome.Changes: "override": true for an approval
// over open checks; "undone" and "reviewed_by" for an undo, whose event is "review-undone") is
// recorded in the history event; none of it is a column of the claim.
func (s *Store) ReviewClaim(ctx context.Context, id int64, version int, by int64,
	decide func(cur citecheck.Claim) (citecheck.Claim, citecheck.ReviewOutcome, error)) (*citecheck.Claim, error) {
	return s.updateClaim(ctx, id, version, by, func(c *citecheck.Claim) (map[string]citecheck.FieldChange, error) {
		next, outcome, err := decide(*copyClaim(c))
		if err != nil {
			return nil, err
		}
		*c = next
		return outcome.Changes(), nil
	})
}

// updateClaim is UpdateClaim with mutate also returning changes to record in the history event
// beside those of the claim's fields.
func (s *Store) updateClaim(ctx context.Context, id int64, version int, by int64,
	mutate func(c *citecheck.Claim) (map[string]citecheck.FieldChange, error)) (*citecheck.Claim, error) {
	var out *citecheck.Claim
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		c, err := claimByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.Version != version {
			return citecheck.Errorf(citecheck.ECodeConflict, "claim %d is at version %d, not %d", id, c.Version, version)
		}
		before := copyClaim(c)
		extra, err := mutate(c)
		if err != nil {
			return err
		}
		if err := citecheck.CheckClaim(c); err != nil {
			return err
		}
		changes := citecheck.DiffClaims(before, c)
		addAnchorChanges(changes, before, c)
		for k, v := range extra {
			changes[k] = v
		}
		reviewerChanged := !sameReviewer(before, c)
		if len(changes) == 0 && !reviewerChanged && sameContext(before, c) {
			out = before
			return nil
		}
		action := citecheck.UpdateAction(changes)
		if len(changes) == 0 && reviewerChanged {
			action = citecheck.ActionReviewed
		}
		now := formatTime(s.now())
		// A review is not a change of the claim's content: the last changer stays who they
		// were, so the two-person rule keeps naming the fact-checker, not the editor.
		updatedBy, updatedAt := by, now
		if citecheck.IsReviewAction(action) {
			updatedBy, updatedAt = before.UpdatedByID, formatTime(before.UpdatedAt)
		}
		if err := writeClaim(ctx, tx, id, version, updatedBy, updatedAt, c); err != nil {
			return err
		}
		if out, err = claimByID(ctx, tx, id); err != nil {
			return err
		}
		return recordEvent(ctx, tx, id, out.DocumentID, now, by, action, changes)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// copyClaim copies a claim deeply enough that mutating the original leaves the copy as it was.
func copyClaim(c *citecheck.Claim) *citecheck.Claim {
	cp := *c
	cp.Refs = slices.Clone(c.Refs)
	cp.Checks = slices.Clone(c.Checks)
	if c.ReviewedBy != nil {
		by := *c.ReviewedBy
		cp.ReviewedBy = &by
	}
	if c.ReviewedAt != nil {
		at := *c.ReviewedAt
		cp.ReviewedAt = &at
	}
	return &cp
}

// sameReviewer reports whether two states of a claim name the same reviewer and review time,
// which DiffClaims does not compare.
func sameReviewer(a, b *citecheck.Claim) bool {
	sameBy := (a.ReviewedBy == nil) == (b.ReviewedBy == nil) &&
		(a.ReviewedBy == nil || *a.ReviewedBy == *b.ReviewedBy)
	sameAt := (a.ReviewedAt == nil) == (b.ReviewedAt == nil) &&
		(a.ReviewedAt == nil || a.ReviewedAt.Equal(*b.ReviewedAt))
	return sameBy && sameAt
}

// sameContext reports whether two states of a claim have the same prefix and suffix, which
// DiffClaims does not compare.
func sameContext(a, b *citecheck.Claim) bool {
	return a.Prefix == b.Prefix && a.Suffix == b.Suffix
}

// writeClaim writes the mutable columns of c over the claim id at version; the caller records
// the history event in the same transaction.
func writeClaim(ctx context.Context, tx *sql.Tx, id int64, version int, updatedBy int64, updatedAt string, c *citecheck.Claim) error {
	refs, err := marshalRefs(c.Refs)
	if err != nil {
		return err
	}
	var reviewedBy, reviewedAt any
	if c.ReviewedBy != nil {
		var uid int64
		err := tx.QueryRowContext(ctx, selectUserIDByName, *c.ReviewedBy).Scan(&uid)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("user %q not found", *c.ReviewedBy)
		}
		if err != nil {
			return fmt.Errorf("store: update claim %d: reviewer: %w", id, err)
		}
		reviewedBy = uid
	}
	if c.ReviewedAt != nil {
		reviewedAt = formatTime(*c.ReviewedAt)
	}
	res, err := tx.ExecContext(ctx, updateClaim, c.Start, c.End, c.Quote, c.Prefix, c.Suffix, refs,
		string(c.Status), c.Note, string(c.Review), c.ReviewComment, reviewedBy, reviewedAt,
		updatedBy, updatedAt, version+1, c.Revision, c.Anchor, c.AnchorScore, c.OldQuote, id, version)
	if err != nil {
		return fmt.Errorf("store: update claim %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: update claim %d: %w", id, err)
	}
	if n != 1 {
		// The write lock is held since the claim was read, so this means a bug, not a race.
		return fmt.Errorf("store: update claim %d: %d rows changed, want 1", id, n)
	}
	return nil
}

// ClaimDocumentID returns the document a claim belongs to, for handlers that need the text
// before they load or change the claim.
func (s *Store) ClaimDocumentID(ctx context.Context, claimID int64) (int64, error) {
	var id int64
	err := s.lookup.QueryRowContext(ctx, selectClaimDocument, claimID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("claim %d not found", claimID)
	}
	if err != nil {
		return 0, fmt.Errorf("store: claim %d: %w", claimID, err)
	}
	return id, nil
}

// claimByID loads one claim through q, the reader pool or a write transaction.
func claimByID(ctx context.Context, q queryer, id int64) (*citecheck.Claim, error) {
	c, err := scanClaim(q.QueryRowContext(ctx, selectClaim, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("claim %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: claim %d: %w", id, err)
	}
	if err := loadEvidence(ctx, q, c); err != nil {
		return nil, err
	}
	return c, nil
}

// scanClaim reads claimColumns, then any extra columns into extra.
func scanClaim(row rowScanner, extra ...any) (*citecheck.Claim, error) {
	var (
		c                      citecheck.Claim
		refs, status, review   string
		reviewedBy, reviewedAt sql.NullString
		createdAt, updatedAt   string
		imported               sql.NullString
	)
	dest := append([]any{&c.ID, &c.DocumentID, &c.Start, &c.End, &c.Quote, &c.Prefix, &c.Suffix, &refs,
		&status, &c.Note, &review, &c.ReviewComment, &reviewedBy, &reviewedAt,
		&c.CreatedByID, &c.CreatedBy, &createdAt, &c.UpdatedByID, &c.UpdatedBy, &updatedAt, &c.Version,
		&c.Revision, &c.Anchor, &c.AnchorScore, &c.OldQuote, &imported}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	c.Status = citecheck.Status(status)
	c.Review = citecheck.Review(review)
	var err error
	if c.Refs, err = parseRefs(refs); err != nil {
		return nil, fmt.Errorf("refs of claim %d: %w", c.ID, err)
	}
	if reviewedBy.Valid {
		c.ReviewedBy = &reviewedBy.String
	}
	if imported.Valid {
		if err := json.Unmarshal([]byte(imported.String), &c.Imported); err != nil {
			return nil, fmt.Errorf("provenance of claim %d: %w", c.ID, err)
		}
	}
	if reviewedAt.Valid {
		t, err := parseTime(reviewedAt.String)
		if err != nil {
			return nil, err
		}
		c.ReviewedAt = &t
	}
	for _, f := range []struct {
		dst *time.Time
		src string
	}{{&c.CreatedAt, createdAt}, {&c.UpdatedAt, updatedAt}} {
		t, err := parseTime(f.src)
		if err != nil {
			return nil, err
		}
		*f.dst = t
	}
	return &c, nil
}

// parseRefs reads the stored JSON array of refs, never nil. The store writes them as
// marshalRefs does, plain digits and commas, which are read by hand: encoding/json's
// reflection was most of the cost of reading a big document's claims. Anything else goes
// to encoding/json.
func parseRefs(s string) ([]int, error) {
	if body, ok := strings.CutPrefix(s, "["); ok && body != "]" {
		if body, ok = strings.CutSuffix(body, "]"); ok {
			refs := make([]int, 0, strings.Count(body, ",")+1)
			for f := range strings.SplitSeq(body, ",") {
				n, err := strconv.Atoi(f)
				if err != nil || f[0] < '0' || f[0] > '9' {
					return parseRefsJSON(s)
				}
				refs = append(refs, n)
			}
			return refs, nil
		}
	}
	return parseRefsJSON(s)
}

// parseRefsJSON reads refs that are not as marshalRefs writes them.
func parseRefsJSON(s string) ([]int, error) {
	refs := []int{}
	if err := json.Unmarshal([]byte(s), &refs); err != nil {
		return nil, err
	}
	if refs == nil { // JSON null
		refs = []int{}
	}
	return refs, nil
}

// marshalRefs turns refs into the stored JSON array; no refs is [], never null.
func marshalRefs(refs []int) (string, error) {
	if refs == nil {
		refs = []int{}
	}
	b, err := json.Marshal(refs)
	if err != nil {
		return "", fmt.Errorf("store: refs: %w", err)
	}
	return string(b), nil
}

// documentRevision returns the current revision of a document in tx: not found for an unknown
// document, a conflict when want is set and is not the current revision.
func documentRevision(ctx context.Context, tx *sql.Tx, documentID int64, want int) (int, error) {
	var rev int
	err := tx.QueryRowContext(ctx, selectDocumentRevision, documentID).Scan(&rev)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("document %d not found", documentID)
	}
	if err != nil {
		return 0, fmt.Errorf("store: document %d: %w", documentID, err)
	}
	if want != 0 && want != rev {
		return 0, citecheck.Errorf(citecheck.ECodeConflict,
			"document %d is now at revision %d, not %d: reload it and select the text again", documentID, rev, want)
	}
	return rev, nil
}

// claimRoom refuses adding claims to a document when it would then hold more than the domain
// allows (citecheck.CheckClaimCount); the count is kept by triggers (migration 0010).
func claimRoom(ctx context.Context, tx *sql.Tx, documentID int64, adding int) error {
	var n int
	err := tx.QueryRowContext(ctx, selectClaimCount, documentID).Scan(&n)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: claims of document %d: %w", documentID, err)
	}
	return citecheck.CheckClaimCount(n, adding)
}

// addAnchorChanges records in changes a change of the revision and anchor of a claim, which
// DiffClaims does not compare.
func addAnchorChanges(changes map[string]citecheck.FieldChange, before, after *citecheck.Claim) {
	if before.Revision != after.Revision {
		changes["revision"] = citecheck.FieldChange{From: before.Revision, To: after.Revision}
	}
	if before.Anchor != after.Anchor {
		changes["anchor"] = citecheck.FieldChange{From: before.Anchor, To: after.Anchor}
	}
	if before.OldQuote != after.OldQuote {
		changes["old_quote"] = citecheck.FieldChange{From: before.OldQuote, To: after.OldQuote}
	}
}
