-- 0002: the append-only history of claims, and a session version per user.

-- claim_events records every create, change, review and delete of a claim, written in the same
-- transaction as the change. claim_id and document_id deliberately carry no foreign key, so the
-- history survives the deletion of its claim and of its document.
CREATE TABLE claim_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id    INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    at          TEXT    NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    action      TEXT    NOT NULL,
    changes     TEXT    NOT NULL -- JSON object: field -> {"from", "to"}
);

CREATE INDEX claim_events_claim ON claim_events (claim_id, id);
CREATE INDEX claim_events_document ON claim_events (document_id);

-- The history is append-only: the database itself refuses to change or remove an event.
CREATE TRIGGER claim_events_no_update BEFORE UPDATE ON claim_events
BEGIN
    SELECT RAISE(ABORT, 'claim_events is append-only');
END;

CREATE TRIGGER claim_events_no_delete BEFORE DELETE ON claim_events
BEGIN
    SELECT RAISE(ABORT, 'claim_events is append-only');
END;

-- The review queue lists pending claims oldest first across documents.
CREATE INDEX claims_review_updated ON claims (review, updated_at, id);

-- session_version goes up when a password changes or an account is disabled; a session signed
-- in at an older version stops working.
ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 1;
