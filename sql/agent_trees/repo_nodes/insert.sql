-- Insert one repository node; returns the stored row.
-- returns: one RepoNode
INSERT INTO repo_nodes (
    id, parent_id, org, repo, branch, partition_type, name, summary, children_summaries,
    abs_path, created_at, modified_at
) VALUES (
    :id, :parent_id, :org, :repo, :branch, :partition_type, :name, :summary,
    :children_summaries, :abs_path, :now, :now
)
RETURNING
    id, parent_id, org, repo, branch, partition_type, name, summary, children_summaries,
    abs_path, created_at, modified_at;
