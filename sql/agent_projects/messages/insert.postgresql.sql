-- Append one message to a project; returns the stored row. seq is the
-- identity column: the order messages were appended in.
-- returns: one Message
INSERT INTO messages (
    id, project_id, user_id, operator_id, type, content, prompt, status, created_at,
    modified_at
) VALUES (
    :id, :project_id, :user_id, :operator_id, :type, :content, :prompt, :status, :now, :now
)
RETURNING
    id, seq, project_id, user_id, operator_id, type, content, prompt, status, created_at,
    modified_at;
