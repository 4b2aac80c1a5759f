-- 0014 (PostgreSQL): full-text search, the twin of migrations/sqlite/0014_search.sql with a
-- tsvector and a GIN index where SQLite has FTS5.
--
-- search_entries holds one row per searchable piece, as on SQLite: kind (document, claim,
-- reference, source), object_id (the document's, claim's or source's id, or the entry's
-- number), part (0 for its head row, n for the n-th passage of a text, or the id of a
-- sub-object), the document it belongs to, and the span in code points of the piece in its
-- text (NULL when it has none).
--
--   kind       part  head                 body
--   document   0     the title
--   document   n     .                    the n-th passage of the text (citecheck.Passages)
--   claim      0     the quote            the note
--   reference  0     the entry's text     its URL           (object_id is the entry's number)
--   source     0     the title            the URL
--   source     n     .                    the n-th passage of its text
--
-- Triggers keep it in step with the tables in the same transaction as every write, whoever
-- writes, except the passages of a text: the store writes them (store/search.go,
-- indexPassages) in the transaction that writes the text, as it does on SQLite since 0023.
--
-- tsv is the searchable form of a row: its head's words at weight A and its body's at weight
-- D, so that ranking weighs the head 5 times the body (store/search.go), as bm25(5.0, 1.0)
-- does on SQLite.
--
-- Words are as FTS5's unicode61 tokenizer with remove_diacritics 2 makes them (categories
-- L* N* Co M*): runs of letters, digits and the marks inside them (so an Arabic word keeps its
-- harakat), folded to lower case without diacritics (café finds cafe); anything else, emoji and
-- punctuation included, parts them. search_plain turns every other character into a space
-- before PostgreSQL's parser reads the text, so that it never makes one token of a URL, a host,
-- a hyphenated word or "U.S."; the configuration citecheck folds each word with unaccent, then
-- lower case (simple). unaccent also folds Greek accents, which FTS5 keeps.
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH CONFIGURATION citecheck (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION citecheck
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword,
        numhword, hword_numpart
    WITH unaccent, simple;

-- search_plain keeps the words of t, each character that is not part of one made a space.
CREATE FUNCTION search_plain(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT regexp_replace(t, '[^[:alnum:]]+', ' ', 'g')
$$;

-- search_vector is the searchable form of a row of search_entries.
CREATE FUNCTION search_vector(head text, body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('citecheck', search_plain(head)), 'A')
        || setweight(to_tsvector('citecheck', search_plain(body)), 'D')
$$;

-- search_tsquery turns what a user typed ({"terms": [...], "prefix": bool}, from
-- store/search.go) into a query with no syntax of its own: each term is a phrase of the words in
-- it, all of them must match, and the last word of the last term matches as a prefix when
-- prefix is set. A query without a word (only punctuation) is NULL, which matches nothing.
CREATE FUNCTION search_tsquery(query text) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    terms  text[]  := ARRAY(SELECT jsonb_array_elements_text(query::jsonb -> 'terms'));
    prefix boolean := coalesce((query::jsonb ->> 'prefix')::boolean, false);
    last   int     := coalesce(array_length(terms, 1), 0);
    words  text[];
    n      int;
    part   tsquery;
    result tsquery;
BEGIN
    FOR i IN 1 .. last LOOP
        words := array_remove(regexp_split_to_array(btrim(search_plain(terms[i])), ' '), '');
        n := coalesce(array_length(words, 1), 0);
        CONTINUE WHEN n = 0;
        IF prefix AND i = last THEN
            -- A word of search_plain holds no quote or backslash, so it quotes as it is.
            part := to_tsquery('citecheck', '''' || words[n] || ''':*');
            IF n > 1 THEN
                part := tsquery_phrase(phraseto_tsquery('citecheck', array_to_string(words[1:n-1], ' ')), part);
            END IF;
        ELSE
            part := phraseto_tsquery('citecheck', array_to_string(words, ' '));
        END IF;
        result := CASE WHEN result IS NULL THEN part ELSE result && part END;
    END LOOP;
    RETURN result;
END;
$$;

-- search_snippet shows where q matches in t, as FTS5's snippet(..., char(57344), char(57345),
-- '…', 24) does: the 24 words of t that hold the most matching words (centred on them), each
-- match between the private-use markers U+E000 and U+E001 (citecheck.SnippetOpen and
-- SnippetClose), with '…' where t goes on. It reads t as search_plain does, runs of word
-- characters and runs of others, rather than through ts_headline, whose parser would take
-- markup, URLs and hosts as tokens of their own and miss the words in them.
CREATE FUNCTION search_snippet(t text, q tsquery) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    width CONSTANT int := 24;
    -- Any word of the query, prefixes kept: 'a' <-> 'b' & 'c':* becomes 'a' | 'b' | 'c':*.
    anyword tsquery := (SELECT string_agg(m[1], ' | ') FROM regexp_matches(q::text, '(''[^'']*''(?::\*)?)', 'g') AS m)::tsquery;
    runs  text[] := ARRAY(SELECT m[1] FROM regexp_matches(t, '([[:alnum:]]+|[^[:alnum:]]+)', 'g') AS m);
    hit   boolean[] := '{}'; -- per run: a word that matches
    word  int[] := '{}';     -- the run of each word
    n     int := 0;
    best  int := 1;
    most  int := -1;
    c     int;
    first int;
    last  int;
    out   text := '';
BEGIN
    FOR i IN 1 .. coalesce(array_length(runs, 1), 0) LOOP
        IF runs[i] ~ '^[[:alnum:]]' THEN
            n := n + 1;
            word := word || i;
            hit := hit || coalesce(to_tsvector('citecheck', runs[i]) @@ anyword, false);
        ELSE
            hit := hit || false;
        END IF;
    END LOOP;
    IF n <= width THEN
        first := 1;
        last := n;
    ELSE
        FOR s IN 1 .. n - width + 1 LOOP
            c := 0;
            FOR j IN s .. s + width - 1 LOOP
                IF hit[word[j]] THEN c := c + 1; END IF;
            END LOOP;
            IF c > most THEN most := c; best := s; END IF;
        END LOOP;
        -- Centre the matches of the best window in it, as FTS5 does.
        first := best;
        last := best + width - 1;
        WHILE first < last AND NOT hit[word[first]] LOOP first := first + 1; END LOOP;
        WHILE last > first AND NOT hit[word[last]] LOOP last := last - 1; END LOOP;
        IF most > 0 THEN
            best := greatest(1, least(n - width + 1, first - (width - (last - first + 1)) / 2));
        END IF;
        first := best;
        last := best + width - 1;
    END IF;
    IF first > 1 THEN out := '…'; END IF;
    FOR i IN CASE WHEN first <= 1 THEN 1 ELSE word[first] END
          .. CASE WHEN last >= n THEN coalesce(array_length(runs, 1), 0) ELSE word[last] END LOOP
        out := out || CASE WHEN hit[i] THEN chr(57344) || runs[i] || chr(57345) ELSE runs[i] END;
    END LOOP;
    IF last < n THEN out := out || '…'; END IF;
    RETURN out;
END;
$$;

CREATE TABLE search_entries (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    kind        TEXT    NOT NULL,
    object_id   BIGINT  NOT NULL,
    part        BIGINT  NOT NULL DEFAULT 0,
    document_id BIGINT  NOT NULL,
    start       BIGINT,
    "end"       BIGINT,
    head        TEXT    NOT NULL DEFAULT '',
    body        TEXT    NOT NULL DEFAULT '',
    tsv         tsvector GENERATED ALWAYS AS (search_vector(head, body)) STORED
);

CREATE INDEX search_entries_document ON search_entries (document_id, kind);
CREATE INDEX search_entries_object ON search_entries (kind, object_id);
CREATE INDEX search_entries_tsv ON search_entries USING gin (tsv);

-- index_references writes the rows of the entries of a document's reference list (the JSON of
-- documents.reference_list, NULL when it has none): an entry typed by hand has no span.
CREATE FUNCTION index_references(doc bigint, list text) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", head, body)
    SELECT 'reference', (e.v ->> 'number')::bigint, 0, doc,
        CASE WHEN coalesce((e.v ->> 'manual')::boolean, false) THEN NULL ELSE (e.v ->> 'start')::bigint END,
        CASE WHEN coalesce((e.v ->> 'manual')::boolean, false) THEN NULL ELSE (e.v ->> 'end')::bigint END,
        e.v ->> 'text', coalesce(e.v ->> 'url', '')
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(list::jsonb -> 'entries') = 'array'
        THEN list::jsonb -> 'entries' ELSE '[]' END) AS e(v)
