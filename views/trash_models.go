package views

import (
	"time"

	"github.com/citecheck/citecheck"
)

// TrashView is the trash page: what was deleted, by whom and when, and until when it can come
// back.
type TrashView struct {
	Documents []TrashItem
	Claims    []TrashItem
	Keep      time.Duration // how long an item stays restorable
}

// TrashItem is one entry of the trash page; CanRestore says the viewer may bring it back
// (citecheck.CheckRestore), so the page offers the button.
type TrashItem struct {
	citecheck.Trashed
	CanRestore bool
}

// ConfirmView is the confirmation step of a delete form: what goes (Kind, Name), the form that
// moves it to the trash (Action) and where Cancel leads.
type ConfirmView struct {
	Kind, Name     string
	Action, Cancel string
	Keep           time.Duration
}

// keepText says a trash retention as people say it: "30 days", "12 hours".
func keepText(d time.Duration) string {
	if d >= 48*time.Hour {
		return itoa(int(d/(24*time.Hour))) + " days"
	}
	if d >= 2*time.Hour {
		return itoa(int(d/time.Hour)) + " hours"
	}
	return d.String()
}
