package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/citecheck/citecheck"
)

// Assignments and the cached states of documents (migration 0017).
const (
	selectLiveDocumentLength = `SELECT length FROM documents WHERE id = ? AND deleted_at IS NULL`
	upsertAssignment         = `INSERT INTO assignments (document_id, checker_id, editor_id, due_at, start, "end", assigned_by, assigned_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (document_id) DO UPDATE SET checker_id = excluded.checker_id, editor_id = excluded.editor_id,
	due_at = excluded.due_at, start = excluded.start, "end" = excluded."end",
	assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at`
	insertAssignmentEvent = `INSERT INTO assignment_events (document_id, at, user_id, action, checker_id, editor_id, due_at, start, "end")
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	deleteAssignment    = `DELETE FROM assignments WHERE document_id = ?`
	deleteDocumentState = `DELETE FROM document_states WHERE document_id = ?`
	assignmentColumns   = `a.document_id, ck.name, ed.name, a.due_at, a.start, a."end", ab.name, a.assigned_at`
	assignmentJoins     = `
LEFT JOIN assignments a ON a.document_id = d.id
LEFT JOIN users ck ON ck.id = a.checker_id
LEFT JOIN users ed ON ed.id = a.editor_id
LEFT JOIN users ab ON ab.id = a.assigned_by`
	selectAssignment = `SELECT ` + assignmentColumns + ` FROM documents d` + assignmentJoins + `
WHERE d.id = ? AND a.document_id IS NOT NULL`
	// selectStaleStates lists the live documents whose cached state is missing or older than
	// the document's stamp.
	selectStaleStates = `SELECT d.id FROM documents d
LEFT JOIN claim_counts cc ON cc.document_id = d.id
LEFT JOIN document_states ds ON ds.document_id = d.id
WHERE d.deleted_at IS NULL AND (ds.document_id IS NULL OR ds.changes != d.changes
	OR ds.claim_changes != COALESCE(cc.changes, 0))`
	upsertDocumentState = `INSERT INTO document_states (document_id, changes, claim_changes, state, progress)
SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM documents WHERE id = ?)
ON CONFLICT (document_id) DO UPDATE SET changes = excluded.changes, claim_changes = excluded.claim_changes,
	state = excluded.state, progress = excluded.progress`
	// selectDesk takes the state, checker and editor filters twice each ('' matches all).
	selectDesk = `SELECT d.id, COALESCE(ds.state, ''), COALESCE(ds.progress, '{}'), ` + assignmentColumns + `
FROM documents d
LEFT JOIN document_states ds ON ds.document_id = d.id` + assignmentJoins + `
WHERE d.deleted_at IS NULL
	AND (? = '' OR ds.state = ?)
	AND (? = '' OR ck.name = ?)
	AND (? = '' OR ed.name = ?)
ORDER BY `
	// selectAssignedTo lists the live documents assigned to a checker, the earliest due first.
	selectAssignedTo = `SELECT d.id, COALESCE(ds.state, ''), COALESCE(ds.progress, '{}'), ` + assignmentColumns + `
