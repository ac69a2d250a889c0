-- One project by id of one orchestrator.
-- returns: one Project
SELECT
    id, orchestrator_id, name, executive_id, developer_id, direct_message_operator_id,
    created_at, modified_at
FROM projects
WHERE id = :id AND orchestrator_id = :orchestrator_id;
