-- The tools linked to one user, in the order they were linked.
-- returns: many Tool
SELECT
    t.id, t.name, t.created_at, t.modified_at
FROM tools AS t
INNER JOIN user_tools AS l ON t.id = l.tool_id
WHERE l.user_id = :user_id
ORDER BY l.created_at, t.id
LIMIT :limit OFFSET :offset;
