-- The users one tool is linked to, in the order they were linked.
-- returns: many User
SELECT
    o.id, o.first_name, o.last_name, o.email, o.profile_picture_url, o.created_at,
    o.modified_at
FROM users AS o
INNER JOIN user_tools AS l ON o.id = l.user_id
WHERE l.tool_id = :tool_id
ORDER BY l.created_at, o.id
LIMIT :limit OFFSET :offset;
