-- One repository node and every repository node under it, in the order they were created.
-- returns: many RepoNode
-- The rows are gathered in the recursion itself, each by an index (the
-- primary key, then parent_id), not joined back to the whole table after.
WITH RECURSIVE subtree (
    id, parent_id, org, repo, branch, partition_type, name, summary,
    children_summaries, abs_path, created_at, modified_at
) AS (
    SELECT
        n.id, n.parent_id, n.org, n.repo, n.branch, n.partition_type, n.name, n.summary,
        n.children_summaries, n.abs_path, n.created_at, n.modified_at
    FROM repo_nodes AS n WHERE n.id = :id
    UNION
    SELECT
        c.id, c.parent_id, c.org, c.repo, c.branch, c.partition_type, c.name, c.summary,
        c.children_summaries, c.abs_path, c.created_at, c.modified_at
    FROM repo_nodes AS c
    INNER JOIN subtree AS s ON c.parent_id = s.id
)

SELECT
    id, parent_id, org, repo, branch, partition_type, name, summary,
    children_summaries, abs_path, created_at, modified_at
FROM subtree
ORDER BY created_at, id
LIMIT :limit;
