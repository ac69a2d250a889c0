-- Test only: how many other sessions of this database are inside a transaction.
SELECT COUNT(*) AS n
FROM pg_stat_activity
WHERE
    datname = CURRENT_DATABASE()
    AND pid <> PG_BACKEND_PID()
    AND state IN ('active', 'idle in transaction', 'idle in transaction (aborted)');
