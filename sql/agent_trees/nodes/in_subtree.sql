-- Whether :candidate is :id itself or under it (moving :id under it would
-- make a cycle).
WITH RECURSIVE subtree (id) AS (
    SELECT n.id FROM nodes AS n WHERE n.id = :id
    UNION
    SELECT c.id
    FROM nodes AS c
    INNER JOIN subtree AS s ON c.parent_id = s.id
)

SELECT COUNT(*) AS n
FROM subtree
WHERE id = :candidate;
