-- 0030: a change to a document's reference list is an entry of its own history
-- ("references-changed", written by the store with the change) and is announced live as
-- references.changed, so that open pages show an entry another reader added. A new source
-- capture is announced by the store itself (source.added), as an import's sources are not.
CREATE TRIGGER document_events_references AFTER INSERT ON document_events
WHEN NEW.action = 'references-changed'
BEGIN
    INSERT INTO events (name, document_id, user_id, at)
    VALUES ('references.changed', NEW.document_id, NEW.user_id, NEW.at);
END;
