-- 0001: users, API tokens, settings, documents and their claims.
-- Times are UTC text in a fixed-width RFC 3339 form, so they sort as text.
-- Offsets (start, "end", length) count Unicode code points of the stored text.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL,
    password_hash BLOB,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL
);

CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT    NOT NULL UNIQUE,
    created_at TEXT    NOT NULL
);

CREATE INDEX tokens_user_id ON tokens (user_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

CREATE TABLE documents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    title       TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    text_sha256 TEXT    NOT NULL,
    length      INTEGER NOT NULL,
    citations   TEXT    NOT NULL DEFAULT '[]', -- JSON array of {start, end, refs}
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  TEXT    NOT NULL
);

CREATE TABLE claims (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id    INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    start          INTEGER NOT NULL,
    "end"          INTEGER NOT NULL,
    quote          TEXT    NOT NULL,
    prefix         TEXT    NOT NULL DEFAULT '',
    suffix         TEXT    NOT NULL DEFAULT '',
    refs           TEXT    NOT NULL DEFAULT '[]', -- JSON array of positive integers, ascending
    status         TEXT    NOT NULL DEFAULT 'unverified',
    note           TEXT    NOT NULL DEFAULT '',
    review         TEXT    NOT NULL DEFAULT 'pending',
    review_comment TEXT    NOT NULL DEFAULT '',
    reviewed_by    INTEGER REFERENCES users (id),
    reviewed_at    TEXT,
    created_by     INTEGER NOT NULL REFERENCES users (id),
    created_at     TEXT    NOT NULL,
    updated_by     INTEGER NOT NULL REFERENCES users (id),
    updated_at     TEXT    NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);

CREATE INDEX claims_document_start ON claims (document_id, start);
