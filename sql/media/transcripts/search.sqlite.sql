-- Transcripts matching a full-text query, best first: FTS5's bm25 (lower is better), then
-- id. :query is an FTS5 expression made by sqlstore.search; a page starts
-- after the (rank, id) of the last row of the page before (NULLs: the first page).
-- returns: many Transcript
WITH hits AS (
    SELECT
        rowid AS fts_rowid,
        BM25(transcripts_fts) AS search_rank
    FROM transcripts_fts
    WHERE transcripts_fts MATCH :query
)

SELECT
    t.id, t.model, t.media_id, t.transcript, t.segments, t.language, t.language_confidence,
    t.created_at, t.updated_at,
    h.search_rank
FROM hits AS h
INNER JOIN transcripts AS t ON h.fts_rowid = t.id
WHERE
    :after_rank IS NULL
    OR h.search_rank > :after_rank
    OR (h.search_rank = :after_rank AND t.id > :after_id)
ORDER BY h.search_rank ASC, t.id ASC
LIMIT :limit;
