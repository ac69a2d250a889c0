-- The primary key columns of the application's tables, in key order.
SELECT
    t.relname AS table_name,
    a.attname AS column_name,
    k.position
FROM pg_catalog.pg_constraint AS con
INNER JOIN pg_catalog.pg_class AS t ON con.conrelid = t.oid
INNER JOIN pg_catalog.pg_namespace AS n ON t.relnamespace = n.oid
CROSS JOIN LATERAL UNNEST(con.conkey) WITH ORDINALITY AS k (attnum, position)
INNER JOIN pg_catalog.pg_attribute AS a ON t.oid = a.attrelid AND k.attnum = a.attnum
WHERE
    con.contype = 'p'
    AND n.nspname = CURRENT_SCHEMA()
    AND t.relname NOT LIKE '\_yoyo%'
    AND t.relname != 'yoyo_lock'
ORDER BY t.relname, k.position;
