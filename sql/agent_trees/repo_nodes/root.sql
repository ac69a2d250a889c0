-- The root node (no parent) of one repository branch.
-- returns: one RepoNode
SELECT
    id, parent_id, org, repo, branch, partition_type, name, summary, children_summaries,
    abs_path, created_at, modified_at
FROM repo_nodes
WHERE org = :org AND repo = :repo AND branch = :branch AND parent_id IS NULL
ORDER BY created_at, id
LIMIT 1;
