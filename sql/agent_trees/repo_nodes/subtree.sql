-- One repository node and every repository node under it, in the order they were created.
-- returns: many RepoNode
WITH RECURSIVE subtree (id) AS (
    SELECT n.id FROM repo_nodes AS n WHERE n.id = :id
    UNION
    SELECT c.id
    FROM repo_nodes AS c
    INNER JOIN subtree AS s ON c.parent_id = s.id
)

SELECT
    n.id, n.parent_id, n.org, n.repo, n.branch, n.partition_type, n.name, n.summary,
    n.children_summaries, n.abs_path, n.created_at, n.modified_at
FROM repo_nodes AS n
INNER JOIN subtree AS s ON n.id = s.id
ORDER BY n.created_at, n.id
LIMIT :limit;
