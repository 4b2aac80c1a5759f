-- 0025: every insert into events notifies the channel citecheck_events, so that each app server
-- on the database hears of the desk's commits, not only of its own (issue 17): the store's
-- listening connection (store/pglisten.go) wakes its live hub, which reads the new events. The
-- notification is sent when the transaction commits, and not at all if it rolls back; one per
-- statement is enough, since the hub reads every event after the last it handed out, and
-- PostgreSQL folds identical notifications of one transaction into one anyway.
CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('citecheck_events', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER events_notified AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_notify();