$$;

-- Documents: the title and the entries of the reference list (the passages: indexPassages).
CREATE FUNCTION documents_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_entries (kind, object_id, part, document_id, head)
    VALUES ('document', NEW.id, 0, NEW.id, NEW.title);
    PERFORM index_references(NEW.id, NEW.reference_list);
    RETURN NULL;
END;
$$;

CREATE TRIGGER documents_search_insert AFTER INSERT ON documents
FOR EACH ROW EXECUTE FUNCTION documents_search_insert();

CREATE FUNCTION documents_search_title() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_entries SET head = NEW.title
    WHERE kind = 'document' AND object_id = NEW.id AND part = 0;
    RETURN NULL;
END;
$$;

CREATE TRIGGER documents_search_title AFTER UPDATE OF title ON documents
FOR EACH ROW EXECUTE FUNCTION documents_search_title();

CREATE FUNCTION documents_search_references() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_entries WHERE document_id = NEW.id AND kind = 'reference';
    PERFORM index_references(NEW.id, NEW.reference_list);
    RETURN NULL;
END;
$$;

CREATE TRIGGER documents_search_references AFTER UPDATE OF reference_list ON documents
FOR EACH ROW EXECUTE FUNCTION documents_search_references();

CREATE FUNCTION documents_search_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_entries WHERE document_id = OLD.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER documents_search_delete AFTER DELETE ON documents
FOR EACH ROW EXECUTE FUNCTION documents_search_delete();