FROM documents d
LEFT JOIN document_states ds ON ds.document_id = d.id` + assignmentJoins + `
WHERE d.deleted_at IS NULL AND a.checker_id = ?
ORDER BY a.due_at, d.id`
)

// deskOrders are the ORDER BY clauses of citecheck.DocumentSorts, ascending; the last key
// (the id) keeps the order total. Documents without a value sort last either way.
var deskOrders = map[string]string{
	"created": `d.created_at %[1]s, d.id %[1]s`,
	"title":   `lower(d.title) %[1]s, d.id`,
	"state":   `CASE ds.state WHEN 'unassigned' THEN 0 WHEN 'in progress' THEN 1 WHEN 'in review' THEN 2 WHEN 'approved' THEN 3 END %[1]s, d.id`,
	"checker": `ck.name IS NULL, ck.name %[1]s, d.id`,
	"editor":  `ed.name IS NULL, ed.name %[1]s, d.id`,
	"due":     `a.due_at IS NULL, a.due_at %[1]s, d.id`,
}

// AssignmentChange is a new assignment of a document, its users already checked by
// citecheck.CheckAssignment.
type AssignmentChange struct {
	DocumentID int64
	CheckerID  int64
	EditorID   *int64
	DueAt      time.Time
	Start, End *int
	By         int64
}

// SetAssignment assigns (or reassigns) a live document and records the change in its
// assignment history, in one transaction. It answers the assignment as stored.
func (s *Store) SetAssignment(ctx context.Context, ch AssignmentChange) (*citecheck.Assignment, error) {
	var out *citecheck.Assignment
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := liveDocument(ctx, tx, ch.DocumentID); err != nil {
			return err
		}
		old, err := assignmentOf(ctx, tx, ch.DocumentID)
		if err != nil {
			return err
		}
		action := "assigned"
		if old != nil {
			action = "reassigned"
		}
		now, due := formatTime(s.now()), formatTime(ch.DueAt)
		if _, err := tx.ExecContext(ctx, upsertAssignment, ch.DocumentID, ch.CheckerID, ch.EditorID, due,
			ch.Start, ch.End, ch.By, now); err != nil {
			return fmt.Errorf("store: assign document %d: %w", ch.DocumentID, err)
		}
		if _, err := tx.ExecContext(ctx, insertAssignmentEvent, ch.DocumentID, now, ch.By, action,
			ch.CheckerID, ch.EditorID, due, ch.Start, ch.End); err != nil {
			return fmt.Errorf("store: assign document %d: %w", ch.DocumentID, err)
		}
		if _, err := tx.ExecContext(ctx, deleteDocumentState, ch.DocumentID); err != nil {
			return fmt.Errorf("store: assign document %d: %w", ch.DocumentID, err)
		}
		out, err = assignmentOf(ctx, tx, ch.DocumentID)
		return err
	})
	return out, err
}

// RemoveAssignment unassigns a live document (not found if it has no assignment) and records
// it in its assignment history.
func (s *Store) RemoveAssignment(ctx context.Context, documentID, by int64) error {
	return s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := liveDocument(ctx, tx, documentID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, deleteAssignment, documentID)
		if err != nil {
			return fmt.Errorf("store: unassign document %d: %w", documentID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("document %d has no assignment", documentID)
		}
		if _, err := tx.ExecContext(ctx, insertAssignmentEvent, documentID, formatTime(s.now()), by, "unassigned",
			nil, nil, nil, nil, nil); err != nil {
			return fmt.Errorf("store: unassign document %d: %w", documentID, err)
		}
		if _, err := tx.ExecContext(ctx, deleteDocumentState, documentID); err != nil {
			return fmt.Errorf("store: unassign document %d: %w", documentID, err)
		}
		return nil
	})
}

// Assignment answers a document's assignment, or nil if it has none.
func (s *Store) Assignment(ctx context.Context, documentID int64) (*citecheck.Assignment, error) {
	return assignmentOf(ctx, s.reader, documentID)
}

func liveDocument(ctx context.Context, tx *sql.Tx, id int64) error {
	var n int
	err := tx.QueryRowContext(ctx, selectLiveDocumentLength, id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("document %d not found", id)
	}
	if err != nil {
		return fmt.Errorf("store: document %d: %w", id, err)
	}
	return nil
}

func assignmentOf(ctx context.Context, q queryer, documentID int64) (*citecheck.Assignment, error) {
	row := q.QueryRowContext(ctx, selectAssignment, documentID)
	a, err := scanAssignment(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: assignment of document %d: %w", documentID, err)
	}
	return a, nil
}

// scanAssignment reads assignmentColumns through scan, after the values of before.
func scanAssignment(scan func(...any) error, before ...any) (*citecheck.Assignment, error) {
	var (
		a           citecheck.Assignment
		docID       sql.NullInt64
		checker, by sql.NullString
		editor      sql.NullString
		due, at     sql.NullString
		start, end  sql.NullInt64
	)
	if err := scan(append(before, &docID, &checker, &editor, &due, &start, &end, &by, &at)...); err != nil {
		return nil, err
	}
	if !docID.Valid {
		return nil, nil
	}
	a.DocumentID, a.Checker, a.AssignedBy = docID.Int64, checker.String, by.String
	if editor.Valid {
		a.Editor = &editor.String
	}
	if start.Valid && end.Valid {
		s, e := int(start.Int64), int(end.Int64)
		a.Start, a.End = &s, &e
	}
	var err error
	if a.DueAt, err = parseTime(due.String); err != nil {
		return nil, err
	}
	if a.AssignedAt, err = parseTime(at.String); err != nil {
		return nil, err
	}
	return &a, nil
}

// StaleStates lists the live documents whose cached state (document_states) is missing or
// behind the document's stamp: what the server must compute before it lists by state.
func (s *Store) StaleStates(ctx context.Context) ([]int64, error) {
	rows, err := s.reader.QueryContext(ctx, selectStaleStates)
	if err != nil {
		return nil, fmt.Errorf("store: stale states: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: stale states: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// DocumentState is the computed state of a document at the stamp it was computed from.
type DocumentState struct {
	DocumentID int64
	Stamp      DocumentStamp
	State      citecheck.DocState
	Progress   citecheck.Progress
}

// PutDocumentStates caches computed states in one transaction; a document gone meanwhile is
// skipped, and a state computed from an old stamp is stale again at the next StaleStates.
func (s *Store) PutDocumentStates(ctx context.Context, states []DocumentState) error {
	return s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, st := range states {
			b, err := json.Marshal(st.Progress)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, upsertDocumentState, st.DocumentID, st.Stamp.Changes,
				st.Stamp.ClaimChanges, string(st.State), string(b), st.DocumentID); err != nil {
				return fmt.Errorf("store: state of document %d: %w", st.DocumentID, err)
			}
		}
		return nil
	})
}

// DeskRow is one document's place on the desk: its cached state ("" if not computed yet) and
// progress, and its assignment.
type DeskRow struct {
	DocumentID int64
	State      citecheck.DocState
	Progress   citecheck.Progress
	Assignment *citecheck.Assignment
}

// Desk lists the live documents' states and assignments, filtered and ordered by f (its Sort
// one of citecheck.DocumentSorts) in SQL.
func (s *Store) Desk(ctx context.Context, f citecheck.DocumentFilter) ([]DeskRow, error) {
	order, ok := deskOrders[f.Sort]
	if !ok {
		order = deskOrders["created"]
	}
	dir := "ASC"
	if f.Desc != (f.Sort == "" || f.Sort == "created") { // created: newest first unless Desc
		dir = "DESC"
	}
	st := string(f.State)
	return deskRows(s.reader.QueryContext(ctx, selectDesk+fmt.Sprintf(order, dir), st, st, f.Checker, f.Checker, f.Editor, f.Editor))
}

// AssignedTo lists the live documents assigned to the user, the earliest due first.
func (s *Store) AssignedTo(ctx context.Context, userID int64) ([]DeskRow, error) {
	return deskRows(s.reader.QueryContext(ctx, selectAssignedTo, userID))
}

func deskRows(rows *sql.Rows, err error) ([]DeskRow, error) {
	if err != nil {
		return nil, fmt.Errorf("store: desk: %w", err)
	}
	defer rows.Close()
	out := []DeskRow{}
	for rows.Next() {
		var (
			r        DeskRow
			state    string
			progress string
		)
		a, err := scanAssignment(rows.Scan, &r.DocumentID, &state, &progress)
		if err != nil {
			return nil, fmt.Errorf("store: desk: %w", err)
		}
		if err := json.Unmarshal([]byte(progress), &r.Progress); err != nil {
			return nil, fmt.Errorf("store: desk: progress of document %d: %w", r.DocumentID, err)
		}
		r.State, r.Assignment = citecheck.DocState(state), a
		out = append(out, r)
	}
	return out, rows.Err()
}
