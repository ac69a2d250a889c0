-- Set a task's status and result, and its progress unless :progress is NULL
-- (as the SDK does, a NULL :result clears the result). completed and failed
-- stamp completed_at; assigned stamps assigned_at and counts a retry.
-- returns: one Task
UPDATE tasks
SET
    status = :status,
    progress = COALESCE(:progress, progress),
    result = :result,
    completed_at = CASE
        WHEN :status IN ('completed', 'failed') THEN :now ELSE completed_at
    END,
    assigned_at = CASE WHEN :status = 'assigned' THEN :now ELSE assigned_at END,
    num_retries = CASE WHEN :status = 'assigned' THEN num_retries + 1 ELSE num_retries END,
    updated_at = :now
WHERE id = :id
RETURNING
    id, endpoint, data, status, priority, progress, result, num_retries, user_id,
    assigned_at, completed_at, created_at, updated_at;
