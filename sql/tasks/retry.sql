-- Reset a failed task to created: progress 0, no result, no retries, no
-- assigned_at or completed_at. Any other status is left alone (no row back).
-- returns: one Task
UPDATE tasks
SET
    status = 'created',
    progress = 0,
    result = NULL,
    num_retries = 0,
    assigned_at = NULL,
    completed_at = NULL,
    updated_at = :now
WHERE id = :id AND status = 'failed'
RETURNING
    id, endpoint, data, status, priority, progress, result, num_retries, user_id,
    assigned_at, completed_at, created_at, updated_at;
