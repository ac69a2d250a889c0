-- An impact-ordered word index for transcript search, kept by triggers: one
-- row per (word, transcript) with the word's count (tf), the transcript's
-- length in words (len) and the word's score in the transcript as its rank
-- (minus the BM25 saturation of tf at length len, k1 = 1.2, b = 0.75, against
-- a fixed length of 100 words, times 1,000,000 and rounded: see
-- docs/search.md#ranking). The primary key is in rank order, so the best
-- transcripts for one word are the first rows of its range: a first page
-- reads a page of rows however many transcripts hold the word.
--
-- The words are FTS5's own (the unicode61 tokenizer of transcripts_fts): the
-- trigger indexes the new text alone in transcript_tokens (a contentless FTS5
-- table emptied first) and reads its words back through fts5vocab. Rows
-- already there are read from transcripts_fts's index.
-- depends: 0006_search.sqlite

CREATE TABLE transcript_terms (
    term TEXT NOT NULL,
    search_rank INTEGER NOT NULL,
    transcript_id INTEGER NOT NULL,
    tf INTEGER NOT NULL,
    len INTEGER NOT NULL,
    PRIMARY KEY (term, search_rank, transcript_id)
) WITHOUT ROWID;

CREATE INDEX ix_transcript_terms_transcript_id ON transcript_terms (transcript_id, term);

CREATE VIRTUAL TABLE transcript_tokens USING fts5 (
    transcript,
    content = '',
    tokenize = 'unicode61 remove_diacritics 0'
);

CREATE VIRTUAL TABLE transcript_tokens_words USING fts5vocab ('transcript_tokens', 'row');

CREATE TRIGGER trg_transcripts_terms_insert
AFTER INSERT ON transcripts
FOR EACH ROW
BEGIN
    INSERT INTO transcript_tokens (transcript_tokens) VALUES ('delete-all');
    INSERT INTO transcript_tokens (rowid, transcript) VALUES (1, new.transcript);
    INSERT INTO transcript_terms (term, search_rank, transcript_id, tf, len)
    SELECT
        w.term,
        -CAST(FLOOR(
            w.cnt * 2.2 / (w.cnt + 1.2 * (0.25 + 0.75 * w.len / 100.0)) * 1000000.0 + 0.5
        ) AS INTEGER) AS search_rank,
        new.id AS transcript_id,
        w.cnt AS tf,
        w.len
    -- A trigger takes no WITH: the length is a window over the one transcript's words.
    FROM (
        SELECT
            v.term,
            v.cnt,
            SUM(v.cnt) OVER () AS len
        FROM transcript_tokens_words AS v
    ) AS w;
END;

CREATE TRIGGER trg_transcripts_terms_delete
AFTER DELETE ON transcripts
FOR EACH ROW
BEGIN
    DELETE FROM transcript_terms WHERE transcript_id = old.id;
END;

CREATE TRIGGER trg_transcripts_terms_update
AFTER UPDATE OF transcript ON transcripts
FOR EACH ROW
BEGIN
    DELETE FROM transcript_terms WHERE transcript_id = old.id;
    INSERT INTO transcript_tokens (transcript_tokens) VALUES ('delete-all');
    INSERT INTO transcript_tokens (rowid, transcript) VALUES (1, new.transcript);
    INSERT INTO transcript_terms (term, search_rank, transcript_id, tf, len)
    SELECT
        w.term,
        -CAST(FLOOR(
            w.cnt * 2.2 / (w.cnt + 1.2 * (0.25 + 0.75 * w.len / 100.0)) * 1000000.0 + 0.5
        ) AS INTEGER) AS search_rank,
        new.id AS transcript_id,
        w.cnt AS tf,
        w.len
    -- A trigger takes no WITH: the length is a window over the one transcript's words.
    FROM (
        SELECT
            v.term,
            v.cnt,
            SUM(v.cnt) OVER () AS len
        FROM transcript_tokens_words AS v
    ) AS w;
END;

CREATE VIRTUAL TABLE transcripts_fts_instances USING fts5vocab (
    'transcripts_fts', 'instance'
);

INSERT INTO transcript_terms (term, search_rank, transcript_id, tf, len)
SELECT
    w.term,
    -CAST(FLOOR(
        w.tf * 2.2 / (w.tf + 1.2 * (0.25 + 0.75 * w.len / 100.0)) * 1000000.0 + 0.5
    ) AS INTEGER) AS search_rank,
    w.doc AS transcript_id,
    w.tf,
    w.len
FROM (
    SELECT
        i.doc,
        i.term,
        COUNT(*) AS tf,
        SUM(COUNT(*)) OVER (PARTITION BY i.doc) AS len
    FROM transcripts_fts_instances AS i
    GROUP BY i.doc, i.term
) AS w;

DROP TABLE transcripts_fts_instances;
