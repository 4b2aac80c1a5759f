-- 0003: a document's reference list (JSON {start, heading, entries}, NULL when it has none),
-- and the sentence suggestions a user dismissed, so they are not proposed again.
ALTER TABLE documents ADD COLUMN reference_list TEXT;

CREATE TABLE dismissed_suggestions (
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    PRIMARY KEY (document_id, start, "end")
);
