-- Indexes created by the migrations (not those behind primary keys or
-- unique constraints).
SELECT
    t.relname AS table_name,
    i.relname AS index_name
FROM pg_catalog.pg_index AS x
INNER JOIN pg_catalog.pg_class AS i ON x.indexrelid = i.oid
INNER JOIN pg_catalog.pg_class AS t ON x.indrelid = t.oid
INNER JOIN pg_catalog.pg_namespace AS n ON t.relnamespace = n.oid
WHERE
    n.nspname = CURRENT_SCHEMA()
    AND t.relname NOT LIKE '\_yoyo%'
    AND t.relname != 'yoyo_lock'
    AND NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_constraint AS c
        WHERE c.conindid = x.indexrelid
    )
ORDER BY t.relname, i.relname;
