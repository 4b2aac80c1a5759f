-- 0006: sessions are kept on the server, so that signing out, a password change, disabling an
-- account or "sign out everywhere" ends a session at once. The cookie carries only a random id;
-- this table keeps its SHA-256, never the id itself.
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   TEXT    NOT NULL UNIQUE,
    user_id      INTEGER REFERENCES users (id) ON DELETE CASCADE, -- NULL before sign-in
    data         BLOB    NOT NULL,                                -- the session's values, encoded by the HTTP layer
    user_agent   TEXT    NOT NULL DEFAULT '',
    address      TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    last_used_at TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL                                 -- the absolute end, however busy the session is
);

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_last_used ON sessions (last_used_at);

-- The session version stood in for server-side sessions; ending a session now deletes its row.
ALTER TABLE users DROP COLUMN session_version;
