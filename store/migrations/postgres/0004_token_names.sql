-- 0004 (PostgreSQL): API tokens get a name and the time of their last use, for token
-- management in the UI.
ALTER TABLE tokens ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN last_used_at TEXT;
