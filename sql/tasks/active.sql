-- The tasks workers hold (assigned or running), oldest first.
-- returns: many Task
SELECT
    id, endpoint, data, status, priority, progress, result, num_retries, user_id,
    assigned_at, completed_at, created_at, updated_at
FROM tasks
WHERE status IN ('assigned', 'running')
ORDER BY created_at ASC, id ASC;
