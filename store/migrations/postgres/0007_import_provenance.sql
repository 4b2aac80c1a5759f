-- 0007 (PostgreSQL): what the file of an import said about a claim, kept beside it as a record.
--
-- An import never carries sign-off: an imported claim is pending and created by the importer.
-- imported holds the file's review, review comment, reviewer, authors and dates (JSON of
-- citecheck.Provenance: from_format, source_id, review, review_comment, reviewed_by,
-- reviewed_at, created_by, created_at, updated_by, updated_at, imported_by, imported_at); it is
-- NULL for a claim made on this server. It is written once, when the claim is imported.
ALTER TABLE claims ADD COLUMN imported TEXT;
