-- One node and every node under it, in the order they were created.
-- returns: many Node
-- The rows are gathered in the recursion itself, each by an index (the
-- primary key, then parent_id), not joined back to the whole table after.
WITH RECURSIVE subtree (id, parent_id, created_at, modified_at) AS (
    SELECT n.id, n.parent_id, n.created_at, n.modified_at
    FROM nodes AS n WHERE n.id = :id
    UNION
    SELECT c.id, c.parent_id, c.created_at, c.modified_at
    FROM nodes AS c
    INNER JOIN subtree AS s ON c.parent_id = s.id
)

SELECT
    id, parent_id, created_at, modified_at
FROM subtree
ORDER BY created_at, id
LIMIT :limit;
