-- The newest log lines, newest first.
-- returns: many Log
SELECT
    id, level, message, created_at, modified_at
FROM logs
ORDER BY created_at DESC, id DESC
LIMIT :limit;
