-- One of a user's tools by name (the oldest if the user has two of one name).
-- returns: one Tool
SELECT
    t.id, t.name, t.created_at, t.modified_at
FROM tools AS t
INNER JOIN user_tools AS l ON t.id = l.tool_id
WHERE l.user_id = :user_id AND t.name = :name
ORDER BY t.created_at, t.id
LIMIT 1;
