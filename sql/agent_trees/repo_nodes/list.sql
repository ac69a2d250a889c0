-- The nodes of one repository branch, by path.
-- returns: many RepoNode
SELECT
    id, parent_id, org, repo, branch, partition_type, name, summary, children_summaries,
    abs_path, created_at, modified_at
FROM repo_nodes
WHERE org = :org AND repo = :repo AND branch = :branch
ORDER BY abs_path, id
LIMIT :limit OFFSET :offset;
