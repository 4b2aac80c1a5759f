-- 0017: assignments and the documents' states on the desk (issue 16, item 2).
--
-- A document has at most one assignment: a checker, optionally the editor who signs it off, a
-- due time and optionally a part of its text (start..end in code points of the text when it was
-- assigned). assignment_events keeps every change (assigned, reassigned, unassigned), append-only.
CREATE TABLE assignments (
    document_id INTEGER PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    checker_id  INTEGER NOT NULL REFERENCES users (id),
    editor_id   INTEGER REFERENCES users (id),
    due_at      TEXT    NOT NULL,
    start       INTEGER,
    "end"       INTEGER,
    assigned_by INTEGER NOT NULL REFERENCES users (id),
    assigned_at TEXT    NOT NULL
);

CREATE INDEX assignments_checker ON assignments (checker_id, due_at);

CREATE TABLE assignment_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL,
    at          TEXT    NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    action      TEXT    NOT NULL, -- assigned, reassigned, unassigned
    checker_id  INTEGER,
    editor_id   INTEGER,
    due_at      TEXT,
    start       INTEGER,
    "end"       INTEGER
);

CREATE INDEX assignment_events_document ON assignment_events (document_id, id);

CREATE TRIGGER assignment_events_no_update BEFORE UPDATE ON assignment_events
BEGIN
    SELECT RAISE(ABORT, 'assignment_events is append-only');
END;

CREATE TRIGGER assignment_events_no_delete BEFORE DELETE ON assignment_events
BEGIN
    SELECT RAISE(ABORT, 'assignment_events is append-only');
END;

-- document_states caches each document's progress and state (citecheck.ProgressOf, StateOf),
-- which need the text's markers and coverage, so that the documents list filters and sorts by
-- state in SQL. A row is good while its stamp (documents.changes and claim_counts.changes, both
-- bumped by triggers on every write) matches; the server recomputes the stale and missing rows
-- before it lists. A change of assignment deletes the row, since the state depends on it.
CREATE TABLE document_states (
    document_id   INTEGER PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    changes       INTEGER NOT NULL,
    claim_changes INTEGER NOT NULL,
    state         TEXT    NOT NULL,
    progress      TEXT    NOT NULL -- JSON: citecheck.Progress
);

CREATE INDEX document_states_state ON document_states (state);
