-- One task by id.
-- returns: one Task
SELECT
    id, endpoint, data, status, priority, progress, result, num_retries, user_id,
    assigned_at, completed_at, created_at, updated_at
FROM tasks
WHERE id = :id;
