-- The nodes without a parent, in the order they were created.
-- returns: many Node
SELECT
    id, parent_id, created_at, modified_at
FROM nodes
WHERE parent_id IS NULL
ORDER BY created_at, id
LIMIT :limit OFFSET :offset;
