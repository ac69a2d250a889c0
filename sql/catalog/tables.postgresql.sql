-- The application's tables in the current schema (not yoyo's bookkeeping).
SELECT tablename AS table_name
FROM pg_catalog.pg_tables
WHERE
    schemaname = CURRENT_SCHEMA()
    AND tablename NOT LIKE '\_yoyo%'
    AND tablename != 'yoyo_lock'
ORDER BY tablename;
