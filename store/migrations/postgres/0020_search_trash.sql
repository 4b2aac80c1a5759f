-- 0020 (PostgreSQL): the search index (0014) holds live rows only, as every other read does
-- since the trash (0012), which were built side by side. Moving a claim or a document to the
-- trash takes its rows out of the index in the same transaction; restoring puts them back. A
-- claim trashed with its document loses its rows by its own trigger (its deleted_at is set
-- too) and gets them back when the restore clears it. The passages of a restored document's
-- text and of its sources' are written by the store (store/search.go), as everywhere.
CREATE FUNCTION claims_search_trash() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_entries WHERE kind = 'claim' AND object_id = NEW.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER claims_search_trash AFTER UPDATE OF deleted_at ON claims
FOR EACH ROW WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL)
EXECUTE FUNCTION claims_search_trash();

CREATE FUNCTION claims_search_untrash() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_entries WHERE kind = 'claim' AND object_id = NEW.id;
    INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", head, body)
    VALUES ('claim', NEW.id, 0, NEW.document_id, NEW.start, NEW."end", NEW.quote, NEW.note);
    RETURN NULL;
END;
$$;

CREATE TRIGGER claims_search_untrash AFTER UPDATE OF deleted_at ON claims
FOR EACH ROW WHEN (OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL)
EXECUTE FUNCTION claims_search_untrash();

CREATE FUNCTION documents_search_trash() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_entries WHERE document_id = NEW.id AND kind <> 'claim';
    RETURN NULL;
END;
$$;

CREATE TRIGGER documents_search_trash AFTER UPDATE OF deleted_at ON documents
FOR EACH ROW WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL)
EXECUTE FUNCTION documents_search_trash();

-- The document's own rows and its sources'; its claims come back by their own trigger.
CREATE FUNCTION documents_search_untrash() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_entries WHERE document_id = NEW.id AND kind <> 'claim';
    INSERT INTO search_entries (kind, object_id, part, document_id, head)
    VALUES ('document', NEW.id, 0, NEW.id, NEW.title);
    PERFORM index_references(NEW.id, NEW.reference_list);
    INSERT INTO search_entries (kind, object_id, part, document_id, head, body)
    SELECT 'source', s.id, 0, s.document_id, s.title, s.url FROM sources s WHERE s.document_id = NEW.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER documents_search_untrash AFTER UPDATE OF deleted_at ON documents
FOR EACH ROW WHEN (OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL)
EXECUTE FUNCTION documents_search_untrash();

-- What is in the trash already.
DELETE FROM search_entries
WHERE document_id IN (SELECT id FROM documents WHERE deleted_at IS NOT NULL)
   OR (kind = 'claim' AND object_id IN (SELECT id FROM claims WHERE deleted_at IS NOT NULL));
