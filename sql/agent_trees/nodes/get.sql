-- One node by id.
-- returns: one Node
SELECT
    id, parent_id, created_at, modified_at
FROM nodes
WHERE id = :id;
