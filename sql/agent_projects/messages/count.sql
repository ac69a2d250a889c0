-- How many messages a project has.
SELECT COUNT(*) AS n
FROM messages
WHERE project_id = :project_id;
