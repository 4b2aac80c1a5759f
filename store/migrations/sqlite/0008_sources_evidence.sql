-- 0008: sources (dated, immutable captures of what a reference entry cites) and evidence (a
-- passage of a source that a claim's verdict rests on). The API calls a capture a "source".
--
-- A source belongs to a document and names the entry by its number (ref), not by a foreign key:
-- entries live in documents.reference_list, and a source outlives the removal of its entry.
-- Offsets of evidence count code points of its source's text, as claims' offsets count those of
-- their document's text. http_status is NULL unless the text was fetched.
CREATE TABLE sources (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    ref          INTEGER NOT NULL,
    url          TEXT    NOT NULL DEFAULT '',
    final_url    TEXT    NOT NULL DEFAULT '',
    title        TEXT    NOT NULL DEFAULT '',
    text         TEXT    NOT NULL,
    text_sha256  TEXT    NOT NULL,
    length       INTEGER NOT NULL,
    method       TEXT    NOT NULL,
    http_status  INTEGER,
    content_type TEXT    NOT NULL DEFAULT '',
    captured_by  INTEGER NOT NULL REFERENCES users (id),
    captured_at  TEXT    NOT NULL
);

CREATE INDEX sources_document_ref ON sources (document_id, ref, id);

-- A capture is immutable: a new capture of the same page is a new source, so evidence always
-- points at the text it was taken from. Deleting a document still removes its sources.
CREATE TRIGGER sources_no_update BEFORE UPDATE ON sources
BEGIN
    SELECT RAISE(ABORT, 'sources are immutable');
END;

CREATE TABLE evidence (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id   INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    source_id  INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    quote      TEXT    NOT NULL,
    prefix     TEXT    NOT NULL DEFAULT '',
    suffix     TEXT    NOT NULL DEFAULT '',
    stance     TEXT    NOT NULL,
    note       TEXT    NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT    NOT NULL
);

CREATE INDEX evidence_claim ON evidence (claim_id, id);
CREATE INDEX evidence_source ON evidence (source_id);
