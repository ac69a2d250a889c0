-- Transcripts holding a word that starts with a prefix (and matching the whole
-- query: its exclusions), best first: the rank of a row is minus the BM25
-- saturation of the count of all its words in [:lo, :hi] (the prefix's words),
-- computed as transcript_terms computes one word's (docs/search.md#ranking),
-- from transcript_terms alone. :query is the FTS5 expression of the whole query
-- (sqlstore.search); a page starts after the (rank, id) of the last row of the
-- page before.
-- returns: many Transcript
WITH hits AS MATERIALIZED (
    SELECT transcripts_fts.rowid AS id FROM transcripts_fts WHERE transcripts_fts MATCH :query
),

scored AS (
    SELECT
        p.transcript_id,
        -CAST(FLOOR(
            SUM(p.tf) * 2.2 / (SUM(p.tf) + 1.2 * (0.25 + 0.75 * MAX(p.len) / 100.0))
            * 1000000.0 + 0.5
        ) AS INTEGER) AS search_rank
    FROM transcript_terms AS p
    WHERE p.term BETWEEN :lo AND :hi
    GROUP BY p.transcript_id
),

page AS (
    -- The page first, then its rows: a transcript is read only if it is on the page.
    SELECT s.transcript_id, s.search_rank
    FROM scored AS s
    INNER JOIN hits AS h ON s.transcript_id = h.id
    WHERE
        :after_rank IS NULL
        OR s.search_rank > :after_rank
        OR (s.search_rank = :after_rank AND s.transcript_id > :after_id)
    ORDER BY s.search_rank ASC, s.transcript_id ASC
    LIMIT :limit
)

SELECT
    t.id, t.model, t.media_id, t.transcript, t.segments, t.language, t.language_confidence,
    t.created_at, t.updated_at,
    CAST(g.search_rank AS REAL) AS search_rank
FROM page AS g
INNER JOIN transcripts AS t ON g.transcript_id = t.id
ORDER BY g.search_rank ASC, g.transcript_id ASC;
