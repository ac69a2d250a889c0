-- Delete the webhooks selected by an id list (:by_ids) and, optionally, of
-- one user; returns the number deleted.
-- reviewed: full-scan: optional filters (NULL: any); each may be served by its own index, none by all
DELETE FROM webhooks
WHERE
    (NOT :by_ids OR id = ANY(:ids))
    AND (CAST(:user_id AS TEXT) IS NULL OR user_id = :user_id);
