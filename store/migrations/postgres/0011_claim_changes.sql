-- 0011 (PostgreSQL): claim_counts.changes counts every write to a document's claims and their
-- evidence (an insert, update or delete of either), kept by triggers whoever writes, so that a
-- view of a document's claims held in memory (the server's shared document view) can be checked
-- on every request with the same one lookup as documents.changes. It lives in the small
-- claim_counts table, not on the documents row, whose update would rewrite the text and bump
-- documents.changes. Each trigger upserts, so it never depends on the order in which the
-- triggers run beside claims_counted.
ALTER TABLE claim_counts ADD COLUMN changes BIGINT NOT NULL DEFAULT 0;

UPDATE claim_counts SET changes = n;

-- claims_changed bumps the count of the claim's document (NEW's on insert and update, OLD's on
-- delete), for the three triggers that SQLite writes out one by one.
CREATE FUNCTION claims_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE claim_counts SET changes = changes + 1 WHERE document_id = OLD.document_id;
    ELSE
        INSERT INTO claim_counts (document_id, n, changes) VALUES (NEW.document_id, 0, 1)
        ON CONFLICT (document_id) DO UPDATE SET changes = claim_counts.changes + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER claims_changed_insert AFTER INSERT ON claims
FOR EACH ROW EXECUTE FUNCTION claims_changed();

CREATE TRIGGER claims_changed_update AFTER UPDATE ON claims
FOR EACH ROW EXECUTE FUNCTION claims_changed();

CREATE TRIGGER claims_changed_delete AFTER DELETE ON claims
FOR EACH ROW EXECUTE FUNCTION claims_changed();

-- evidence_changed bumps the count of the document of the evidence's claim.
CREATE FUNCTION evidence_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    claim bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        claim := OLD.claim_id;
    ELSE
        claim := NEW.claim_id;
    END IF;
    UPDATE claim_counts SET changes = changes + 1
    WHERE document_id = (SELECT document_id FROM claims WHERE id = claim);
    RETURN NULL;
END;
$$;

CREATE TRIGGER evidence_changed_insert AFTER INSERT ON evidence
FOR EACH ROW EXECUTE FUNCTION evidence_changed();

CREATE TRIGGER evidence_changed_update AFTER UPDATE ON evidence
FOR EACH ROW EXECUTE FUNCTION evidence_changed();

CREATE TRIGGER evidence_changed_delete AFTER DELETE ON evidence
FOR EACH ROW EXECUTE FUNCTION evidence_changed();
