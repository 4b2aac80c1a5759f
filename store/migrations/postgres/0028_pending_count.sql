-- 0028 (PostgreSQL): the header's count of claims waiting for an editor (store.CountPending, on
-- every page an editor opens) from an index of the live claims by review, SQLite's 0028 as
-- PostgreSQL does it best: a partial index that an index-only scan counts.
CREATE INDEX claims_review_live ON claims (review) WHERE deleted_at IS NULL;
