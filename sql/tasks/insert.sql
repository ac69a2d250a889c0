-- Add one task to the queue as created; returns the stored row.
-- returns: one Task
INSERT INTO tasks (
    id, endpoint, data, status, priority, progress, num_retries, user_id,
    created_at, updated_at
) VALUES (
    :id, :endpoint, :data, 'created', :priority, 0, 0, :user_id,
    :now, :now
)
RETURNING
    id, endpoint, data, status, priority, progress, result, num_retries, user_id,
    assigned_at, completed_at, created_at, updated_at;
