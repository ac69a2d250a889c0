-- Prompts newest first (by id); keyset paging: the page of ids below
-- :after_id, at most :limit rows.
-- returns: many Prompt
SELECT id, text, used_count, first_used_at, last_used_at
FROM prompts
WHERE id < :after_id
ORDER BY id DESC
LIMIT :limit;
