package views

import (
	"net/url"
	"strings"
	"time"

	"github.com/citecheck/citecheck"
)

// DeskPanel is a document's place on the desk, on its page: its state, what keeps it from
// approved (each with a link to where it is), its assignment and, for an editor, the form.
type DeskPanel struct {
	DocID      int64
	State      citecheck.DocState
	Missing    []LackLink
	Assignment *citecheck.Assignment
	Overdue    bool
	CanAssign  bool
	Checkers   []string // active users, for the checker select
	Editors    []string // active editors and admins
}

// LackLink is one thing missing for approved, with where to see it.
type LackLink struct {
	Text string
	Href string
}

// DocumentsView is the documents list with its filter and order.
type DocumentsView struct {
	Docs     []citecheck.DeskDocument
	Filter   citecheck.DocumentFilter
	Checkers []string // names seen as checkers or editors, for the filter's selects
	Editors  []string
	Now      time.Time
}

// sortHref is the list's address sorted by key, keeping the filter: a second click on the
// current key reverses the order.
func (v DocumentsView) sortHref(key string) string {
	q := url.Values{}
	if v.Filter.State != "" {
		q.Set("state", string(v.Filter.State))
	}
	if v.Filter.Checker != "" {
		q.Set("checker", v.Filter.Checker)
	}
	if v.Filter.Editor != "" {
		q.Set("editor", v.Filter.Editor)
	}
	q.Set("sort", key)
	if key == v.Filter.Sort && !v.Filter.Desc {
		q.Set("order", "desc")
	}
	return "/?" + q.Encode()
}

// sortMark is the arrow of the column the list is sorted by (↓ for descending; "created" is
// newest first unless Desc).
func (v DocumentsView) sortMark(key string) string {
	if key != v.Filter.Sort {
		return ""
	}
	if v.Filter.Desc != (key == "created") {
		return " ↓"
	}
	return " ↑"
}

// MyWorkView is a user's "My work": what is theirs to do.
type MyWorkView struct {
	Assigned  []citecheck.DeskDocument // each with its Assignment, earliest due first
	Rejected  []citecheck.QueueItem
	ToReview  []citecheck.QueueItem // editors: pending claims they may decide
	Comments  []citecheck.CommentNotice
	CanReview bool
	Now       time.Time
}

// stateClass is the CSS class of a state ("in review" -> "ds-in-review").
func stateClass(st citecheck.DocState) string {
	return "ds-" + strings.ReplaceAll(string(st), " ", "-")
}
