-- Delete the tasks selected by an id list (:by_ids) and the filters, all or
-- none: if a worker holds one of them (assigned or running), none is deleted
-- and TaskDAO.delete_many refuses the call. Returns the number deleted.
-- reviewed: full-scan: optional filters (NULL: any); each may be served by its own index, none by all
DELETE FROM tasks
WHERE
    (NOT :by_ids OR id = ANY(:ids))
    AND (CAST(:user_id AS TEXT) IS NULL OR user_id = :user_id)
    AND (CAST(:status AS TEXT) IS NULL OR status = :status)
    AND created_at < :created_before
    AND status NOT IN ('assigned', 'running')
    AND NOT EXISTS (
        SELECT 1
        FROM tasks AS held
        WHERE
            held.status IN ('assigned', 'running')
            AND (NOT :by_ids OR held.id = ANY(:ids))
            AND (CAST(:user_id AS TEXT) IS NULL OR held.user_id = :user_id)
            AND (CAST(:status AS TEXT) IS NULL OR held.status = :status)
            AND held.created_at < :created_before
    );
