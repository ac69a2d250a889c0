-- One tool by id.
-- returns: one Tool
SELECT
    id, name, created_at, modified_at
FROM tools
WHERE id = :id;
