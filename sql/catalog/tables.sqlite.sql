-- The application's tables (not SQLite's own or yoyo's bookkeeping).
SELECT name AS table_name
FROM sqlite_master
WHERE
    type = 'table'
    AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
    AND name NOT LIKE '\_yoyo%' ESCAPE '\'
    AND name != 'yoyo_lock'
    -- FTS5 tables and their shadow tables are indexes, not the application's tables.
    AND name NOT IN (
        SELECT l.name FROM PRAGMA_TABLE_LIST() AS l -- noqa: CV12
        WHERE l.type IN ('virtual', 'shadow')
    )
ORDER BY name;
