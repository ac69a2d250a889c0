-- One node by id.
SELECT
    id, parent_id, created_at, modified_at
FROM nodes
WHERE id = :id;
