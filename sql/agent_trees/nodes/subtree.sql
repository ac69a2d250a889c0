-- One node and every node under it, in the order they were created.
-- returns: many Node
WITH RECURSIVE subtree (id) AS (
    SELECT n.id FROM nodes AS n WHERE n.id = :id
    UNION
    SELECT c.id
    FROM nodes AS c
    INNER JOIN subtree AS s ON c.parent_id = s.id
)

SELECT
    n.id, n.parent_id, n.created_at, n.modified_at
FROM nodes AS n
INNER JOIN subtree AS s ON n.id = s.id
ORDER BY n.created_at, n.id
LIMIT :limit;
