-- One tool by id.
SELECT
    id, name, created_at, modified_at
FROM tools
WHERE id = :id;
