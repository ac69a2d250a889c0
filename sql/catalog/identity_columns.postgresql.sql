-- The identity and serial columns of the application's tables: those whose
-- sequence `catalog.reset_sequences` sets after `sqlstore copy`.
SELECT
    c.table_name,
    c.column_name
FROM information_schema.columns AS c
WHERE
    c.table_schema = CURRENT_SCHEMA()
    AND c.table_name NOT LIKE '\_yoyo%'
    AND c.table_name != 'yoyo_lock'
    AND PG_GET_SERIAL_SEQUENCE(FORMAT('%I', c.table_name), c.column_name) IS NOT NULL
ORDER BY c.table_name, c.column_name;
