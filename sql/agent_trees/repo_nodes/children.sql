-- The children of one repository node, in the order they were created.
-- returns: many RepoNode
SELECT
    id, parent_id, org, repo, branch, partition_type, name, summary, children_summaries,
    abs_path, created_at, modified_at
FROM repo_nodes
WHERE parent_id = :parent_id
ORDER BY created_at, id
LIMIT :limit OFFSET :offset;
