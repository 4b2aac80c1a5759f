-- 0023: the passages of a text (citecheck.Passages) are written by the store, in the
-- transaction that writes the text (store/search.go, indexPassages), on both engines:
-- PostgreSQL cannot call the Go function citecheck_passages that 0014's and 0020's triggers
-- called. Those triggers are written again here without the passages; the rest of what they do
-- is unchanged. citecheck_passages stays registered, for the older migrations that call it.
DROP TRIGGER documents_search_insert;
CREATE TRIGGER documents_search_insert AFTER INSERT ON documents
BEGIN
    INSERT INTO search_entries (kind, object_id, part, document_id, head)
    VALUES ('document', NEW.id, 0, NEW.id, NEW.title);
    INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", head, body)
    SELECT 'reference', e.value ->> '$.number', 0, NEW.id,
        CASE WHEN e.value ->> '$.manual' THEN NULL ELSE e.value ->> '$.start' END,
        CASE WHEN e.value ->> '$.manual' THEN NULL ELSE e.value ->> '$.end' END,
        e.value ->> '$.text', coalesce(e.value ->> '$.url', '')
    FROM json_each(NEW.reference_list, '$.entries') e;
END;

-- Only the passages followed the text.
DROP TRIGGER documents_search_text;

DROP TRIGGER sources_search_insert;
CREATE TRIGGER sources_search_insert AFTER INSERT ON sources
BEGIN
    INSERT INTO search_entries (kind, object_id, part, document_id, head, body)
    VALUES ('source', NEW.id, 0, NEW.document_id, NEW.title, NEW.url);
END;

DROP TRIGGER documents_search_untrash;
CREATE TRIGGER documents_search_untrash AFTER UPDATE OF deleted_at ON documents
WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL
BEGIN
    DELETE FROM search_entries WHERE document_id = NEW.id AND kind <> 'claim';
    INSERT INTO search_entries (kind, object_id, part, document_id, head)
    VALUES ('document', NEW.id, 0, NEW.id, NEW.title);
    INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", head, body)
    SELECT 'reference', e.value ->> '$.number', 0, NEW.id,
        CASE WHEN e.value ->> '$.manual' THEN NULL ELSE e.value ->> '$.start' END,
        CASE WHEN e.value ->> '$.manual' THEN NULL ELSE e.value ->> '$.end' END,
        e.value ->> '$.text', coalesce(e.value ->> '$.url', '')
    FROM json_each(NEW.reference_list, '$.entries') e;
    INSERT INTO search_entries (kind, object_id, part, document_id, head, body)
    SELECT 'source', s.id, 0, s.document_id, s.title, s.url FROM sources s WHERE s.document_id = NEW.id;
END;
