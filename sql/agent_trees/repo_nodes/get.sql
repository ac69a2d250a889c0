-- One repository node by id.
-- returns: one RepoNode
SELECT
    id, parent_id, org, repo, branch, partition_type, name, summary, children_summaries,
    abs_path, created_at, modified_at
FROM repo_nodes
WHERE id = :id;
