-- 0013: the desk's live events, which the server streams to open pages (GET /api/v1/events and
-- GET /api/v1/documents/{id}/events). Each is written by a trigger in the same transaction as the
-- change it announces, whoever writes (the server, `citecheck revise`, `citecheck import`, a second
-- process on the same file), so no write path can forget one; ids only grow, so a client that
-- reconnects with the last id it saw misses nothing. The table is pruned (store/events.go): a
-- client asking for an id older than the oldest row kept is told to reload.
--
-- document_id and claim_id carry no foreign key: the event of a deletion outlives its object.
-- version is the claim's version after the change, or the number of a new revision.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    document_id INTEGER NOT NULL,
    claim_id    INTEGER,
    version     INTEGER,
    user_id     INTEGER NOT NULL,
    at          TEXT    NOT NULL
);

CREATE INDEX events_document ON events (document_id, id);

-- event_actions says which actions of a claim's history (claim_events.action) are announced,
-- and under which name. Every claim action writes its history row, so one trigger on that table
-- covers them all. An action not listed is not announced: "imported" and "restored" follow a
-- "created" event of the same claim, and "reanchored" follows from a revision.created event.
-- A later migration adds a row for a new action (a restore from the trash, say).
CREATE TABLE event_actions (
    action TEXT PRIMARY KEY,
    name   TEXT NOT NULL
);

INSERT INTO event_actions (action, name) VALUES
    ('created', 'claim.created'),
    ('updated', 'claim.updated'),
    ('reviewed', 'claim.reviewed'),
    ('deleted', 'claim.deleted'),
    ('evidence-added', 'evidence.added'),
    ('evidence-removed', 'evidence.deleted');

CREATE TRIGGER claim_events_announced AFTER INSERT ON claim_events
BEGIN
    INSERT INTO events (name, document_id, claim_id, version, user_id, at)
    SELECT a.name, NEW.document_id, NEW.claim_id,
           (SELECT version FROM claims WHERE id = NEW.claim_id), NEW.user_id, NEW.at
    FROM event_actions a WHERE a.action = NEW.action;
END;

CREATE TRIGGER documents_announced AFTER INSERT ON documents
BEGIN
    INSERT INTO events (name, document_id, user_id, at)
    VALUES ('document.created', NEW.id, NEW.created_by, NEW.created_at);
END;

-- Revision 1 is written with its document, which document.created announces.
CREATE TRIGGER revisions_announced AFTER INSERT ON revisions WHEN NEW.number > 1
BEGIN
    INSERT INTO events (name, document_id, version, user_id, at)
    VALUES ('revision.created', NEW.document_id, NEW.number, NEW.created_by, NEW.created_at);
END;
