-- 0016: the discussion under each claim (issue 16, item 3). Comments are only ever added: each
-- is also a "commented" event of the claim's history (written by the store in the same
-- transaction), which event_actions announces live as comment.added.
--
-- Search (FTS5, 0014) finds comments as part of their claim: migration 0021 indexes them.
CREATE TABLE claim_comments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id    INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    body        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);

CREATE INDEX claim_comments_claim ON claim_comments (claim_id, id);
CREATE INDEX claim_comments_user ON claim_comments (user_id, claim_id);

-- comment_reads holds, per user, the id of the newest comment they have seen in My work: the
-- comments after it on claims they take part in are their new ones.
CREATE TABLE comment_reads (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    seen    INTEGER NOT NULL
);

INSERT INTO event_actions (action, name) VALUES ('commented', 'comment.added');
