-- One log line by id.
SELECT
    id, level, message, created_at, modified_at
FROM logs
WHERE id = :id;
