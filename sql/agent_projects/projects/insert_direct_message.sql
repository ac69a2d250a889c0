-- Insert the direct-message project of a new operator; returns the stored row.
-- The operator must be in the orchestrator.
INSERT INTO projects (
    id, orchestrator_id, name, executive_id, developer_id, direct_message_operator_id,
    created_at, modified_at
) VALUES (
    :id, :orchestrator_id, :name, NULL, NULL, :operator_id, :now, :now
)
RETURNING
    id, orchestrator_id, name, executive_id, developer_id, direct_message_operator_id,
    created_at, modified_at;
