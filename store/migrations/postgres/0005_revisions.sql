-- 0005 (PostgreSQL): numbered revisions of a document's text, and where each claim is anchored.
--
-- documents.revision is the number of the current revision; its text stays in documents (and in
-- revisions, which holds every revision's text including the current one). A claim belongs to
-- the revision it was last anchored in: claims.revision equals documents.revision for the claims
-- anchored in the current text, and is lower for orphans, whose span, quote and context are
-- those of their own revision. anchor says how the claim was last anchored (exact, moved, fuzzy
-- or orphaned) with anchor_score; old_quote is the quote before a fuzzy re-anchoring (or the
-- quote of an orphan), shown beside the new text.
ALTER TABLE documents ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;

ALTER TABLE claims ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
ALTER TABLE claims ADD COLUMN anchor TEXT NOT NULL DEFAULT 'exact';
ALTER TABLE claims ADD COLUMN anchor_score DOUBLE PRECISION NOT NULL DEFAULT 1;
ALTER TABLE claims ADD COLUMN old_quote TEXT NOT NULL DEFAULT '';

-- anchors counts the claims of the previous revision by how they were re-anchored into this one
-- (JSON {"exact": n, "moved": n, "fuzzy": n, "orphaned": n}); {} for revision 1.
CREATE TABLE revisions (
    document_id    BIGINT  NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    number         BIGINT  NOT NULL,
    text           TEXT    NOT NULL,
    text_sha256    TEXT    NOT NULL,
    length         BIGINT  NOT NULL,
    citations      TEXT    NOT NULL DEFAULT '[]',
    reference_list TEXT,
    anchors        TEXT    NOT NULL DEFAULT '{}',
    created_by     BIGINT  NOT NULL REFERENCES users (id),
    created_at     TEXT    NOT NULL,
    PRIMARY KEY (document_id, number)
);

INSERT INTO revisions (document_id, number, text, text_sha256, length, citations, reference_list,
    created_by, created_at)
SELECT id, 1, text, text_sha256, length, citations, reference_list, created_by, created_at
FROM documents;

-- revision_claims keeps each claim of a revision as it was when that revision was superseded
-- (the claim's JSON), so an old revision stays readable with its claims.
CREATE TABLE revision_claims (
    document_id BIGINT  NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    number      BIGINT  NOT NULL,
    claim_id    BIGINT  NOT NULL,
    data        TEXT    NOT NULL,
    PRIMARY KEY (document_id, number, claim_id)
);

CREATE INDEX claims_document_revision ON claims (document_id, revision);
