-- Set the status and result of the tasks selected by an id list (:by_ids)
-- and the filters, as tasks.set_status does for one (progress is kept);
-- returns the number changed.
-- reviewed: full-scan: optional filters (NULL: any); each may be served by its own index, none by all
UPDATE tasks
SET
    status = :new_status,
    result = :result,
    completed_at = CASE
        WHEN :new_status IN ('completed', 'failed') THEN :now ELSE completed_at
    END,
    assigned_at = CASE WHEN :new_status = 'assigned' THEN :now ELSE assigned_at END,
    num_retries = CASE
        WHEN :new_status = 'assigned' THEN num_retries + 1 ELSE num_retries
    END,
    updated_at = :now
WHERE
    (NOT :by_ids OR id = ANY(:ids))
    AND (CAST(:user_id AS TEXT) IS NULL OR user_id = :user_id)
    AND (CAST(:status AS TEXT) IS NULL OR status = :status)
    AND created_at < :created_before;
