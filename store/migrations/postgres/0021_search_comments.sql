-- 0021 (PostgreSQL): a claim's discussion (0016) is found by search (0014) as part of the
-- claim: each comment is a row of the claim (kind 'claim', part = the comment's id, the comment
-- in body), written in the same transaction as the comment. Trash and restore (0020) take a
-- claim's rows out and put them back, its comments with them. A trigger's WHEN cannot read
-- another table here, so the claim's trash state is checked inside the function.
CREATE FUNCTION claim_comments_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT c.deleted_at FROM claims c WHERE c.id = NEW.claim_id) IS NULL THEN
        INSERT INTO search_entries (kind, object_id, part, document_id, body)
        VALUES ('claim', NEW.claim_id, NEW.id, NEW.document_id, NEW.body);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER claim_comments_search AFTER INSERT ON claim_comments
FOR EACH ROW EXECUTE FUNCTION claim_comments_search();

-- claims_search_untrash (0020) brings back the claim's comments too; its trigger stays as it is.
CREATE OR REPLACE FUNCTION claims_search_untrash() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_entries WHERE kind = 'claim' AND object_id = NEW.id;
    INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", head, body)
    VALUES ('claim', NEW.id, 0, NEW.document_id, NEW.start, NEW."end", NEW.quote, NEW.note);
    INSERT INTO search_entries (kind, object_id, part, document_id, body)
    SELECT 'claim', NEW.id, cc.id, cc.document_id, cc.body FROM claim_comments cc WHERE cc.claim_id = NEW.id;
    RETURN NULL;
END;
$$;

-- The comments written before this migration.
INSERT INTO search_entries (kind, object_id, part, document_id, body)
SELECT 'claim', cc.claim_id, cc.id, cc.document_id, cc.body
FROM claim_comments cc JOIN claims c ON c.id = cc.claim_id
WHERE c.deleted_at IS NULL;
