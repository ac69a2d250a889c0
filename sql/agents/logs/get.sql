-- One log line by id.
-- returns: one Log
SELECT
    id, level, message, created_at, modified_at
FROM logs
WHERE id = :id;
