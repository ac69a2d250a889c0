-- Change the given fields of one project of one orchestrator.
-- A field changes only when its set_<field> flag is true, so a nullable
-- field can be set to NULL; modified_at always changes.
-- returns: one Project
UPDATE projects
SET
    name = CASE WHEN :set_name THEN :name ELSE name END,
    executive_id = CASE WHEN :set_executive_id THEN :executive_id ELSE executive_id END,
    developer_id = CASE WHEN :set_developer_id THEN :developer_id ELSE developer_id END,
    modified_at = :now
WHERE id = :id AND orchestrator_id = :orchestrator_id
RETURNING
    id, orchestrator_id, name, executive_id, developer_id, direct_message_operator_id,
    created_at, modified_at;
