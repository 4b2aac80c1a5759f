package citecheck

import "time"

// The names of the desk's live events, as GET /api/v1/events and the document streams send
// them. The store writes one in the same transaction as each change (migration 0013); a branch
// that adds an action (a restore from the trash, say) adds its name here and its row to the
// event_actions table in its own migration.
const (
	EventClaimCreated    = "claim.created"
	EventClaimUpdated    = "claim.updated"
	EventClaimReviewed   = "claim.reviewed"
	EventClaimDeleted    = "claim.deleted"
	EventEvidenceAdded   = "evidence.added"
	EventEvidenceDeleted = "evidence.deleted"
	EventRevisionCreated = "revision.created"
	EventDocumentCreated = "document.created"
	EventDocumentDeleted = "document.deleted"
	// Additions to the contract's list: a document's reference list changed (an entry added,
	// edited or removed), and a source captured for one of its entries.
	EventReferencesChanged = "references.changed"
	EventSourceAdded       = "source.added"
	EventReset             = "reset"    // the stream cannot replay from the asked id: reload
	EventPresence          = "presence" // who has the document open; carries no id
)

// DeskEvent is one change of the desk, as a stream sends it: what happened (Name) to which
// document and claim, the claim's version after it (a revision's number for revision.created),
// who did it and when. IDs only grow.
type DeskEvent struct {
	ID         int64     `json:"-"`
	Name       string    `json:"-"`
	DocumentID int64     `json:"document_id"`
	ClaimID    int64     `json:"claim_id,omitempty"`
	Version    int       `json:"version,omitempty"`
	By         string    `json:"by"`
	At         time.Time `json:"at"`
}

// ECodeTooManyStreams refuses a live stream beyond the server's bound (503).
const ECodeTooManyStreams = "too-many-streams"
