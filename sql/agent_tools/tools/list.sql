-- Tools in the order they were created (offset paging).
-- returns: many Tool
SELECT
    id, name, created_at, modified_at
FROM tools
ORDER BY created_at, id
LIMIT :limit OFFSET :offset;
