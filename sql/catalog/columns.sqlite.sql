-- Every column of the application's tables, in table and column order.
SELECT
    m.name AS table_name,
    p.name AS column_name,
    p."notnull" AS not_null
FROM sqlite_master AS m
INNER JOIN PRAGMA_TABLE_INFO(m.name) AS p -- noqa: CV12
WHERE
    m.type = 'table'
    AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
    AND m.name NOT LIKE '\_yoyo%' ESCAPE '\'
    AND m.name != 'yoyo_lock'
    -- FTS5 tables and their shadow tables are indexes, not the application's tables.
    AND m.name NOT IN (
        SELECT l.name FROM PRAGMA_TABLE_LIST() AS l -- noqa: CV12
        WHERE l.type IN ('virtual', 'shadow')
    )
ORDER BY m.name, p.cid;
