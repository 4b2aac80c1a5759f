-- 0019 (PostgreSQL): the live events of the trash (0012) and the event log (0013), which were
-- built side by side. A claim taken out of the trash reappears on open pages as claim.created
-- (the history action is "restored", also used by `citecheck import --restore-reviews` right
-- after the claim's own "created", where a second claim.created is harmless: pages fetch the
-- claim again). A document's own history (document_events) announces its deletion and its
-- restore. An undone review decision (review-undone) is a review like any other on open pages.
INSERT INTO event_actions (action, name) VALUES ('restored', 'claim.created'), ('review-undone', 'claim.reviewed');

CREATE FUNCTION document_events_announced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO events (name, document_id, user_id, at)
    VALUES (CASE NEW.action WHEN 'deleted' THEN 'document.deleted' ELSE 'document.created' END,
            NEW.document_id, NEW.user_id, NEW.at);
    RETURN NULL;
END;
$$;

CREATE TRIGGER document_events_announced AFTER INSERT ON document_events
FOR EACH ROW WHEN (NEW.action IN ('deleted', 'restored'))
EXECUTE FUNCTION document_events_announced();
