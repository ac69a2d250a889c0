-- An impact-ordered word index for transcript search, kept by a trigger: one
-- row per (word, transcript) with the word's count (tf), the transcript's
-- length in words (len) and the word's score in the transcript as its rank
-- (minus the BM25 saturation of tf at length len, k1 = 1.2, b = 0.75, against
-- a fixed length of 100 words, times 1,000,000 and rounded: see
-- docs/search.md#ranking). The primary key is in rank order, so the best
-- transcripts for one word are the first rows of its range: a first page
-- reads a page of rows however many transcripts hold the word.
--
-- The words are the lexemes of transcripts.search made of letters and digits
-- only: the 'simple' parser also keeps a hyphenated word whole beside its
-- parts ('hip-hop', 'hip', 'hop'), which SQLite's tokenizer does not, and the
-- query syntax never searches for. Rows already there are indexed here.
-- depends: 0006_search.postgresql
-- squawk-ignore-file prefer-robust-stmts -- reviewed: one transaction, all or nothing: never rerun half-done
-- squawk-ignore-file require-lock-timeout -- reviewed: set by the caller for a busy table (docs/migrations.md)
-- squawk-ignore-file require-statement-timeout -- reviewed: filling the index from a large table takes its time

CREATE TABLE transcript_terms (
    term TEXT COLLATE "C" NOT NULL,
    search_rank BIGINT NOT NULL,
    transcript_id BIGINT NOT NULL,
    tf BIGINT NOT NULL,
    len BIGINT NOT NULL,
    -- tf and len in both indexes too: a match is scored from an index alone.
    PRIMARY KEY (term, search_rank, transcript_id) INCLUDE (tf, len)
);

CREATE INDEX ix_transcript_terms_transcript_id ON transcript_terms (transcript_id, term)
INCLUDE (tf, len);

-- The rows of transcript_terms for one transcript's tsvector.
CREATE FUNCTION TRANSCRIPT_TERMS_OF(doc BIGINT, vector TSVECTOR)
RETURNS TABLE (term TEXT, search_rank BIGINT, transcript_id BIGINT, tf BIGINT, len BIGINT)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH words AS (
        SELECT w.lexeme, CAST(CARDINALITY(w.positions) AS BIGINT) AS tf
        FROM UNNEST(vector) AS w
        WHERE w.lexeme ~ '^[[:alnum:]]+$'
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

CREATE FUNCTION TRANSCRIPTS_SYNC_TERMS() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM transcript_terms WHERE transcript_terms.transcript_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO transcript_terms (term, search_rank, transcript_id, tf, len)
        SELECT o.term, o.search_rank, o.transcript_id, o.tf, o.len
        FROM TRANSCRIPT_TERMS_OF(NEW.id, NEW.search) AS o;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_transcripts_terms_insert
AFTER INSERT ON transcripts
FOR EACH ROW EXECUTE FUNCTION TRANSCRIPTS_SYNC_TERMS();

CREATE TRIGGER trg_transcripts_terms_delete
AFTER DELETE ON transcripts
FOR EACH ROW EXECUTE FUNCTION TRANSCRIPTS_SYNC_TERMS();

CREATE TRIGGER trg_transcripts_terms_update
AFTER UPDATE OF transcript ON transcripts
FOR EACH ROW EXECUTE FUNCTION TRANSCRIPTS_SYNC_TERMS();

INSERT INTO transcript_terms (term, search_rank, transcript_id, tf, len)
SELECT o.term, o.search_rank, o.transcript_id, o.tf, o.len
FROM transcripts AS t
CROSS JOIN LATERAL TRANSCRIPT_TERMS_OF(t.id, t.search) AS o;
