-- The whole schema as (kind, table, name, definition) rows, to compare two
-- databases: every table, index, view and trigger with the SQL that made it.
-- SQLite's own objects (its automatic indexes, whose constraints the table's
-- SQL already shows, and sqlite_sequence) and yoyo's tables are left out.
SELECT
    type AS kind,
    tbl_name AS table_name,
    0 AS position,
    name,
    sql AS definition
FROM sqlite_master
WHERE
    name NOT LIKE 'sqlite\_%' ESCAPE '\'
    AND tbl_name NOT LIKE '\_yoyo%' ESCAPE '\'
    AND tbl_name != 'yoyo_lock'
ORDER BY kind, table_name, name;
