-- Projects in the order they were created, of one orchestrator (NULL: every
-- one); direct-message projects only when asked for.
-- returns: many Project
-- reviewed: full-scan: an optional filter (NULL: any) is planned for both cases; no index serves it
SELECT
    id, orchestrator_id, name, executive_id, developer_id, direct_message_operator_id,
    created_at, modified_at
FROM projects
WHERE
    orchestrator_id = COALESCE(:orchestrator_id, orchestrator_id)
    AND (:include_direct_messages OR direct_message_operator_id IS NULL)
ORDER BY created_at, id
LIMIT :limit OFFSET :offset;
