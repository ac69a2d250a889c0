-- Prompts matching a full-text query, best first: FTS5's bm25 (lower is better), then
-- id. :query is an FTS5 expression made by sqlstore.search; a page starts
-- after the (rank, id) of the last row of the page before (NULLs: the first page).
-- returns: many Prompt
WITH hits AS (
    SELECT
        rowid AS fts_rowid,
        BM25(prompts_fts) AS search_rank
    FROM prompts_fts
    WHERE prompts_fts MATCH :query
)

SELECT
    t.id, t.text, t.used_count, t.first_used_at, t.last_used_at,
    h.search_rank
FROM hits AS h
INNER JOIN prompts AS t ON h.fts_rowid = t.id
WHERE
    :after_rank IS NULL
    OR h.search_rank > :after_rank
    OR (h.search_rank = :after_rank AND t.id > :after_id)
ORDER BY h.search_rank ASC, t.id ASC
LIMIT :limit;
