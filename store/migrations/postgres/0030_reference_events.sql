-- 0030 (PostgreSQL): a change to a document's reference list is an entry of its own history
-- ("references-changed", written by the store with the change) and is announced live as
-- references.changed, so that open pages show an entry another reader added. A new source
-- capture is announced by the store itself (source.added), as an import's sources are not.
CREATE FUNCTION document_events_references() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO events (name, document_id, user_id, at)
    VALUES ('references.changed', NEW.document_id, NEW.user_id, NEW.at);
    RETURN NULL;
END;
$$;

CREATE TRIGGER document_events_references AFTER INSERT ON document_events
FOR EACH ROW WHEN (NEW.action = 'references-changed')
EXECUTE FUNCTION document_events_references();
