-- Delete the generations selected by an id list (:by_ids) and the filters;
-- returns the number deleted.
-- reviewed: full-scan: optional filters (NULL: any); each may be served by its own index, none by all
DELETE FROM generations
WHERE
    (NOT :by_ids OR id = ANY(:ids))
    AND (CAST(:status AS TEXT) IS NULL OR status = :status)
    AND created_at < :created_before;
