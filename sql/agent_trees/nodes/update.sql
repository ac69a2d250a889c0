-- Change the given fields of one node.
-- A field changes only when its set_<field> flag is true, so a nullable
-- field can be set to NULL; modified_at always changes.
-- returns: one Node
UPDATE nodes
SET
    parent_id = CASE WHEN :set_parent_id THEN :parent_id ELSE parent_id END,
    modified_at = :now
WHERE id = :id
RETURNING
    id, parent_id, created_at, modified_at;
