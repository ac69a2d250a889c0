-- Operators in the order they were created, of one orchestrator (NULL: every one).
-- returns: many Operator
-- reviewed: full-scan: an optional filter (NULL: any) is planned for both cases; no index serves it
SELECT
    id, orchestrator_id, name, title, instructions, profile_picture_url, created_at,
    modified_at,
    (
        SELECT p.id FROM projects AS p
        WHERE p.direct_message_operator_id = operators.id
    ) AS direct_message_project_id
FROM operators
WHERE orchestrator_id = COALESCE(:orchestrator_id, orchestrator_id)
ORDER BY created_at, id
LIMIT :limit OFFSET :offset;
