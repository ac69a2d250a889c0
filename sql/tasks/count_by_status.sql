-- How many tasks there are of each status, optionally of one user.
-- reviewed: full-scan: an optional filter (NULL: any) is planned for both cases; no index serves it
SELECT status, COUNT(*) AS n
FROM tasks
WHERE CAST(:user_id AS TEXT) IS NULL OR user_id = :user_id
GROUP BY status;
