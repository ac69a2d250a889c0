-- Log lines oldest first (offset paging).
-- returns: many Log
SELECT
    id, level, message, created_at, modified_at
FROM logs
ORDER BY created_at, id
LIMIT :limit OFFSET :offset;
