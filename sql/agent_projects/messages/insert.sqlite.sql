-- Append one message to a project; returns the stored row. seq is the order
-- messages were appended in: the next number, taken under the write lock
-- every write session holds.
-- returns: one Message
INSERT INTO messages (
    id, seq, project_id, user_id, operator_id, type, content, prompt, status, created_at,
    modified_at
) VALUES (
    :id,
    (SELECT COALESCE(MAX(m.seq), 0) + 1 FROM messages AS m),
    :project_id, :user_id, :operator_id, :type, :content, :prompt, :status, :now, :now
)
RETURNING
    id, seq, project_id, user_id, operator_id, type, content, prompt, status, created_at,
    modified_at;
