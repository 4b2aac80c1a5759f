-- 0011: claim_counts.changes counts every write to a document's claims and their evidence (an
-- insert, update or delete of either), kept by triggers whoever writes (the server, the CLI or
-- another process on the same file), so that a view of a document's claims held in memory (the
-- server's shared document view) can be checked on every request with the same one lookup as
-- documents.changes. It lives in the small claim_counts table, not on the documents row, whose
-- update would rewrite the text and bump documents.changes. Each trigger upserts, so it never
-- depends on the order in which SQLite runs it beside claims_counted.
ALTER TABLE claim_counts ADD COLUMN changes INTEGER NOT NULL DEFAULT 0;

UPDATE claim_counts SET changes = n;

CREATE TRIGGER claims_changed_insert AFTER INSERT ON claims
BEGIN
    INSERT INTO claim_counts (document_id, n, changes) VALUES (NEW.document_id, 0, 1)
    ON CONFLICT (document_id) DO UPDATE SET changes = changes + 1;
END;

CREATE TRIGGER claims_changed_update AFTER UPDATE ON claims
BEGIN
    INSERT INTO claim_counts (document_id, n, changes) VALUES (NEW.document_id, 0, 1)
    ON CONFLICT (document_id) DO UPDATE SET changes = changes + 1;
END;

CREATE TRIGGER claims_changed_delete AFTER DELETE ON claims
BEGIN
    UPDATE claim_counts SET changes = changes + 1 WHERE document_id = OLD.document_id;
END;

CREATE TRIGGER evidence_changed_insert AFTER INSERT ON evidence
BEGIN
    UPDATE claim_counts SET changes = changes + 1
    WHERE document_id = (SELECT document_id FROM claims WHERE id = NEW.claim_id);
END;

CREATE TRIGGER evidence_changed_update AFTER UPDATE ON evidence
BEGIN
    UPDATE claim_counts SET changes = changes + 1
    WHERE document_id = (SELECT document_id FROM claims WHERE id = NEW.claim_id);
END;

CREATE TRIGGER evidence_changed_delete AFTER DELETE ON evidence
BEGIN
    UPDATE claim_counts SET changes = changes + 1
    WHERE document_id = (SELECT document_id FROM claims WHERE id = OLD.claim_id);
END;
