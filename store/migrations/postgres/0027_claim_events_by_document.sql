-- 0027 (PostgreSQL): the claim history by document and id. SQLite's claim_events_document
-- (document_id) carries the rowid after the column, so it serves "this document's history after
-- id N" (what the document view reads after each claim write: store/claim_changes.go) as a range;
-- PostgreSQL's index of the column alone does not, and the read walked the document's whole
-- history. This index is the twin of SQLite's as it behaves.
CREATE INDEX claim_events_document_id ON claim_events (document_id, id);
DROP INDEX claim_events_document;
