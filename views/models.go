// Package views renders citecheck's server-side HTML with templ: the layout, the pages and the
// view models that the handlers fill for them.
package views

import (
	"github.com/citecheck/citecheck"
)

// Page carries what every page needs: its title, who is signed in and the one-shot messages.
type Page struct {
	Title string
	User  *citecheck.User // nil when signed out
	CSRF  string
	Flash string // an informational message
	Error string // an error message
	Undo  string // the local address an Undo button beside Flash posts to ("" for none)
	Nav   Nav
	Live  string // the live event stream the page follows (live.js), from the event it was rendered at; "" for none
}

// Run is a stretch of a document's text with the same markers and claims over all of it.
// The document view renders each run as one span whose data-o holds Start, so the browser can
// turn a selection back into code point offsets.
type Run struct {
	Start      int    // code point offset of the first character
	Text       string // the run's text, exactly as stored
	MarkerRefs string // non-empty ("30 31") when the run is part of a citation marker
	Claims     []ClaimRef
	Anchors    []int64 // ids of the claims that start at this run
	MarkerHead bool    // the run opens a marker, so Start is the marker's start: its span gets id m-{Start}
}

// Block is a stretch of the text of a few KB, cut after a paragraph, that the browser lays
// out only while it is near the screen. It carries the code point offset of its first
// character, and a guess of its height in lines for while it is not laid out.
type Block struct {
	Index int
	Start int
	Lines int
	Runs  []Run
	// HTML is Runs rendered (RunsHTML), made when the block is cut and shared by every view of
	// the document that keeps the block; nil renders the runs at each write.
	HTML []byte
	// Deflated is HTML compressed as a deflate segment that can stand anywhere in a stream
	// (handlers/pagegzip.go), so a gzipped page copies it instead of compressing it again.
	Deflated []byte
	// Starts counts the claims that start in the block.
	Starts int
	// Lazy says HTML is the block's text alone, in one run without highlights or markers: a big
	// document's page sends the blocks away from its head so, and app.js fetches each one's
	// runs (the blocks fragment) as it nears the screen.
	Lazy bool
}

// ClaimRef is what a highlighted run needs to know about a claim that covers it.
type ClaimRef struct {
	ID     int64
	Status citecheck.Status
	Review citecheck.Review
}

// ClaimItem is one claim in the side panel.
type ClaimItem struct {
	Claim     citecheck.Claim // with Checks filled
	CanDecide bool            // the viewer may approve or reject it here
	CanUndo   bool            // the viewer may take back its last decision here
	// Rejection is the last rejection of a pending claim that was fixed since, else nil.
	Rejection *citecheck.Rejection
	Comments  int // how many comments its discussion holds
}

// PanelView is which page of the claims the side panel shows: a document may carry thousands,
// so it shows PageSize at a time, in text order, and the script follows the reading position.
type PanelView struct {
	Page     int // from 1
	Pages    int // at least 1
	First    int // index of the first claim shown in the filtered list, from 0
	Total    int // claims that match the filter
	PageSize int
}

// DocumentView is everything the document page shows.
type DocumentView struct {
	Desk           *DeskPanel          // its state and assignment (issue 16); nil on fragments
	Doc            *citecheck.Document // the text itself is not needed: Blocks carry it
	Blocks         []Block
	LazyBlocks     bool        // some of Blocks are Lazy
	Claims         []ClaimItem // side panel: one page of the claims, in text order, filtered by StatusFilter
	Panel          PanelView
	StatusFilter   string // "" means all
	Summary        citecheck.Counts
	Markers        int // citation markers in the text
	Covered        int // markers covered by claims
	UncoveredCount int
	Sources        SourcesView
	// Revisions lists the document's revisions, oldest first; Orphans are its claims anchored in
	// an earlier revision, which the text does not show; Reanchor, when set, is the orphan that
	// the next selection in the text places.
	Revisions []citecheck.RevisionSummary
	Orphans   []citecheck.Claim
	Reanchor  *citecheck.Claim
	// RevisionText is what the user typed into the new revision form, to show it again on error.
	RevisionText string
	// Split, when set, is the evidence pane of one claim shown beside the text.
	Split *SplitView
	// History is the document's own history: who deleted it and who restored it.
	History []citecheck.DocumentEvent
}

// DocumentFragmentView is the answer to a change of one claim made on the document page: View
// holds only the blocks the claim touches and, in Claims, its panel entry when the page of the
// panel that the script shows holds it.
type DocumentFragmentView struct {
	View    DocumentView
	ClaimID int64
	// SourcesChanged says the change altered the Sources panel's coverage or lists, so the
	// whole panel goes; else only the entries of View.Sources.References do.
	SourcesChanged bool
}

