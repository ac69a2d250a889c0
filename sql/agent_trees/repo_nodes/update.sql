-- Change the given fields of one repository node.
-- A field changes only when its set_<field> flag is true, so a nullable
-- field can be set to NULL; modified_at always changes.
-- returns: one RepoNode
UPDATE repo_nodes
SET
    org = CASE WHEN :set_org THEN :org ELSE org END,
    repo = CASE WHEN :set_repo THEN :repo ELSE repo END,
    branch = CASE WHEN :set_branch THEN :branch ELSE branch END,
    partition_type = CASE WHEN :set_partition_type THEN :partition_type ELSE partition_type END,
    name = CASE WHEN :set_name THEN :name ELSE name END,
    summary = CASE WHEN :set_summary THEN :summary ELSE summary END,
    children_summaries = CASE
        WHEN :set_children_summaries THEN :children_summaries ELSE children_summaries
    END,
    abs_path = CASE WHEN :set_abs_path THEN :abs_path ELSE abs_path END,
    parent_id = CASE WHEN :set_parent_id THEN :parent_id ELSE parent_id END,
    modified_at = :now
WHERE id = :id
RETURNING
    id, parent_id, org, repo, branch, partition_type, name, summary, children_summaries,
    abs_path, created_at, modified_at;