-- Claims: the quote and the note, with the claim's span.
CREATE FUNCTION claims_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", head, body)
    VALUES ('claim', NEW.id, 0, NEW.document_id, NEW.start, NEW."end", NEW.quote, NEW.note);
    RETURN NULL;
END;
$$;

CREATE TRIGGER claims_search_insert AFTER INSERT ON claims
FOR EACH ROW EXECUTE FUNCTION claims_search_insert();

CREATE FUNCTION claims_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_entries SET start = NEW.start, "end" = NEW."end", head = NEW.quote, body = NEW.note
    WHERE kind = 'claim' AND object_id = NEW.id AND part = 0;
    RETURN NULL;
END;
$$;

CREATE TRIGGER claims_search_update AFTER UPDATE OF start, "end", quote, note ON claims
FOR EACH ROW EXECUTE FUNCTION claims_search_update();

CREATE FUNCTION claims_search_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_entries WHERE kind = 'claim' AND object_id = OLD.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER claims_search_delete AFTER DELETE ON claims
FOR EACH ROW EXECUTE FUNCTION claims_search_delete();

-- Sources are immutable: inserted (the passages: indexPassages), and deleted with their document.
CREATE FUNCTION sources_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_entries (kind, object_id, part, document_id, head, body)
    VALUES ('source', NEW.id, 0, NEW.document_id, NEW.title, NEW.url);
    RETURN NULL;
END;
$$;

CREATE TRIGGER sources_search_insert AFTER INSERT ON sources
FOR EACH ROW EXECUTE FUNCTION sources_search_insert();

CREATE FUNCTION sources_search_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_entries WHERE kind = 'source' AND object_id = OLD.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER sources_search_delete AFTER DELETE ON sources
FOR EACH ROW EXECUTE FUNCTION sources_search_delete();

-- What is there already; the passages of the texts are written by the store right after this
-- file, in its transaction (store/search.go, indexAllPassages).
INSERT INTO search_entries (kind, object_id, part, document_id, head)
SELECT 'document', id, 0, id, title FROM documents;

SELECT index_references(id, reference_list) FROM documents WHERE reference_list IS NOT NULL;

INSERT INTO search_entries (kind, object_id, part, document_id, start, "end", head, body)
SELECT 'claim', id, 0, document_id, start, "end", quote, note FROM claims;

INSERT INTO search_entries (kind, object_id, part, document_id, head, body)
SELECT 'source', id, 0, document_id, title, url FROM sources;
