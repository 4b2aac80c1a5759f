-- 0014: full-text search (SQLite FTS5; go-sqlite3 builds it with the sqlite_fts5 tag).
--
-- search_entries holds one row per searchable piece, and search_fts indexes its head and body
-- (FTS5 external content: the text is stored once, here; bm25 weighs the head 5 times the
-- body). Every row names what a match shows as a result: kind (document, claim, reference,
-- source), object_id (the document's, claim's or source's id, or the entry's number), part
-- (which piece of that object: 0 for its head row, n for the n-th passage of a text, or the id
-- of a sub-object), the document it belongs to, and the span in code points of the piece in its
-- text (NULL when it has none).
--
--   kind       part  head                 body
--   document   0     the title
--   document   n     .                    the n-th passage of the text (citecheck.Passages)
--   claim      0     the quote            the note
--   reference  0     the entry's text     its URL           (object_id is the entry's number)
--   source     0     the title            the URL
--   source     n     .                    the n-th passage of its text
--
-- Triggers keep it in step with the tables in the same transaction as every write, whoever
-- writes. The passages of a text come from citecheck_passages(text), a function that the store
-- registers on each of its connections (store/search.go): a connection without it (the sqlite3
-- shell) can read and can write claims, but not documents or sources.
--
-- To index something new (claim comments, say), add triggers that insert and delete its rows
-- here: kind 'claim', object_id the claim's id, part the comment's id, body its text, so a
-- match finds the claim; claims_search_delete removes every row of a deleted claim, parts
-- included, and documents_search_delete every row of a document. search_fts follows by itself.
CREATE TABLE search_entries (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,
    object_id   INTEGER NOT NULL,
    part        INTEGER NOT NULL DEFAULT 0,
    document_id INTEGER NOT NULL,
    start       INTEGER,
    "end"       INTEGER,
    head        TEXT    NOT NULL DEFAULT '',
    body        TEXT    NOT NULL DEFAULT ''
);

CREATE INDEX search_entries_document ON search_entries (document_id, kind);
CREATE INDEX search_entries_object ON search_entries (kind, object_id);

-- Words are letters, digits and marks (so an Arabic word keeps its harakat inside it), folded to
-- lower case without Latin diacritics (café finds cafe); anything else, emoji included, parts them.
-- Prefix indexes of 2 and 3 characters serve the last word as it is being typed: without them a
-- short prefix merges the lists of every word it opens, seconds on a large desk.
CREATE VIRTUAL TABLE search_fts USING fts5 (
    head, body,
    content = 'search_entries', content_rowid = 'id', prefix = '2 3',
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
);

INSERT INTO search_fts (search_fts, rank) VALUES ('rank', 'bm25(5.0, 1.0)');

CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries
BEGIN
    INSERT INTO search_fts (rowid, head, body) VALUES (NEW.id, NEW.head, NEW.body);
END;

CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries
BEGIN
    INSERT INTO search_fts (search_fts, rowid, head, body) VALUES ('delete', OLD.id, OLD.head, OLD.body);
END;

CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries
BEGIN
    INSERT INTO search_fts (search_fts, rowid, head, body) VALUES ('delete', OLD.id, OLD.head, OLD.body);
    INSERT INTO search_fts (rowid, head, body) VALUES (NEW.id, NEW.head, NEW.body);
END;

-- Documents: the title, the passages of the text and the entries of the reference list.
CREATE TRIGGER documents_search_insert AFTER INSERT ON documents
BEGIN
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
END;

CREATE TRIGGER documents_search_title AFTER UPDATE OF title ON documents
BEGIN
    UPDATE search_entries SET head = NEW.title
    WHERE kind = 'document' AND object_id = NEW.id AND part = 0;
END;

CREATE TRIGGER documents_search_text AFTER UPDATE OF text ON documents
BEGIN
    DELETE FROM search_entries WHERE document_id = NEW.id AND kind = 'document' AND part > 0;
    INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", body)
    SELECT 'document', NEW.id, p.key + 1, NEW.id, p.value ->> 0, p.value ->> 1, p.value ->> 2
    FROM json_each(citecheck_passages(NEW.text)) p;
