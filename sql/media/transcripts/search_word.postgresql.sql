-- Transcripts holding one word (and matching the whole query: its exclusions),
-- best first: the word's rows in transcript_terms are in rank order, so a page
-- reads a page of them however many transcripts hold the word. :term is the
-- word, :query the to_tsquery text of the whole query (sqlstore.search); a
-- page starts after the (rank, id) of the last row of the page before.
-- returns: many Transcript
SELECT
    t.id, t.model, t.media_id, t.transcript, t.segments, t.language, t.language_confidence,
    t.created_at, t.updated_at,
    CAST(p.search_rank AS DOUBLE PRECISION) AS search_rank
FROM transcript_terms AS p
CROSS JOIN LATERAL (
    -- LATERAL: the rows are read in rank order and the page stops the walk.
    SELECT
        x.id, x.model, x.media_id, x.transcript, x.segments, x.language,
        x.language_confidence, x.created_at, x.updated_at
    FROM transcripts AS x
    WHERE x.id = p.transcript_id AND x.search @@ TO_TSQUERY('simple', :query)
) AS t
WHERE
    p.term = :term
    AND (
        CAST(:after_rank AS BIGINT) IS NULL
        OR p.search_rank > CAST(:after_rank AS BIGINT)
        OR (p.search_rank = CAST(:after_rank AS BIGINT) AND p.transcript_id > :after_id)
    )
ORDER BY p.search_rank ASC, p.transcript_id ASC
LIMIT :limit;
