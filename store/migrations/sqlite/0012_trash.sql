-- 0012: the trash. Deleting a document or a claim sets deleted_at and deleted_by instead of
-- removing the row, so it can be restored; every read treats such a row as gone, and
-- PurgeTrash removes it for good after the configured while. A claim trashed together with its
-- document carries with_document = 1, so that restoring the document brings back exactly those
-- claims and not one that was trashed on its own before.
ALTER TABLE documents ADD COLUMN deleted_at TEXT;
ALTER TABLE documents ADD COLUMN deleted_by INTEGER REFERENCES users (id);
ALTER TABLE claims ADD COLUMN deleted_at TEXT;
ALTER TABLE claims ADD COLUMN deleted_by INTEGER REFERENCES users (id);
ALTER TABLE claims ADD COLUMN with_document INTEGER NOT NULL DEFAULT 0;

-- The stamp check reads a document's trash state from the index, never from the row whose
-- text may span many pages.
DROP INDEX documents_changes;
CREATE INDEX documents_changes ON documents (id, changes, revision, text_sha256, deleted_at);

CREATE INDEX documents_trashed ON documents (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX claims_trashed ON claims (deleted_at) WHERE deleted_at IS NOT NULL;

-- claim_counts.n counts the live claims of a document (the bound on claims per document is
-- about what a reader sees): trashing a claim frees its room, restoring it takes it again, and
-- purging a claim that is already in the trash changes nothing. claims_changed_update (0011)
-- already bumps claim_counts.changes on the trash and restore updates.
DROP TRIGGER claims_uncounted;
CREATE TRIGGER claims_uncounted AFTER DELETE ON claims
WHEN OLD.deleted_at IS NULL
BEGIN
    UPDATE claim_counts SET n = n - 1 WHERE document_id = OLD.document_id;
END;

CREATE TRIGGER claims_trashed AFTER UPDATE OF deleted_at ON claims
WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
    UPDATE claim_counts SET n = n - 1 WHERE document_id = NEW.document_id;
END;

CREATE TRIGGER claims_untrashed AFTER UPDATE OF deleted_at ON claims
WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL
BEGIN
    UPDATE claim_counts SET n = n + 1 WHERE document_id = NEW.document_id;
END;

-- document_events is a document's own history (who deleted it, who restored it), append-only
-- like claim_events and without a foreign key, so it outlives a purged document.
CREATE TABLE document_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL,
    at          TEXT    NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    action      TEXT    NOT NULL
);

CREATE INDEX document_events_document ON document_events (document_id, id);

CREATE TRIGGER document_events_no_update BEFORE UPDATE ON document_events
BEGIN
    SELECT RAISE(ABORT, 'document_events is append-only');
END;

CREATE TRIGGER document_events_no_delete BEFORE DELETE ON document_events
BEGIN
    SELECT RAISE(ABORT, 'document_events is append-only');
END;
