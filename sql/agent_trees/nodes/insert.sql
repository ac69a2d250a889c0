-- Insert one node; returns the stored row.
-- returns: one Node
INSERT INTO nodes (
    id, parent_id, created_at, modified_at
) VALUES (
    :id, :parent_id, :now, :now
)
RETURNING
    id, parent_id, created_at, modified_at;
