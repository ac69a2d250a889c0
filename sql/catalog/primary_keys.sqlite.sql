-- The primary key columns of the application's tables, in key order.
SELECT
    m.name AS table_name,
    p.name AS column_name,
    p.pk AS position
FROM sqlite_master AS m
INNER JOIN PRAGMA_TABLE_INFO(m.name) AS p -- noqa: CV12
WHERE
    m.type = 'table'
    AND p.pk > 0
    AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
    AND m.name NOT LIKE '\_yoyo%' ESCAPE '\'
    AND m.name != 'yoyo_lock'
ORDER BY m.name, p.pk;
