-- 0026: who has which document open, on every app server (issue 17): one row per server, document
-- and user with a live stream open on it. Each server writes its own rows (handlers/live_hub.go:
-- replaced when its streams change, touched now and then) and reads everyone's; the rows of a
-- server that stopped without clearing them are ignored, then pruned, once seen_at is old.
-- server is a random id that each server process draws at start.
CREATE TABLE presence (
    server      TEXT   NOT NULL,
    document_id BIGINT NOT NULL,
    user_name   TEXT   NOT NULL,
    seen_at     TEXT   NOT NULL,
    PRIMARY KEY (server, document_id, user_name)
);

-- A row that comes or goes is news for the other servers' open pages: it notifies the channel of
-- migration 0025, which wakes their live hubs. Touching seen_at changes nothing they show.
CREATE TRIGGER presence_notified AFTER INSERT OR DELETE ON presence
    FOR EACH STATEMENT EXECUTE FUNCTION events_notify();
