-- The children of one node, in the order they were created.
-- returns: many Node
SELECT
    id, parent_id, created_at, modified_at
FROM nodes
WHERE parent_id = :parent_id
ORDER BY created_at, id
LIMIT :limit OFFSET :offset;
