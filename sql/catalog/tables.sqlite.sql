-- The application's tables (not SQLite's own or yoyo's bookkeeping).
SELECT name AS table_name
FROM sqlite_master
WHERE
    type = 'table'
    AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
    AND name NOT LIKE '\_yoyo%' ESCAPE '\'
    AND name != 'yoyo_lock'
ORDER BY name;
