-- 0020: the search index (0014) holds live rows only, as every other read does since the trash
-- (0012), which were built side by side. Moving a claim or a document to the trash takes its
-- rows out of the index in the same transaction; restoring puts them back. A claim trashed with
-- its document loses its rows by its own trigger (its deleted_at is set too) and gets them back
-- when the restore clears it.
CREATE TRIGGER claims_search_trash AFTER UPDATE OF deleted_at ON claims
WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
    DELETE FROM search_entries WHERE kind = 'claim' AND object_id = NEW.id;
END;

CREATE TRIGGER claims_search_untrash AFTER UPDATE OF deleted_at ON claims
WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL
BEGIN
    DELETE FROM search_entries WHERE kind = 'claim' AND object_id = NEW.id;
    INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", head, body)
    VALUES ('claim', NEW.id, 0, NEW.document_id, NEW.start, NEW."end", NEW.quote, NEW.note);
END;

CREATE TRIGGER documents_search_trash AFTER UPDATE OF deleted_at ON documents
WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
    DELETE FROM search_entries WHERE document_id = NEW.id AND kind <> 'claim';
END;

-- The document's own rows and its sources'; its claims come back by their own trigger.
CREATE TRIGGER documents_search_untrash AFTER UPDATE OF deleted_at ON documents
WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL
BEGIN
    DELETE FROM search_entries WHERE document_id = NEW.id AND kind <> 'claim';
    INSERT INTO search_entries (kind, object_id, part, document_id, head)
    VALUES ('document', NEW.id, 0, NEW.id, NEW.title);
    INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", body)
    SELECT 'document', NEW.id, p.key + 1, NEW.id, p.value ->> 0, p.value ->> 1, p.value ->> 2
    FROM json_each(citecheck_passages(NEW.text)) p;
    INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", head, body)
    SELECT 'reference', e.value ->> '$.number', 0, NEW.id,
        CASE WHEN e.value ->> '$.manual' THEN NULL ELSE e.value ->> '$.start' END,
        CASE WHEN e.value ->> '$.manual' THEN NULL ELSE e.value ->> '$.end' END,
        e.value ->> '$.text', coalesce(e.value ->> '$.url', '')
    FROM json_each(NEW.reference_list, '$.entries') e;
    INSERT INTO search_entries (kind, object_id, part, document_id, head, body)
    SELECT 'source', s.id, 0, s.document_id, s.title, s.url FROM sources s WHERE s.document_id = NEW.id;
    INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", body)
    SELECT 'source', s.id, p.key + 1, s.document_id, p.value ->> 0, p.value ->> 1, p.value ->> 2
    FROM sources s, json_each(citecheck_passages(s.text)) p WHERE s.document_id = NEW.id;
END;

-- What is in the trash already.
DELETE FROM search_entries
WHERE document_id IN (SELECT id FROM documents WHERE deleted_at IS NOT NULL)
   OR (kind = 'claim' AND object_id IN (SELECT id FROM claims WHERE deleted_at IS NOT NULL));
