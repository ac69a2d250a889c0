-- How many tasks there are of each status, optionally of one user.
SELECT status, COUNT(*) AS n
FROM tasks
WHERE CAST(:user_id AS TEXT) IS NULL OR user_id = :user_id
GROUP BY status;
