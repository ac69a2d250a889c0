-- Insert one log line; returns the stored row.
-- returns: one Log
INSERT INTO logs (
    id, level, message, created_at, modified_at
) VALUES (
    :id, :level, :message, :now, :now
)
RETURNING
    id, level, message, created_at, modified_at;
