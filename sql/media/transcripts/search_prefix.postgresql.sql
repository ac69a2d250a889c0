-- Transcripts holding a word that starts with a prefix (and matching the whole
-- query: its exclusions), best first: the rank of a row is minus the BM25
-- saturation of the count of all its words in [:lo, :hi] (the prefix's words),
-- computed as transcript_terms computes one word's (docs/search.md#ranking),
-- from transcript_terms alone. :query is the to_tsquery text of the whole
-- query (sqlstore.search); a page starts after the (rank, id) of the last row
-- of the page before.
-- returns: many Transcript
WITH scored AS (
    SELECT
        p.transcript_id,
        -CAST(FLOOR(
            CAST(SUM(p.tf) AS DOUBLE PRECISION) * 2.2
            / (
                CAST(SUM(p.tf) AS DOUBLE PRECISION)
                + 1.2 * (0.25 + 0.75 * CAST(MAX(p.len) AS DOUBLE PRECISION) / 100.0)
            )
            * 1000000.0 + 0.5
        ) AS BIGINT) AS search_rank
    FROM transcript_terms AS p
    WHERE p.term BETWEEN :lo AND :hi
    GROUP BY p.transcript_id
)

SELECT
    t.id, t.model, t.media_id, t.transcript, t.segments, t.language, t.language_confidence,
    t.created_at, t.updated_at,
    CAST(r.search_rank AS DOUBLE PRECISION) AS search_rank
FROM (
    SELECT s.transcript_id, s.search_rank
    FROM scored AS s
    WHERE
        CAST(:after_rank AS BIGINT) IS NULL
        OR s.search_rank > CAST(:after_rank AS BIGINT)
        OR (s.search_rank = CAST(:after_rank AS BIGINT) AND s.transcript_id > :after_id)
    ORDER BY s.search_rank ASC, s.transcript_id ASC
) AS r
CROSS JOIN LATERAL (
    -- LATERAL: the rows are read in rank order and the page stops the walk.
    SELECT
        x.id, x.model, x.media_id, x.transcript, x.segments, x.language,
        x.language_confidence, x.created_at, x.updated_at
    FROM transcripts AS x
    WHERE x.id = r.transcript_id AND x.search @@ TO_TSQUERY('simple', :query)
) AS t
ORDER BY r.search_rank ASC, r.transcript_id ASC
LIMIT :limit;
