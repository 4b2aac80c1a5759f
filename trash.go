package citecheck

import "time"

// DefaultTrashRetention is how long a deleted document or claim waits in the trash, where it
// can be restored, before it is purged for good.
const DefaultTrashRetention = 30 * 24 * time.Hour

// The kinds of Trashed.
const (
	TrashDocument = "document"
	TrashClaim    = "claim"
)

// Trashed is a deleted document or claim waiting in the trash: who deleted it and when, and
// when it will be purged. A claim that went with its document is not listed on its own; it
// comes back when the document does.
type Trashed struct {
	Kind       string `json:"kind"`
	ID         int64  `json:"id"`
	DocumentID int64  `json:"document_id"`
	// Title is the document's title (for a claim, the title of its document).
	Title string `json:"title"`
	// Quote and Status are a claim's; Claims is how many claims a document takes with it.
	Quote  string `json:"quote,omitempty"`
	Status Status `json:"status,omitempty"`
	Claims int    `json:"claims"`
	// WithDocument says that a claim went to the trash together with its document.
	WithDocument bool `json:"-"`
	// DocumentTrashed says that a claim's document is in the trash too.
	DocumentTrashed bool      `json:"document_trashed"`
	DeletedAt       time.Time `json:"deleted_at"`
	DeletedBy       string    `json:"deleted_by"`
	PurgeAt         time.Time `json:"purge_at"`
	DeletedByID     int64     `json:"-"`
}

// Trash is what the trash holds, newest deletion first.
type Trash struct {
	Documents []Trashed `json:"documents"`
	Claims    []Trashed `json:"claims"`
}

// ActionReferencesChanged is the entry of a document's own history for a change to its
// reference list: an entry added, edited or removed by hand.
const ActionReferencesChanged = "references-changed"

// DocumentEvent is one entry of a document's own history: who deleted it or restored it, or
// changed its reference list, when.
type DocumentEvent struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Action string    `json:"action"`
}
