-- 0009 (PostgreSQL): documents.changes counts the updates of a document's row, so that a copy
-- held in memory (the server's document cache) can be checked against the database on every
-- request with one index lookup. The trigger bumps it on any update by any writer, so no write
-- path can forget to. SQLite's trigger runs a second UPDATE after the row's; here a BEFORE
-- trigger sets the new value into the row being written, the same effect without a second
-- version of the row. An update that sets `changes` itself (WHEN) is left as it is.
ALTER TABLE documents ADD COLUMN changes BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION documents_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changes := OLD.changes + 1;
    RETURN NEW;
END;
$$;

CREATE TRIGGER documents_changed BEFORE UPDATE ON documents
FOR EACH ROW WHEN (NEW.changes = OLD.changes) EXECUTE FUNCTION documents_changed();

-- Covers the check, so it never reads the row itself (whose text may span many pages).
CREATE INDEX documents_changes ON documents (id, changes, revision, text_sha256);
