-- End every other session on this database at once: what the app sees when
-- the server restarts, without restarting a server other things use.
SELECT
    pid,
    PG_TERMINATE_BACKEND(pid) AS terminated
FROM pg_catalog.pg_stat_activity
WHERE datname = CURRENT_DATABASE() AND pid != PG_BACKEND_PID();
