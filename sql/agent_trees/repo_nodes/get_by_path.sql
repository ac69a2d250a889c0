-- The node at one path of one repository branch.
-- returns: one RepoNode
SELECT
    id, parent_id, org, repo, branch, partition_type, name, summary, children_summaries,
    abs_path, created_at, modified_at
FROM repo_nodes
WHERE org = :org AND repo = :repo AND branch = :branch AND abs_path = :abs_path
ORDER BY created_at, id
LIMIT 1;
