-- Transcripts matching a full-text query, best first (docs/search.md#ranking):
-- FTS5 finds the matches (:query, an FTS5 expression made by sqlstore.search);
-- each is scored from transcript_terms. :unit_lo and :unit_hi are the
-- query's words and prefixes, each a [lo, hi] range of words; a row's score is the sum over them
-- of round(idf x q), q the rounded BM25 saturation (x 1,000,000) of the row's
-- count of the unit's words, idf = ln(1 + (10000 - df + 0.5) / (df + 0.5)) with
-- df the unit's rows in transcript_terms counted up to 10,000 (1 when :single,
-- a query of one unit). The rank is minus the score; a page starts after the
-- (rank, id) of the last row of the page before (NULLs: the first page).
-- returns: many Transcript
WITH units AS (
    SELECT
        lo.value AS lo,
        hi.value AS hi
    FROM JSON_EACH(:unit_lo) AS lo
    INNER JOIN JSON_EACH(:unit_hi) AS hi ON lo.key = hi.key
),

counted AS MATERIALIZED (
    SELECT
        units.lo,
        units.hi,
        (
            SELECT COUNT(*) FROM (
                SELECT 1 FROM transcript_terms AS c
                WHERE c.term BETWEEN units.lo AND units.hi
                -- Any 10,000 of them: only how many there are counts.
                LIMIT 10000 -- noqa: AM09
            ) AS firsts
        ) AS df
    FROM units
),

weights AS MATERIALIZED (
    SELECT
        lo,
        hi,
        CASE
            WHEN :single THEN 1.0
            ELSE LN(1 + (10000.0 - CAST(df AS REAL) + 0.5) / (CAST(df AS REAL) + 0.5))
        END AS idf
    FROM counted
),

hits AS (
    SELECT transcripts_fts.rowid AS id FROM transcripts_fts WHERE transcripts_fts MATCH :query
),

per_unit AS (
    SELECT
        h.id,
        w.idf,
        SUM(p.tf) AS tf,
        MAX(p.len) AS len
    FROM hits AS h
    CROSS JOIN weights AS w
    -- Each match's own rows, by (transcript_id, term): without statistics (a
    -- new database) SQLite would scan the table. (sqlfluff cannot parse
    -- INDEXED BY, and then takes the ON for a cross join: hence the noqa.)
    INNER JOIN transcript_terms AS p INDEXED BY ix_transcript_terms_transcript_id -- noqa: PRS, AM08
        ON h.id = p.transcript_id AND p.term BETWEEN w.lo AND w.hi
    GROUP BY h.id, w.lo, w.hi, w.idf
),

scored AS (
    SELECT
        h.id,
        -COALESCE(SUM(CAST(FLOOR(
            u.idf * FLOOR(
                u.tf * 2.2 / (u.tf + 1.2 * (0.25 + 0.75 * u.len / 100.0)) * 1000000.0 + 0.5
            ) + 0.5
        ) AS INTEGER)), 0) AS search_rank
    FROM hits AS h
    LEFT JOIN per_unit AS u ON h.id = u.id
    GROUP BY h.id
),

page AS (
    -- The page first, then its rows: a transcript is read only if it is on the page.
    SELECT s.id, s.search_rank
    FROM scored AS s
    WHERE
        :after_rank IS NULL
        OR s.search_rank > :after_rank
        OR (s.search_rank = :after_rank AND s.id > :after_id)
    ORDER BY s.search_rank ASC, s.id ASC
    LIMIT :limit
)

SELECT
    t.id, t.model, t.media_id, t.transcript, t.segments, t.language, t.language_confidence,
    t.created_at, t.updated_at,
    CAST(g.search_rank AS REAL) AS search_rank
FROM page AS g
INNER JOIN transcripts AS t ON g.id = t.id
ORDER BY g.search_rank ASC, g.id ASC;
