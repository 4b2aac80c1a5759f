-- 0023 (PostgreSQL): nothing to do. On SQLite, 0023 takes the passages of texts out of the
-- search triggers, since the store now writes them (store/search.go, indexPassages); the
-- PostgreSQL triggers (0014, 0020) never wrote them. The file keeps the engines versioned alike.
SELECT 1;
