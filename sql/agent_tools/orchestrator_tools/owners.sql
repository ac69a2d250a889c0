-- The orchestrators one tool is linked to, in the order they were linked.
-- returns: many Orchestrator
SELECT
    o.id, o.user_id, o.type, o.name, o.created_at, o.modified_at
FROM orchestrators AS o
INNER JOIN orchestrator_tools AS l ON o.id = l.orchestrator_id
WHERE l.tool_id = :tool_id
ORDER BY l.created_at, o.id
LIMIT :limit OFFSET :offset;
