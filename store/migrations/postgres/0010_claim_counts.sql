-- 0010 (PostgreSQL): how many claims each document holds, kept by triggers on every insert and
-- delete of a claim (whoever writes), so that the bound on claims per document is checked with
-- one lookup instead of counting tens of thousands of rows inside every write. A separate small
-- table, since updating the documents row would rewrite its text and bump documents.changes.
CREATE TABLE claim_counts (
    document_id BIGINT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    n           BIGINT NOT NULL
);

INSERT INTO claim_counts (document_id, n)
SELECT document_id, COUNT(*) FROM claims GROUP BY document_id;

CREATE FUNCTION claims_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO claim_counts (document_id, n) VALUES (NEW.document_id, 1)
    ON CONFLICT (document_id) DO UPDATE SET n = claim_counts.n + 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER claims_counted AFTER INSERT ON claims
FOR EACH ROW EXECUTE FUNCTION claims_counted();

CREATE FUNCTION claims_uncounted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE claim_counts SET n = n - 1 WHERE document_id = OLD.document_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER claims_uncounted AFTER DELETE ON claims
FOR EACH ROW EXECUTE FUNCTION claims_uncounted();
