-- Of the generations selected by an id list (:by_ids) and the filters, those
-- that may not move (their status is not in :from_statuses): why
-- GenerationDAO.set_status_many refused. Up to 10, with their status.
-- reviewed: full-scan: optional filters (NULL: any); each may be served by its own index, none by all
SELECT id, status
FROM generations
WHERE
    status <> ALL(:from_statuses)
    AND (NOT :by_ids OR id = ANY(:ids))
    AND (CAST(:status AS TEXT) IS NULL OR status = :status)
    AND created_at < :created_before
ORDER BY id
LIMIT 10;
