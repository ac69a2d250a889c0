-- One project (not a direct-message one) of an orchestrator by name.
-- returns: one Project
SELECT
    id, orchestrator_id, name, executive_id, developer_id, direct_message_operator_id,
    created_at, modified_at
FROM projects
WHERE
    orchestrator_id = :orchestrator_id
    AND name = :name
    AND direct_message_operator_id IS NULL;
