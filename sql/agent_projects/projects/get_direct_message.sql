-- The direct-message project of one operator.
-- returns: one Project
SELECT
    id, orchestrator_id, name, executive_id, developer_id, direct_message_operator_id,
    created_at, modified_at
FROM projects
WHERE direct_message_operator_id = :operator_id;
