package citecheck

import "time"

// Assignment is who checks a document (or a part of it) by when: a checker, the editor who
// signs it off, and a due time, set by an editor or admin (issue 16, item 2). A document has at
// most one assignment; setting it again reassigns, and every change is kept in its history.
type Assignment struct {
	DocumentID int64     `json:"document_id"`
	Checker    string    `json:"checker"`
	Editor     *string   `json:"editor"`
	DueAt      time.Time `json:"due_at"`
	// Start and End, in code points of the text when assigned, narrow it to a part; nil is the
	// whole document.
	Start      *int      `json:"start"`
	End        *int      `json:"end"`
	AssignedBy string    `json:"assigned_by"`
	AssignedAt time.Time `json:"assigned_at"`
}

// Overdue tells whether the assignment's due time has passed at now.
func (a *Assignment) Overdue(now time.Time) bool { return a != nil && now.After(a.DueAt) }

// The codes of a refused assignment (422 unless forbidden).
const (
	ECodeInvalidAssignee = "invalid-assignee"
	ECodeDueInPast       = "due-in-past"
)

// MayAssign refuses anyone but an editor or admin (ECodeForbidden): they plan the desk's work.
func MayAssign(u User) error {
	if !u.Role.CanReview() {
		return Errorf(ECodeForbidden, "only an editor or an admin assigns documents")
	}
	return nil
}

// CheckAssignment is the rule of a new assignment at every door: the checker an active user
// (every role checks: reviewer or above), the editor, when named, an active editor or admin,
// the due time not before now (a deadline already missed is a mistake, not a plan), and a part,
// when given, both offsets within the current text of length code points, start before end.
func CheckAssignment(checker User, editor *User, due, now time.Time, start, end *int, length int) error {
	if _, err := ParseRole(string(checker.Role)); checker.Disabled || err != nil {
		return FieldErrorf(ECodeInvalidAssignee, "checker", "%s is not an active user", checker.Name)
	}
	if editor != nil && (editor.Disabled || !editor.Role.CanReview()) {
		return FieldErrorf(ECodeInvalidAssignee, "editor", "%s is not an active editor or admin", editor.Name)
	}
	if due.IsZero() {
		return FieldErrorf(ECodeInvalid, "due_at", "a due time is required")
	}
	if due.Before(now) {
		return FieldErrorf(ECodeDueInPast, "due_at", "the due time %s has passed", due.UTC().Format(time.RFC3339))
	}
	if (start == nil) != (end == nil) {
		field := "end"
		if start == nil {
			field = "start"
		}
		return FieldErrorf(ECodeInvalid, field, "a part needs both start and end")
	}
	if start != nil {
		if *start < 0 || *start > length {
			return FieldErrorf(ECodeOffsetOutOfRange, "start", "start %d is outside the text (0..%d)", *start, length)
		}
		if *end <= *start || *end > length {
			return FieldErrorf(ECodeOffsetOutOfRange, "end", "end %d must be after start %d and at most %d", *end, *start, length)
		}
	}
	return nil
}

// ParseDueAt reads a due time: RFC 3339 (as the API sends it), or a form's local date and time
// ("2026-12-02T17:00"), taken as UTC (ECodeInvalid about "due_at" otherwise).
func ParseDueAt(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, FieldErrorf(ECodeInvalid, "due_at", "due_at must be a date and time such as 2026-12-02T17:00:00Z")
}
