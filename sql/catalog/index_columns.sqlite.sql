-- The columns of every index on the application's tables (also those SQLite
-- makes for UNIQUE and non-integer PRIMARY KEY constraints), in key order,
-- and whether the index is partial. `sqlstore check --plans` uses them.
SELECT
    m.name AS table_name,
    il.name AS index_name,
    ii.name AS column_name,
    ii.seqno + 1 AS position,
    il.partial
FROM sqlite_master AS m
INNER JOIN PRAGMA_INDEX_LIST(m.name) AS il -- noqa: CV12
INNER JOIN PRAGMA_INDEX_INFO(il.name) AS ii -- noqa: CV12
WHERE
    m.type = 'table'
    AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
    AND m.name NOT LIKE '\_yoyo%' ESCAPE '\'
    AND m.name != 'yoyo_lock'
    AND ii.name IS NOT NULL
ORDER BY m.name, il.name, ii.seqno;
