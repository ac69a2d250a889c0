-- Of the tasks selected by an id list (:by_ids) and the filters, those a
-- worker holds (assigned or running): why TaskDAO.delete_many refused.
-- reviewed: full-scan: optional filters (NULL: any); each may be served by its own index, none by all
SELECT id
FROM tasks
WHERE
    status IN ('assigned', 'running')
    AND (NOT :by_ids OR id = ANY(:ids))
    AND (CAST(:user_id AS TEXT) IS NULL OR user_id = :user_id)
    AND (CAST(:status AS TEXT) IS NULL OR status = :status)
    AND created_at < :created_before
ORDER BY id
LIMIT 10;
