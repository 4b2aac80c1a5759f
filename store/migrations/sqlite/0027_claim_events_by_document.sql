-- 0027 (SQLite): nothing to do. PostgreSQL's 0027 indexes the claim history by (document_id, id),
-- which SQLite's claim_events_document (document_id) already is: its entries end with the rowid.
-- Versioned alike, so both engines' schemas carry the same version numbers.
SELECT 1;
