-- 0003 (PostgreSQL): a document's reference list (JSON {start, heading, entries}, NULL when it
-- has none), and the sentence suggestions a user dismissed, so they are not proposed again.
ALTER TABLE documents ADD COLUMN reference_list TEXT;

CREATE TABLE dismissed_suggestions (
    document_id BIGINT  NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    start       BIGINT  NOT NULL,
    "end"       BIGINT  NOT NULL,
    PRIMARY KEY (document_id, start, "end")
);
