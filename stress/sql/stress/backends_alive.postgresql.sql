-- How many of the given server processes are still running.
SELECT COUNT(*) AS alive
FROM pg_catalog.pg_stat_activity
WHERE pid = ANY(:pids);
