-- The given messages, in the order they were appended.
-- returns: many Message
SELECT
    id, seq, project_id, user_id, operator_id, type, content, prompt, status, created_at,
    modified_at
FROM messages
WHERE id = ANY(:ids)
ORDER BY seq;
