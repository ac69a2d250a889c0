-- Insert one tool; returns the stored row.
-- returns: one Tool
INSERT INTO tools (
    id, name, created_at, modified_at
) VALUES (
    :id, :name, :now, :now
)
RETURNING
    id, name, created_at, modified_at;
