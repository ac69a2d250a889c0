-- Every column of the application's tables, in table and column order.
SELECT
    c.table_name,
    c.column_name,
    (c.is_nullable = 'NO') AS not_null
FROM information_schema.columns AS c
INNER JOIN pg_catalog.pg_tables AS t
    ON c.table_schema = t.schemaname AND c.table_name = t.tablename
WHERE
    c.table_schema = CURRENT_SCHEMA()
    AND c.table_name NOT LIKE '\_yoyo%'
    AND c.table_name != 'yoyo_lock'
ORDER BY c.table_name, c.ordinal_position;
