-- How many webhooks there are: of one user (:user_id), the system-wide ones
-- (:system_wide), or all.
-- reviewed: full-scan: an optional filter (NULL: any) is planned for both cases; no index serves it
SELECT COUNT(*) AS n
FROM webhooks
WHERE
    (CAST(:user_id AS TEXT) IS NULL OR user_id = :user_id)
    AND (NOT :system_wide OR user_id IS NULL);
