-- Tasks newest first, optionally of one user and one status (offset paging).
-- returns: many Task
-- reviewed: full-scan: an optional filter (NULL: any) is planned for both cases; no index serves it
SELECT
    id, endpoint, data, status, priority, progress, result, num_retries, user_id,
    assigned_at, completed_at, created_at, updated_at
FROM tasks
WHERE
    (CAST(:user_id AS TEXT) IS NULL OR user_id = :user_id)
    AND (CAST(:status AS TEXT) IS NULL OR status = :status)
ORDER BY created_at DESC, id DESC
LIMIT :limit OFFSET :offset;
