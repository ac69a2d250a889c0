-- Phrase search on PostgreSQL: the same words as SQLite's FTS5, and an index
-- of adjacent word pairs.
--
-- 1. The words. The 'simple' parser keeps tokens FTS5 splits: 'lo-fi' whole
--    beside 'lo' and 'fi' (so "chill lo-fi" is not the phrase chill, lo, fi),
--    '3.14' and 'v1.2' as one lexeme (so the query 3.14, the phrase 3, 14,
--    found nothing), e-mail addresses, paths and URLs. SEARCH_WORDS turns every
--    run of ASCII punctuation into a space first: what is left are the runs of
--    letters and digits that FTS5's unicode61 tokenizer makes of the same
--    text. The three search columns are added again with it (a rewrite of
--    each table under an ACCESS EXCLUSIVE lock: see 0006 and
--    docs/migrations.md for a large table), and transcript_terms, which
--    holds the words of transcripts.search, is filled again.
--
-- 2. The pairs. GIN on a tsvector keeps no positions: for a phrase of two
--    common words it returns every transcript holding both, and each one's
--    tsvector is read from the table to keep those holding the phrase (18,864
--    read to keep 510 in the bench's 100,000 transcripts). ix_transcripts_pairs
--    returns the transcripts holding each pair of a phrase ('w10 w11'). The
--    pairs come from the tsvector's positions by the rule the phrase operator
--    <-> uses (a word at p, the next at p + 1), so a transcript that matches
--    a phrase holds every pair of it: the index drops no match. SQLite's FTS5
--    index keeps positions and needs no such index.
-- depends: 0007_search_terms.postgresql
-- reviewed: dialects-differ (generations.search, prompts.search, transcripts.search, ix_generations_search, ix_prompts_search, ix_transcripts_search, ix_transcripts_pairs): SQLite keeps its search indexes in FTS5 tables, which keep word positions
-- squawk-ignore-file ban-drop-column -- reviewed: a generated column, added again at once from the same text
-- squawk-ignore-file adding-field-with-default -- reviewed: the rewrite is what fills existing rows (0006)
-- squawk-ignore-file prefer-robust-stmts -- reviewed: one transaction, all or nothing: never rerun half-done
-- squawk-ignore-file require-lock-timeout -- reviewed: set by the caller for a busy table (docs/migrations.md)
-- squawk-ignore-file require-statement-timeout -- reviewed: rewriting and indexing a large table takes its time
-- squawk-ignore-file require-concurrent-index-creation -- reviewed: not possible in a transaction (0006)

-- The searched words of a text: ASCII punctuation is a space, as in FTS5, and
-- so is a final sigma a sigma and the micro sign a mu (FTS5 folds them; lower()
-- does not). Only the first 250,000 characters: a tsvector holds at most 1 MB
-- of distinct words (4 bytes a character at most), and a longer one would
-- refuse the row itself. Text past that is stored, not searched.
CREATE FUNCTION SEARCH_WORDS(body TEXT) RETURNS TSVECTOR
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT TO_TSVECTOR(
        'simple',
        TRANSLATE(REGEXP_REPLACE(LEFT(body, 250000), '[!-/:-@[-`{-~]+', ' ', 'g'), 'ςµ', 'σμ')
    )
$$;

-- 0007's, without its filter of words made of letters and digits only: the
-- parser's compounds ('hip-hop') are gone, and a word with a combining mark
-- ('café' typed as e and an accent) is a word FTS5 keeps too.
CREATE OR REPLACE FUNCTION TRANSCRIPT_TERMS_OF(doc BIGINT, vector TSVECTOR)
RETURNS TABLE (term TEXT, search_rank BIGINT, transcript_id BIGINT, tf BIGINT, len BIGINT)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH words AS (
        SELECT w.lexeme, CAST(CARDINALITY(w.positions) AS BIGINT) AS tf
        FROM UNNEST(vector) AS w
    ),

    total AS (
        SELECT CAST(SUM(words.tf) AS DOUBLE PRECISION) AS len FROM words
    )

    SELECT
        words.lexeme,
        -CAST(FLOOR(
            CAST(words.tf AS DOUBLE PRECISION) * 2.2
            / (CAST(words.tf AS DOUBLE PRECISION) + 1.2 * (0.25 + 0.75 * total.len / 100.0))
            * 1000000.0 + 0.5
        ) AS BIGINT),
        doc,
        words.tf,
        CAST(total.len AS BIGINT)
    FROM words CROSS JOIN total
$$;

ALTER TABLE prompts DROP COLUMN search;
ALTER TABLE prompts ADD COLUMN search TSVECTOR
GENERATED ALWAYS AS (SEARCH_WORDS(text)) STORED;
CREATE INDEX ix_prompts_search ON prompts USING gin (search);

ALTER TABLE generations DROP COLUMN search;
ALTER TABLE generations ADD COLUMN search TSVECTOR
GENERATED ALWAYS AS (SEARCH_WORDS(prompt)) STORED;
CREATE INDEX ix_generations_search ON generations USING gin (search);

ALTER TABLE transcripts DROP COLUMN search;
ALTER TABLE transcripts ADD COLUMN search TSVECTOR
GENERATED ALWAYS AS (SEARCH_WORDS(transcript)) STORED;
CREATE INDEX ix_transcripts_search ON transcripts USING gin (search);

TRUNCATE transcript_terms;
INSERT INTO transcript_terms (term, search_rank, transcript_id, tf, len)
SELECT o.term, o.search_rank, o.transcript_id, o.tf, o.len
FROM transcripts AS t
CROSS JOIN LATERAL TRANSCRIPT_TERMS_OF(t.id, t.search) AS o;

-- The pairs of one transcript's tsvector, each 'word next': an array GIN
-- indexes (it keeps each pair once, so no DISTINCT here). Pairs of 200 bytes
-- or more are left out, as a GIN key has a size limit; a phrase with such a
-- pair is found through the words' index (sqlstore.search.MAX_PAIR_BYTES).
CREATE FUNCTION TRANSCRIPT_PAIRS(vector TSVECTOR) RETURNS TEXT[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT a.lexeme || ' ' || b.lexeme
        FROM (
            SELECT w.lexeme, UNNEST(w.positions) AS pos FROM UNNEST(vector) AS w
        ) AS a
        INNER JOIN (
            SELECT w.lexeme, UNNEST(w.positions) AS pos FROM UNNEST(vector) AS w
        ) AS b ON a.pos + 1 = b.pos
        WHERE OCTET_LENGTH(a.lexeme) + OCTET_LENGTH(b.lexeme) < 199
    )
$$;

CREATE INDEX ix_transcripts_pairs ON transcripts USING gin (TRANSCRIPT_PAIRS(search));
