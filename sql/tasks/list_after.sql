-- The page of tasks after the row (:after_created_at, :after_id), newest
-- first, optionally of one user and one status (keyset paging).
-- returns: many Task
SELECT
    id, endpoint, data, status, priority, progress, result, num_retries, user_id,
    assigned_at, completed_at, created_at, updated_at
FROM tasks
WHERE
    (CAST(:user_id AS TEXT) IS NULL OR user_id = :user_id)
    AND (CAST(:status AS TEXT) IS NULL OR status = :status)
    AND (created_at, id) < (:after_created_at, :after_id)
ORDER BY created_at DESC, id DESC
LIMIT :limit;
