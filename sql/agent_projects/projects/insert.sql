-- Insert one project; returns the stored row.
-- The name must be unique in the orchestrator (direct-message projects aside).
-- A direct-message project comes in with its operator (insert_direct_message).
-- returns: one Project
INSERT INTO projects (
    id, orchestrator_id, name, executive_id, developer_id, direct_message_operator_id,
    created_at, modified_at
) VALUES (
    :id, :orchestrator_id, :name, :executive_id, :developer_id, NULL, :now, :now
)
RETURNING
    id, orchestrator_id, name, executive_id, developer_id, direct_message_operator_id,
    created_at, modified_at;
