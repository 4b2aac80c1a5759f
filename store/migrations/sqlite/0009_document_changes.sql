-- 0006: documents.changes counts the updates of a document's row, so that a copy held in memory
-- (the server's document cache) can be checked against the database on every request with one
-- index lookup. The trigger bumps it on any update by any writer (the server, `citecheck revise`
-- or another process on the same file), so no write path can forget to. Its own update changes
-- `changes`, which the WHEN clause excludes, so it never fires itself again.
ALTER TABLE documents ADD COLUMN changes INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER documents_changed AFTER UPDATE ON documents
WHEN NEW.changes = OLD.changes
BEGIN
    UPDATE documents SET changes = changes + 1 WHERE id = NEW.id;
END;

-- Covers the check, so it never reads the row itself (whose text may span many pages).
CREATE INDEX documents_changes ON documents (id, changes, revision, text_sha256);
