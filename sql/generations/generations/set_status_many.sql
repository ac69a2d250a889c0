-- Move the generations selected by an id list (:by_ids) and the filters to
-- :new_status, all or none: if one of them is in a status it may not move
-- from (not in :from_statuses), none moves and GenerationDAO.set_status_many
-- refuses the call. A finished status stamps completed_at. Returns the number moved.
-- reviewed: full-scan: optional filters (NULL: any); each may be served by its own index, none by all
UPDATE generations
SET
    status = :new_status,
    error_message = :error_message,
    completed_at = CASE
        WHEN :new_status IN ('completed', 'failed') THEN :now ELSE completed_at
    END
WHERE
    (NOT :by_ids OR id = ANY(:ids))
    AND (CAST(:status AS TEXT) IS NULL OR status = :status)
    AND created_at < :created_before
    AND status = ANY(:from_statuses)
    AND NOT EXISTS (
        SELECT 1
        FROM generations AS stuck
        WHERE
            stuck.status <> ALL(:from_statuses)
            AND (NOT :by_ids OR stuck.id = ANY(:ids))
            AND (CAST(:status AS TEXT) IS NULL OR stuck.status = :status)
            AND stuck.created_at < :created_before
    );
