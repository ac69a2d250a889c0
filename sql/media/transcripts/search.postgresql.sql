-- Transcripts matching a full-text query, best first: minus ts_rank_cd with length
-- normalization 1 (lower is better), then id. :query is to_tsquery text made by
-- sqlstore.search; a page starts after the (rank, id) of the last row of the page
-- before (NULLs: the first page).
-- returns: many Transcript
WITH hits AS (
    SELECT
        id, model, media_id, transcript, segments, language, language_confidence,
            created_at, updated_at,
        CAST(-TS_RANK_CD(search, TO_TSQUERY('simple', :query), 1) AS DOUBLE PRECISION)
        AS search_rank
    FROM transcripts
    WHERE search @@ TO_TSQUERY('simple', :query)
)

SELECT
    id, model, media_id, transcript, segments, language, language_confidence,
    created_at, updated_at,
    search_rank
FROM hits
WHERE
    CAST(:after_rank AS DOUBLE PRECISION) IS NULL
    OR search_rank > :after_rank
    OR (search_rank = :after_rank AND id > :after_id)
ORDER BY search_rank ASC, id ASC
LIMIT :limit;
