-- The operators one tool is linked to, in the order they were linked.
-- returns: many Operator
SELECT
    o.id, o.orchestrator_id, o.name, o.title, o.instructions, o.profile_picture_url,
    o.created_at, o.modified_at,
    (
        SELECT p.id FROM projects AS p
        WHERE p.direct_message_operator_id = o.id
    ) AS direct_message_project_id
FROM operators AS o
INNER JOIN operator_tools AS l ON o.id = l.operator_id
WHERE l.tool_id = :tool_id
ORDER BY l.created_at, o.id
LIMIT :limit OFFSET :offset;
