-- Generations whose prompt matches a full-text query, best first: FTS5's bm25 (lower is better), then
-- id. :query is an FTS5 expression made by sqlstore.search; a page starts
-- after the (rank, id) of the last row of the page before (NULLs: the first page).
-- returns: many Generation
WITH hits AS (
    SELECT
        rowid AS fts_rowid,
        BM25(generations_fts) AS search_rank
    FROM generations_fts
    WHERE generations_fts MATCH :query
)

SELECT
    t.id, t.prompt, t.model_name, t.model_version, t.status, t.duration_seconds,
    t.sample_rate, t.channels, t.file_path, t.file_size_bytes, t.generation_time_seconds,
    t.error_message, t.metadata, t.created_at, t.completed_at,
    h.search_rank
FROM hits AS h
INNER JOIN generations AS t ON h.fts_rowid = t.rowid
WHERE
    :after_rank IS NULL
    OR h.search_rank > :after_rank
    OR (h.search_rank = :after_rank AND t.id > :after_id)
ORDER BY h.search_rank ASC, t.id ASC
LIMIT :limit;
