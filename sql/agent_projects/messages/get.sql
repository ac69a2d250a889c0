-- One message by id.
-- returns: one Message
SELECT
    id, seq, project_id, user_id, operator_id, type, content, prompt, status, created_at,
    modified_at
FROM messages
WHERE id = :id;
