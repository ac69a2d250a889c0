-- The columns of every index on the application's tables (also those behind
-- primary keys and unique constraints), in key order, and whether the index
-- is partial; expression keys are left out. `sqlstore check --plans` uses them.
SELECT
    t.relname AS table_name,
    i.relname AS index_name,
    a.attname AS column_name,
    k.position,
    (x.indpred IS NOT NULL) AS partial
FROM pg_catalog.pg_index AS x
INNER JOIN pg_catalog.pg_class AS i ON x.indexrelid = i.oid
INNER JOIN pg_catalog.pg_class AS t ON x.indrelid = t.oid
INNER JOIN pg_catalog.pg_namespace AS n ON t.relnamespace = n.oid
CROSS JOIN LATERAL UNNEST(CAST(x.indkey AS INT2[])) WITH ORDINALITY AS k (attnum, position)
INNER JOIN pg_catalog.pg_attribute AS a ON t.oid = a.attrelid AND k.attnum = a.attnum
WHERE
    n.nspname = CURRENT_SCHEMA()
    AND t.relname NOT LIKE '\_yoyo%'
    AND t.relname != 'yoyo_lock'
ORDER BY t.relname, i.relname, k.position;
