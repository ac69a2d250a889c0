-- Transcripts matching a full-text query, best first (docs/search.md#ranking):
-- the GIN index finds the matches (:query, to_tsquery text made by
-- sqlstore.search), or, for a query with a phrase, the index of word pairs
-- finds the transcripts that hold it (:pairs; NULL when there is none). Each
-- match is scored from transcript_terms. :unit_lo and :unit_hi are the query's
-- words and prefixes, each a [lo, hi] range of words; a row's score is the sum
-- over them of round(idf x q), q the rounded BM25 saturation (x 1,000,000) of
-- the row's count of the unit's words, idf = ln(1 + (10000 - df + 0.5) /
-- (df + 0.5)) with df the unit's rows in transcript_terms counted up to 10,000
-- (1 when :single, a query of one unit). The rank is minus the score; a page
-- starts after the (rank, id) of the last row of the page before (NULLs: the
-- first page).
-- returns: many Transcript
WITH units AS (
    -- One UNNEST of an array: the planner knows how many units there are.
    SELECT
        u.lo,
        (CAST(:unit_hi AS TEXT[]))[u.n] AS hi
    FROM UNNEST(CAST(:unit_lo AS TEXT[])) WITH ORDINALITY AS u (lo, n)
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
            ELSE LN(
                1 + (10000.0 - CAST(df AS DOUBLE PRECISION) + 0.5)
                / (CAST(df AS DOUBLE PRECISION) + 0.5)
            )
        END AS idf
    FROM counted
),

candidates AS MATERIALIZED (
    -- With a phrase (:pairs, the adjacent word pairs of the query's phrases):
    -- the transcripts holding every pair, from ix_transcripts_pairs (migration
    -- 0008), so only those have their tsvector read. MATERIALIZED keeps the @@
    -- below out of this scan: ANDed with the tsvector index, the recheck of each
    -- row would compute TRANSCRIPT_PAIRS again.
    SELECT x.id, x.search FROM transcripts AS x
    WHERE
        CAST(:pairs AS TEXT[]) IS NOT NULL
        AND TRANSCRIPT_PAIRS(x.search) @> CAST(:pairs AS TEXT[])
),

hits AS (
    SELECT x.id FROM transcripts AS x
    WHERE CAST(:pairs AS TEXT[]) IS NULL AND x.search @@ TO_TSQUERY('simple', :query)
    UNION ALL
    SELECT c.id FROM candidates AS c WHERE c.search @@ TO_TSQUERY('simple', :query)
),

scored AS (
    -- A score per match, with no GROUP BY over the matches: the bitmap scan that
    -- finds them stays the plan. LATERAL: each unit's rows of the match, found by
    -- the index on (transcript_id, term).
    SELECT
        h.id,
        -(
            SELECT
                COALESCE(SUM(CAST(FLOOR(
                    w.idf * FLOOR(
                        CAST(u.tf AS DOUBLE PRECISION) * 2.2
                        / (
                            CAST(u.tf AS DOUBLE PRECISION)
                            + 1.2 * (0.25 + 0.75 * CAST(u.len AS DOUBLE PRECISION) / 100.0)
                        )
                        * 1000000.0 + 0.5
                    ) + 0.5
                ) AS BIGINT)), 0)
            FROM weights AS w
            CROSS JOIN LATERAL (
                SELECT
                    SUM(p.tf) AS tf,
                    MAX(p.len) AS len
                FROM transcript_terms AS p
                WHERE p.transcript_id = h.id AND p.term BETWEEN w.lo AND w.hi
            ) AS u
        ) AS search_rank
    FROM hits AS h
),

page AS (
    -- The page first, then its rows: a transcript is read only if it is on the page.
    SELECT s.id, s.search_rank
    FROM scored AS s
    WHERE
        CAST(:after_rank AS BIGINT) IS NULL
        OR s.search_rank > CAST(:after_rank AS BIGINT)
        OR (s.search_rank = CAST(:after_rank AS BIGINT) AND s.id > :after_id)
    ORDER BY s.search_rank ASC, s.id ASC
    LIMIT :limit
)

SELECT
    t.id, t.model, t.media_id, t.transcript, t.segments, t.language, t.language_confidence,
    t.created_at, t.updated_at,
    CAST(g.search_rank AS DOUBLE PRECISION) AS search_rank
FROM page AS g
INNER JOIN transcripts AS t ON g.id = t.id
ORDER BY g.search_rank ASC, g.id ASC;