// NewDocumentForm holds what the user typed into the new document form, to show it again on error.
type NewDocumentForm struct {
	Title string
	Text  string
	Error string
	// ImportError is why an import was refused, shown with the import form.
	ImportError string
}

// Nav is what the header shows beyond the user: the pending count for editors and admins.
// ShowReview and ShowUsers are decided by the handlers from the user's role.
type Nav struct {
	ShowReview bool
	Pending    int
	ShowUsers  bool
}

// RefMarker is one ref of a claim with the text of a marker in the document that carries it
// ("[30, 31]"), or "[30]" with Known false when no marker does.
type RefMarker struct {
	Ref    int
	Marker string
	Known  bool
}

// QueueEntry is one claim in the review queue.
type QueueEntry struct {
	Claim         citecheck.Claim // with Checks filled
	DocumentTitle string
	Refs          []RefMarker
	CanDecide     bool // false for the editor's own claims
	Evidence      []EvidenceItem
	Orphan        string               // why it has no place in the current text (citecheck.OrphanReason), or ""
	Rejection     *citecheck.Rejection // its last rejection, when it was fixed since
}

// QueueView is the review queue page: the filter, its choices and the claims it lets through.
type QueueView struct {
	Entries   []QueueEntry
	Total     int    // pending claims that match the filter, on every page
	Later     bool   // this page starts after the oldest claims
	First     string // the first page with this filter
	Next      string // the next page, "" on the last
	Documents []citecheck.DocumentSummary
	Authors   []string
	Doc       int64 // the filter: 0, "" mean all
	Status    string
	Author    string
	Orphaned  bool   // only the orphans
	Back      string // this page with its filter and position, where the review forms return to
}

// ClaimView is the page of one claim: where it sits, its verdict and review, the forms that
// change it and its history.
type ClaimView struct {
	Claim     citecheck.Claim // with Checks filled
	DocTitle  string
	Refs      []RefMarker
	RefsText  string // "30, 31" for the edit form
	CanDecide bool
	CanUndo   bool // the viewer may take back the last decision (citecheck.MayUndo)
	Evidence  []EvidenceItem
	History   []HistoryEntry
	Orphan    string               // why it has no place in the current text, or ""
	Rejection *citecheck.Rejection // its last rejection, while it waits again after a fix
	Comments  []citecheck.Comment  // its discussion, oldest first
}

// HistoryEntry is one event of a claim's history, its changes in a stable order.
type HistoryEntry struct {
	Event   citecheck.ClaimEvent
	Changes []FieldChangeText
}

// FieldChangeText is one changed field, its values written for people. A claim's creation and
// deletion have one value per field, in Value, and no From and To.
type FieldChangeText struct {
	Field string
	From  string
	To    string
	Value string
}

// UsersView is the admin page of users.
type UsersView struct {
	Users []citecheck.User
	Self  int64 // the signed-in admin
	Form  NewUserForm
}

// NewUserForm keeps what an admin typed into the add-user form, to show it again on error.
type NewUserForm struct {
	Name string
	Role string
}

// SourcesView is the Sources panel of the document page: how many markers claims cover, the
// markers still uncovered, the claims with citation problems, the document's own problems and
// its reference list with what uses each entry. Long lists are cut; the More counts say by how
// much, so a large document's page stays light.
type SourcesView struct {
	Markers       int
	Covered       int
	Uncovered     []UncoveredMarker
	UncoveredMore int // uncovered markers not listed
	Problems      []citecheck.Check
	ProblemClaims []ProblemClaim
	ProblemMore   int // claims with problems not listed
	HasList       bool
	Heading       string // the list's heading as written; "" for a bare run or a list made by hand
	References    []citecheck.ReferenceUse
	// Partial says References holds only the entries a change touched (a change's fragment):
	// the page keeps the others.
	Partial bool
	// Sources and evidence: the uncited sentences of the body and the archived sources.
	Uncited     []UncitedItem
	UncitedMore int // uncited sentences not listed
	Archive     SourceArchive
}

// UncoveredMarker is a body marker that no claim covers, with the text just before it.
type UncoveredMarker struct {
	Start  int
	Marker string // the marker as written: "[30]"
	Before string // up to a few dozen characters of the text before it
}

// ProblemClaim is a claim whose checks are not empty.
type ProblemClaim struct {
	ID     int64
	Quote  string
	Checks []citecheck.Check
}

// SuggestionsView is the page of proposed claims: one per cited sentence of a document that no
// claim holds yet and nobody dismissed, and the dismissed ones, which can be restored.
type SuggestionsView struct {
	Doc       *citecheck.Document
	Items     []citecheck.CitedSentence
	Dismissed []citecheck.CitedSentence
}
