-- Insert one operator; returns the stored row. The name must be unique in the
-- orchestrator. Its direct-message project does not exist yet: the DAO
-- inserts it next, in the same transaction.
-- returns: one Operator
INSERT INTO operators (
    id, orchestrator_id, name, title, instructions, profile_picture_url, created_at,
    modified_at
) VALUES (
    :id, :orchestrator_id, :name, :title, :instructions, :profile_picture_url, :now, :now
)
RETURNING
    id, orchestrator_id, name, title, instructions, profile_picture_url, created_at,
    modified_at,
    NULL AS direct_message_project_id;
