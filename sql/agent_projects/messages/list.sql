-- The messages of a project in the order they were appended, optionally of one
-- prompt; keyset paging: the page after seq :after_seq (0 for the first).
-- returns: many Message
SELECT
    id, seq, project_id, user_id, operator_id, type, content, prompt, status, created_at,
    modified_at
FROM messages
WHERE
    project_id = :project_id
    AND seq > :after_seq
    AND (CAST(:prompt AS TEXT) IS NULL OR prompt = :prompt)
ORDER BY seq
LIMIT :limit;
