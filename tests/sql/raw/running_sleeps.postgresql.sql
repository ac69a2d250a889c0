-- Test only: how many other sessions of this database are running a pg_sleep now.
SELECT COUNT(*) AS n
FROM pg_stat_activity
WHERE
    datname = CURRENT_DATABASE()
    AND pid <> PG_BACKEND_PID()
    AND state = 'active'
    AND query ILIKE '%pg_sleep%';
