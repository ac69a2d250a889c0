-- Insert one orchestrator; returns the stored row.
-- The name must be unique for the user.
-- returns: one Orchestrator
INSERT INTO orchestrators (
    id, user_id, type, name, created_at, modified_at
) VALUES (
    :id, :user_id, :type, :name, :now, :now
)
RETURNING
    id, user_id, type, name, created_at, modified_at;