END;

CREATE TRIGGER documents_search_references AFTER UPDATE OF reference_list ON documents
BEGIN
    DELETE FROM search_entries WHERE document_id = NEW.id AND kind = 'reference';
    INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", head, body)
    SELECT 'reference', e.value ->> '$.number', 0, NEW.id,
        CASE WHEN e.value ->> '$.manual' THEN NULL ELSE e.value ->> '$.start' END,
        CASE WHEN e.value ->> '$.manual' THEN NULL ELSE e.value ->> '$.end' END,
        e.value ->> '$.text', coalesce(e.value ->> '$.url', '')
    FROM json_each(NEW.reference_list, '$.entries') e;
END;

CREATE TRIGGER documents_search_delete AFTER DELETE ON documents
BEGIN
    DELETE FROM search_entries WHERE document_id = OLD.id;
END;

-- Claims: the quote and the note, with the claim's span.
CREATE TRIGGER claims_search_insert AFTER INSERT ON claims
BEGIN
    INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", head, body)
    VALUES ('claim', NEW.id, 0, NEW.document_id, NEW.start, NEW."end", NEW.quote, NEW.note);
END;

CREATE TRIGGER claims_search_update AFTER UPDATE OF start, "end", quote, note ON claims
BEGIN
    UPDATE search_entries SET start = NEW.start, "end" = NEW."end", head = NEW.quote, body = NEW.note
    WHERE kind = 'claim' AND object_id = NEW.id AND part = 0;
END;

CREATE TRIGGER claims_search_delete AFTER DELETE ON claims
BEGIN
    DELETE FROM search_entries WHERE kind = 'claim' AND object_id = OLD.id;
END;

-- Sources are immutable: inserted, and deleted with their document.
CREATE TRIGGER sources_search_insert AFTER INSERT ON sources
BEGIN
    INSERT INTO search_entries (kind, object_id, part, document_id, head, body)
    VALUES ('source', NEW.id, 0, NEW.document_id, NEW.title, NEW.url);
    INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", body)
    SELECT 'source', NEW.id, p.key + 1, NEW.document_id, p.value ->> 0, p.value ->> 1, p.value ->> 2
    FROM json_each(citecheck_passages(NEW.text)) p;
END;

CREATE TRIGGER sources_search_delete AFTER DELETE ON sources
BEGIN
    DELETE FROM search_entries WHERE kind = 'source' AND object_id = OLD.id;
END;

-- What is there already.
INSERT INTO search_entries (kind, object_id, part, document_id, head)
SELECT 'document', id, 0, id, title FROM documents;

INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", body)
SELECT 'document', d.id, p.key + 1, d.id, p.value ->> 0, p.value ->> 1, p.value ->> 2
FROM documents d, json_each(citecheck_passages(d.text)) p;

INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", head, body)
SELECT 'reference', e.value ->> '$.number', 0, d.id,
    CASE WHEN e.value ->> '$.manual' THEN NULL ELSE e.value ->> '$.start' END,
    CASE WHEN e.value ->> '$.manual' THEN NULL ELSE e.value ->> '$.end' END,
    e.value ->> '$.text', coalesce(e.value ->> '$.url', '')
FROM documents d, json_each(d.reference_list, '$.entries') e
WHERE d.reference_list IS NOT NULL;

INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", head, body)
SELECT 'claim', id, 0, document_id, start, "end", quote, note FROM claims;

INSERT INTO search_entries (kind, object_id, part, document_id, head, body)
SELECT 'source', id, 0, document_id, title, url FROM sources;

INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", body)
SELECT 'source', s.id, p.key + 1, s.document_id, p.value ->> 0, p.value ->> 1, p.value ->> 2
FROM sources s, json_each(citecheck_passages(s.text)) p;
